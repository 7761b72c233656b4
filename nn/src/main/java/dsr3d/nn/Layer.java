package dsr3d.nn;

import dsr3d.tensor.Tensor;

/** A module with one input and one output tensor: what Sequential chains. */
public abstract class Layer extends Module {
    public abstract Tensor forward(Tensor x);
}
