package dsr3d.tensor.backend;

/**
 * Geometry of one 2-D convolution, NCHW, as PyTorch defines it:
 * x [n, cin, h, w] * weight [cout, cin/groups, kh, kw] -> y [n, cout, hout, wout],
 * hout = (h + 2*padH - kh) / strideH + 1. Channels split into {@code groups} contiguous blocks;
 * output block g only sees input block g.
 *
 * <p>A transposed convolution is the adjoint of the convolution with the same geometry, read
 * the other way round: its input is this geometry's y and its output this geometry's x. So
 * conv_transpose2d needs no kernels of its own (its forward is {@code conv2dBackwardInput}).
 */
public record ConvGeom(int n, int cin, int h, int w, int cout, int kh, int kw,
                       int strideH, int strideW, int padH, int padW, int groups) {

    public ConvGeom {
        if (groups < 1 || cin % groups != 0 || cout % groups != 0)
            throw new IllegalArgumentException("groups=" + groups + " must divide cin=" + cin + " and cout=" + cout);
        if (strideH < 1 || strideW < 1) throw new IllegalArgumentException("stride must be >= 1");
        if (padH < 0 || padW < 0) throw new IllegalArgumentException("padding must be >= 0");
        // (fields are assigned after a compact constructor, so compute the output size here)
        if (h + 2 * padH < kh || w + 2 * padW < kw)
            throw new IllegalArgumentException("kernel " + kh + "x" + kw + " with padding " + padH + "," + padW
                    + " does not fit input " + h + "x" + w);
    }

    public static ConvGeom square(int n, int cin, int hw, int cout, int k, int stride, int pad, int groups) {
        return new ConvGeom(n, cin, hw, hw, cout, k, k, stride, stride, pad, pad, groups);
    }

    public int hout() { return (h + 2 * padH - kh) / strideH + 1; }
    public int wout() { return (w + 2 * padW - kw) / strideW + 1; }
    public int cinPerGroup() { return cin / groups; }
    public int coutPerGroup() { return cout / groups; }
    public int weightSize() { return cout * cinPerGroup() * kh * kw; }
    public int inputSize() { return n * cin * h * w; }
    public int outputSize() { return n * cout * hout() * wout(); }

    /** Multiply-accumulates of the forward pass (equal for both backward passes). */
    public long macs() { return (long) n * cout * hout() * wout() * cinPerGroup() * kh * kw; }
}
