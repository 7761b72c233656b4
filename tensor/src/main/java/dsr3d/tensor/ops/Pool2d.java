package dsr3d.tensor.ops;

import dsr3d.tensor.DType;
import dsr3d.tensor.Shape;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.autograd.Autograd;
import dsr3d.tensor.backend.PoolGeom;

/**
 * Max and average pooling over NCHW planes. Shape rule: [n, c, h, w] ->
 * [n, c, (h + 2p - k)/s + 1, (w + 2p - k)/s + 1].
 * Max backward: g goes to the position that won each window (saved as I32 indices).
 * Average backward: g / k^2 spread over each window (count_include_pad = true).
 */
public final class Pool2d {
    private Pool2d() {}

    private static PoolGeom geometry(Tensor x, int k, int stride, int pad, String op) {
        if (x.dim() != 4) throw new IllegalArgumentException(op + ": input must be [n, c, h, w], got " + Shape.str(x.shape()));
        // checked here, not only in PoolGeom: a record's compact constructor prints its fields as 0
        if (k < 1 || stride < 1 || pad < 0)
            throw new IllegalArgumentException(op + ": kernel " + k + " and stride " + stride + " must be >= 1, padding " + pad + " >= 0");
        if (2 * pad > k)
            throw new IllegalArgumentException(op + ": padding " + pad + " must be at most half the kernel size " + k + " (PyTorch's rule)");
        if (x.size(2) + 2 * pad < k || x.size(3) + 2 * pad < k)
            throw new IllegalArgumentException(op + ": kernel " + k + " with padding " + pad + " does not fit input " + Shape.str(x.shape()));
        return new PoolGeom(x.size(0) * x.size(1), x.size(2), x.size(3), k, k, stride, stride, pad, pad);
    }

    public static Tensor max(Tensor x, int k, int stride, int pad) {
        PoolGeom p = geometry(x, k, stride, pad, "max_pool2d");
        Tensor xd = x.detach().contiguous();
        Tensor y = Tensor.zeros(x.backend(), x.dtype(), x.size(0), x.size(1), p.hout(), p.wout());
        Tensor idx = Tensor.zeros(x.backend(), DType.I32, y.shape());
        x.backend().maxPool2d(p, xd.storage(), y.storage(), idx.storage());
        return Autograd.record("max_pool2d", y, g -> {
            Tensor dx = Tensor.zeros(x.backend(), x.dtype(), x.shape());
            x.backend().maxPool2dBackward(p, g.contiguous().storage(), idx.storage(), dx.storage());
            return new Tensor[]{dx};
        }, x);
    }

    public static Tensor avg(Tensor x, int k, int stride, int pad) {
        PoolGeom p = geometry(x, k, stride, pad, "avg_pool2d");
        Tensor xd = x.detach().contiguous();
        Tensor y = Tensor.zeros(x.backend(), x.dtype(), x.size(0), x.size(1), p.hout(), p.wout());
        x.backend().avgPool2d(p, xd.storage(), y.storage());
        return Autograd.record("avg_pool2d", y, g -> {
            Tensor dx = Tensor.zeros(x.backend(), x.dtype(), x.shape());
            x.backend().avgPool2dBackward(p, g.contiguous().storage(), dx.storage());
            return new Tensor[]{dx};
        }, x);
    }
}
