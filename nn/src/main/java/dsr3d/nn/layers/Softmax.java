package dsr3d.nn.layers;

import dsr3d.nn.Layer;
import dsr3d.tensor.Tensor;

/** torch.nn.Softmax(dim). */
public final class Softmax extends Layer {
    public final int dim;

    public Softmax(int dim) { this.dim = dim; }

    @Override public Tensor forward(Tensor x) { return x.softmax(dim); }

    @Override protected String extraRepr() { return "dim=" + dim; }
}
