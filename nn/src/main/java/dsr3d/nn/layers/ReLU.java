package dsr3d.nn.layers;

import dsr3d.nn.Layer;
import dsr3d.tensor.Tensor;

/** max(x, 0). Never in place: the official decoders' in-place ReLU quirk is modelled explicitly by
 *  {@link Residual.Skip#RELU_INPUT}. */
public final class ReLU extends Layer {
    @Override public Tensor forward(Tensor x) { return x.relu(); }
}
