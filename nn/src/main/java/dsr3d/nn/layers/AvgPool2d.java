package dsr3d.nn.layers;

import dsr3d.nn.Layer;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.ops.Pool2d;

/** torch.nn.AvgPool2d(kernel, stride, padding) with count_include_pad = true: every window divides
 *  by k*k, padded zeros included (the 3DSR score smoothing filter). */
public final class AvgPool2d extends Layer {
    public final int kernel, stride, padding;

    public AvgPool2d(int kernel) { this(kernel, kernel, 0); }

    public AvgPool2d(int kernel, int stride, int padding) {
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    @Override public Tensor forward(Tensor x) { return Pool2d.avg(x, kernel, stride, padding); }

    @Override protected String extraRepr() { return "kernel_size=" + kernel + ", stride=" + stride + ", padding=" + padding; }
}
