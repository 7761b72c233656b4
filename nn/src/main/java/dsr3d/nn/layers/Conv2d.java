package dsr3d.nn.layers;

import dsr3d.nn.Layer;
import dsr3d.nn.init.Init;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;

import java.util.Random;

/** torch.nn.Conv2d with square kernels: weight [cout, cin/groups, k, k], optional bias [cout],
 *  PyTorch's default initialisation drawn from the given generator. Parameters are F32. */
public final class Conv2d extends Layer {
    public final int inChannels, outChannels, kernel, stride, padding, groups;
    private final boolean hasBias;

    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding, int groups, boolean bias, Random rng) {
        if (inChannels <= 0 || outChannels <= 0 || kernel <= 0 || stride <= 0 || padding < 0 || groups <= 0)
            throw new IllegalArgumentException("Conv2d(in=" + inChannels + ", out=" + outChannels + ", k=" + kernel + ", stride=" + stride
                    + ", padding=" + padding + ", groups=" + groups + "): sizes must be positive, padding non-negative");
        if (inChannels % groups != 0 || outChannels % groups != 0)
            throw new IllegalArgumentException("Conv2d: in_channels " + inChannels + " and out_channels " + outChannels + " must be divisible by groups " + groups);
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.groups = groups;
        this.hasBias = bias;
        Tensor w = registerParameter("weight", Tensor.zeros(DType.F32, outChannels, inChannels / groups, kernel, kernel));
        Tensor b = bias ? registerParameter("bias", Tensor.zeros(DType.F32, outChannels)) : null;
        Init.convDefault(w, b, rng);
    }

    /** Conv2d with stride 1, no padding, one group, with bias. */
    public Conv2d(int inChannels, int outChannels, int kernel, Random rng) {
        this(inChannels, outChannels, kernel, 1, 0, 1, true, rng);
    }

    public Tensor weight() { return param("weight"); }

    public Tensor bias() { return hasBias ? param("bias") : null; }

    @Override public Tensor forward(Tensor x) {
        return dsr3d.tensor.ops.Conv2d.apply(x, weight(), bias(), stride, padding, groups);
    }

    @Override protected String extraRepr() {
        StringBuilder sb = new StringBuilder().append(inChannels).append(", ").append(outChannels)
                .append(", kernel_size=(").append(kernel).append(", ").append(kernel)
                .append("), stride=(").append(stride).append(", ").append(stride).append(")");
        if (padding != 0) sb.append(", padding=(").append(padding).append(", ").append(padding).append(")");
        if (groups != 1) sb.append(", groups=").append(groups);
        if (!hasBias) sb.append(", bias=False");
        return sb.toString();
    }
}
