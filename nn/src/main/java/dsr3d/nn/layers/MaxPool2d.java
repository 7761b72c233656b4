package dsr3d.nn.layers;

import dsr3d.nn.Layer;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.ops.Pool2d;

/** torch.nn.MaxPool2d(kernel, stride, padding) with square windows (padding counts as -inf). */
public final class MaxPool2d extends Layer {
    public final int kernel, stride, padding;

    public MaxPool2d(int kernel) { this(kernel, kernel, 0); }

    public MaxPool2d(int kernel, int stride, int padding) {
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    @Override public Tensor forward(Tensor x) { return Pool2d.max(x, kernel, stride, padding); }

    @Override protected String extraRepr() {
        return "kernel_size=" + kernel + ", stride=" + stride + ", padding=" + padding + ", dilation=1, ceil_mode=False";
    }
}
