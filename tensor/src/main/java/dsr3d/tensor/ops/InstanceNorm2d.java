package dsr3d.tensor.ops;

import dsr3d.tensor.Shape;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.autograd.Autograd;

/**
 * Instance normalisation as nn.InstanceNorm2d's default (no affine, no running stats): each
 * [h, w] plane of each sample becomes (x - mean) / sqrt(var + eps), biased variance.
 * Backward with y the output and r = 1/sqrt(var + eps): dx = r * (g - mean(g) - y * mean(g*y)).
 */
public final class InstanceNorm2d {
    private InstanceNorm2d() {}

    public static Tensor apply(Tensor x, double eps) {
        if (x.dim() != 4) throw new IllegalArgumentException("instance_norm2d: input must be [n, c, h, w], got " + Shape.str(x.shape()));
        int nc = x.size(0) * x.size(1), hw = x.size(2) * x.size(3);
        Tensor xd = x.detach().contiguous();
        Tensor y = Tensor.zeros(x.backend(), x.dtype(), x.shape());
        Tensor mean = Tensor.zeros(x.backend(), x.dtype(), nc), rstd = Tensor.zeros(x.backend(), x.dtype(), nc);
        x.backend().instanceNorm(nc, hw, eps, xd.storage(), y.storage(), mean.storage(), rstd.storage());
        return Autograd.record("instance_norm2d", y, g -> {
            Tensor dx = Tensor.zeros(x.backend(), x.dtype(), x.shape());
            x.backend().instanceNormBackward(nc, hw, y.storage(), rstd.storage(), g.contiguous().storage(), dx.storage());
            return new Tensor[]{dx};
        }, x);
    }
}
