package dsr3d.nn.layers;

import dsr3d.nn.Layer;
import dsr3d.nn.init.Init;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;

import java.util.Random;

/** torch.nn.ConvTranspose2d with square kernels: weight [cin, cout/groups, k, k], optional bias
 *  [cout]; output size (in - 1) * stride - 2 * padding + k + outputPadding. PyTorch's default
 *  initialisation (fan_in = cout/groups * k * k, as torch computes it from weight.size(1)). */
public final class ConvTranspose2d extends Layer {
    public final int inChannels, outChannels, kernel, stride, padding, outputPadding, groups;
    private final boolean hasBias;

    public ConvTranspose2d(int inChannels, int outChannels, int kernel, int stride, int padding, int outputPadding,
                           int groups, boolean bias, Random rng) {
        if (inChannels <= 0 || outChannels <= 0 || kernel <= 0 || stride <= 0 || padding < 0 || outputPadding < 0 || groups <= 0)
            throw new IllegalArgumentException("ConvTranspose2d(in=" + inChannels + ", out=" + outChannels + ", k=" + kernel + ", stride=" + stride
                    + ", padding=" + padding + ", output_padding=" + outputPadding + ", groups=" + groups + "): sizes must be positive, paddings non-negative");
        if (inChannels % groups != 0 || outChannels % groups != 0)
            throw new IllegalArgumentException("ConvTranspose2d: in_channels " + inChannels + " and out_channels " + outChannels + " must be divisible by groups " + groups);
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.outputPadding = outputPadding;
        this.groups = groups;
        this.hasBias = bias;
        Tensor w = registerParameter("weight", Tensor.zeros(DType.F32, inChannels, outChannels / groups, kernel, kernel));
        Tensor b = bias ? registerParameter("bias", Tensor.zeros(DType.F32, outChannels)) : null;
        Init.convDefault(w, b, rng);
    }

    /** The 3DSR upsampler: k 4, stride 2, padding 1 doubles H and W. */
    public static ConvTranspose2d up2(int inChannels, int outChannels, int groups, Random rng) {
        return new ConvTranspose2d(inChannels, outChannels, 4, 2, 1, 0, groups, true, rng);
    }

    public Tensor weight() { return param("weight"); }

    public Tensor bias() { return hasBias ? param("bias") : null; }

    @Override public Tensor forward(Tensor x) {
        return dsr3d.tensor.ops.ConvTranspose2d.apply(x, weight(), bias(), stride, padding, outputPadding, groups);
    }

    @Override protected String extraRepr() {
        StringBuilder sb = new StringBuilder().append(inChannels).append(", ").append(outChannels)
                .append(", kernel_size=(").append(kernel).append(", ").append(kernel)
                .append("), stride=(").append(stride).append(", ").append(stride).append(")");
        if (padding != 0) sb.append(", padding=(").append(padding).append(", ").append(padding).append(")");
        if (outputPadding != 0) sb.append(", output_padding=(").append(outputPadding).append(", ").append(outputPadding).append(")");
        if (groups != 1) sb.append(", groups=").append(groups);
        if (!hasBias) sb.append(", bias=False");
        return sb.toString();
    }
}
