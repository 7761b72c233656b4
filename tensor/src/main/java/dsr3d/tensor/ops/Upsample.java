package dsr3d.tensor.ops;

import dsr3d.tensor.Shape;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.autograd.Autograd;

/**
 * Resampling of NCHW planes. Bilinear uses align_corners = true (the 3DSR U-Nets): output pixel
 * o reads input coordinate o * (in-1)/(out-1). Nearest repeats each pixel by integer factors.
 * Backward: each output gradient flows back to the input pixels it was interpolated from, with
 * the same weights (the transpose of the interpolation matrix).
 */
public final class Upsample {
    private Upsample() {}

    private static void check4(Tensor x, String op) {
        if (x.dim() != 4) throw new IllegalArgumentException(op + ": input must be [n, c, h, w], got " + Shape.str(x.shape()));
    }

    public static Tensor bilinear(Tensor x, int hout, int wout) {
        check4(x, "upsample_bilinear2d");
        if (hout < 1 || wout < 1) throw new IllegalArgumentException("upsample_bilinear2d: output size " + hout + "x" + wout + " must be positive");
        int nc = x.size(0) * x.size(1), h = x.size(2), w = x.size(3);
        Tensor xd = x.detach().contiguous();
        Tensor y = Tensor.zeros(x.backend(), x.dtype(), x.size(0), x.size(1), hout, wout);
        x.backend().upsampleBilinear(nc, h, w, hout, wout, xd.storage(), y.storage());
        return Autograd.record("upsample_bilinear2d", y, g -> {
            Tensor dx = Tensor.zeros(x.backend(), x.dtype(), x.shape());
            x.backend().upsampleBilinearBackward(nc, h, w, hout, wout, g.contiguous().storage(), dx.storage());
            return new Tensor[]{dx};
        }, x);
    }

    public static Tensor nearest(Tensor x, int factorH, int factorW) {
        check4(x, "upsample_nearest2d");
        if (factorH < 1 || factorW < 1) throw new IllegalArgumentException("upsample_nearest2d: factors must be >= 1, got " + factorH + ", " + factorW);
        int nc = x.size(0) * x.size(1), h = x.size(2), w = x.size(3);
        Tensor xd = x.detach().contiguous();
        Tensor y = Tensor.zeros(x.backend(), x.dtype(), x.size(0), x.size(1), h * factorH, w * factorW);
        x.backend().upsampleNearest(nc, h, w, factorH, factorW, xd.storage(), y.storage());
        return Autograd.record("upsample_nearest2d", y, g -> {
            Tensor dx = Tensor.zeros(x.backend(), x.dtype(), x.shape());
            x.backend().upsampleNearestBackward(nc, h, w, factorH, factorW, g.contiguous().storage(), dx.storage());
            return new Tensor[]{dx};
        }, x);
    }
}
