package dsr3d.tensor.ops;

import dsr3d.tensor.Shape;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.autograd.Autograd;
import dsr3d.tensor.backend.ConvGeom;

/**
 * 2-D transposed convolution, NCHW, as torch.nn.ConvTranspose2d (dilation 1).
 * Shape rule: x [n, cin, h, w], weight [cin, cout/groups, kh, kw] ->
 * y [n, cout, (h-1)s - 2p + kh + outputPadding, ...].
 *
 * <p>It is the adjoint of the convolution G that maps y's shape to x's shape with the same weight
 * tensor (G: cout -> cin channels, its weight layout [cin, cout/groups, kh, kw] is exactly ours).
 * So forward = G's input gradient, dx = G's forward applied to g, dw = G's weight gradient with
 * the roles of input and output swapped, dbias = sum of g over n, h, w. No kernels of its own.
 */
public final class ConvTranspose2d {
    private ConvTranspose2d() {}

    public static Tensor apply(Tensor x, Tensor weight, Tensor bias, int stride, int padding, int outputPadding, int groups) {
        if (x.dim() != 4 || weight.dim() != 4)
            throw new IllegalArgumentException("conv_transpose2d: input [n,c,h,w] and weight [cin, cout/groups, kh, kw] expected, got "
                    + Shape.str(x.shape()) + " and " + Shape.str(weight.shape()));
        int cin = x.size(1);
        if (weight.size(0) != cin || groups < 1 || cin % groups != 0)
            throw new IllegalArgumentException("conv_transpose2d: input has " + cin + " channels, weight " + Shape.str(weight.shape())
                    + " with groups=" + groups + " expects " + weight.size(0));
        if (outputPadding < 0 || outputPadding >= stride)
            throw new IllegalArgumentException("conv_transpose2d: output_padding " + outputPadding + " must be in [0, stride=" + stride + ")");
        int cout = weight.size(1) * groups, kh = weight.size(2), kw = weight.size(3);
        int hout = (x.size(2) - 1) * stride - 2 * padding + kh + outputPadding;
        int wout = (x.size(3) - 1) * stride - 2 * padding + kw + outputPadding;
        if (hout < 1 || wout < 1)
            throw new IllegalArgumentException("conv_transpose2d: input " + Shape.str(x.shape()) + " with kernel " + kh + "x" + kw + ", stride " + stride
                    + ", padding " + padding + " gives an empty output " + hout + "x" + wout);
        Conv2d.checkBias(bias, cout, "conv_transpose2d");
        Conv2d.checkDtypes(x, weight, bias, "conv_transpose2d");
        ConvGeom g = new ConvGeom(x.size(0), cout, hout, wout, cin, kh, kw, stride, stride, padding, padding, groups);
        Tensor xd = x.detach().contiguous(), wd = weight.detach().contiguous();
        Tensor y = Tensor.zeros(x.backend(), x.dtype(), g.n(), cout, hout, wout);
        x.backend().conv2dBackwardInput(g, xd.storage(), wd.storage(), y.storage());
        Tensor out = bias == null ? y : y.add(bias.detach().reshape(1, cout, 1, 1));
        return Autograd.record("conv_transpose2d", out, gy -> {
            Tensor gd = gy.contiguous();
            Tensor dx = x.requiresGrad() ? Tensor.zeros(x.backend(), x.dtype(), x.shape()) : null;
            if (dx != null) x.backend().conv2dForward(g, gd.storage(), wd.storage(), null, dx.storage());
            Tensor dw = weight.requiresGrad() ? Tensor.zeros(x.backend(), x.dtype(), weight.shape()) : null;
            if (dw != null) x.backend().conv2dBackwardWeight(g, gd.storage(), xd.storage(), dw.storage());
            Tensor db = bias != null && bias.requiresGrad() ? gd.sum(new int[]{0, 2, 3}, false) : null;
            return new Tensor[]{dx, dw, db};
        }, x, weight, bias);
    }
}
