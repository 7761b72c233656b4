package dsr3d.tensor.ops;

import dsr3d.tensor.Shape;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.autograd.Autograd;
import dsr3d.tensor.backend.ConvGeom;

/**
 * 2-D convolution (cross-correlation, as PyTorch), NCHW.
 * Shape rule: x [n, cin, h, w], weight [cout, cin/groups, kh, kw], bias [cout] or null
 * -> y [n, cout, (h + 2p - kh)/s + 1, (w + 2p - kw)/s + 1].
 * Backward: dx = conv2dBackwardInput(g, w) (the transposed convolution of g),
 * dw = conv2dBackwardWeight(x, g) (correlation of x with g), dbias = sum of g over n, h, w.
 */
public final class Conv2d {
    private Conv2d() {}

    public static Tensor apply(Tensor x, Tensor weight, Tensor bias, int stride, int padding, int groups) {
        return apply(x, weight, bias, stride, stride, padding, padding, groups);
    }

    public static Tensor apply(Tensor x, Tensor weight, Tensor bias, int strideH, int strideW, int padH, int padW, int groups) {
        ConvGeom g = geometry(x, weight, bias, strideH, strideW, padH, padW, groups);
        Tensor xd = x.detach().contiguous(), wd = weight.detach().contiguous();
        Tensor bd = bias == null ? null : bias.detach().contiguous();
        Tensor y = Tensor.zeros(x.backend(), x.dtype(), g.n(), g.cout(), g.hout(), g.wout());
        x.backend().conv2dForward(g, xd.storage(), wd.storage(), bd == null ? null : bd.storage(), y.storage());
        return Autograd.record("conv2d", y, gy -> {
            Tensor gd = gy.contiguous();
            Tensor dx = x.requiresGrad() ? Tensor.zeros(x.backend(), x.dtype(), x.shape()) : null;
            if (dx != null) x.backend().conv2dBackwardInput(g, gd.storage(), wd.storage(), dx.storage());
            Tensor dw = weight.requiresGrad() ? Tensor.zeros(x.backend(), x.dtype(), weight.shape()) : null;
            if (dw != null) x.backend().conv2dBackwardWeight(g, xd.storage(), gd.storage(), dw.storage());
            Tensor db = bias != null && bias.requiresGrad() ? gd.sum(new int[]{0, 2, 3}, false) : null;
            return new Tensor[]{dx, dw, db};
        }, x, weight, bias);
    }

    static ConvGeom geometry(Tensor x, Tensor weight, Tensor bias, int sh, int sw, int ph, int pw, int groups) {
        if (x.dim() != 4) throw new IllegalArgumentException("conv2d: input must be [n, c, h, w], got " + Shape.str(x.shape()));
        if (weight.dim() != 4) throw new IllegalArgumentException("conv2d: weight must be [cout, cin/groups, kh, kw], got " + Shape.str(weight.shape()));
        int cin = x.size(1), cout = weight.size(0);
        if (groups < 1 || cin % groups != 0 || weight.size(1) * groups != cin)
            throw new IllegalArgumentException("conv2d: input has " + cin + " channels but weight " + Shape.str(weight.shape())
                    + " with groups=" + groups + " expects " + weight.size(1) * groups);
        checkBias(bias, cout, "conv2d");
        checkDtypes(x, weight, bias, "conv2d");
        return new ConvGeom(x.size(0), cin, x.size(2), x.size(3), cout, weight.size(2), weight.size(3), sh, sw, ph, pw, groups);
    }

    /** Mixed dtypes would run silently at the higher precision and give gradients of the wrong dtype. */
    static void checkDtypes(Tensor x, Tensor weight, Tensor bias, String op) {
        if (!x.dtype().isFloating() || weight.dtype() != x.dtype() || (bias != null && bias.dtype() != x.dtype()))
            throw new IllegalArgumentException(op + ": input, weight and bias must share one floating dtype, got " + x.dtype()
                    + ", " + weight.dtype() + (bias == null ? "" : ", " + bias.dtype()));
    }

    static void checkBias(Tensor bias, int channels, String op) {
        if (bias != null && (bias.dim() != 1 || bias.size(0) != channels))
            throw new IllegalArgumentException(op + ": bias must be [" + channels + "], got " + Shape.str(bias.shape()));
    }
}
