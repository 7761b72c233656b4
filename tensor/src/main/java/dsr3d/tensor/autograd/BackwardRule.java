package dsr3d.tensor.autograd;

import dsr3d.tensor.Tensor;

/** The local derivative of one op: given dL/d(output), return dL/d(input_i) for each input, in
 *  order, with the inputs' shapes (null where an input needs no gradient). Runs with grad off. */
@FunctionalInterface
public interface BackwardRule {
    Tensor[] apply(Tensor gradOutput);
}
