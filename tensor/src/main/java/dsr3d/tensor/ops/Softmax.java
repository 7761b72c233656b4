package dsr3d.tensor.ops;

import dsr3d.tensor.Shape;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.autograd.Autograd;

/**
 * Softmax and log-softmax over one dimension, in one fused kernel (max shift, exp, sum).
 * Backward (y = output): softmax dx = y * (g - sum(g*y)); log-softmax dx = g - exp(y) * sum(g).
 * The dimension is moved last so each row is contiguous, and moved back afterwards.
 */
public final class Softmax {
    private Softmax() {}

    public static Tensor apply(Tensor x, int dim, boolean log) {
        Elementwise.requireFloating(x, log ? "log_softmax" : "softmax");
        int d = Shape.dim(dim, x.dim()), last = x.dim() - 1;
        Tensor xt = x.detach().transpose(d, last).contiguous();
        int cols = x.size(d), rows = cols == 0 ? 0 : x.numel() / cols;
        Tensor yt = Tensor.zeros(x.backend(), x.dtype(), xt.shape());
        x.backend().softmaxRows(log, xt.storage(), rows, cols, yt.storage());
        Tensor out = yt.transpose(d, last).contiguous();
        return Autograd.record(log ? "log_softmax" : "softmax", out, g -> {
            Tensor gt = g.transpose(d, last).contiguous();
            Tensor dx = Tensor.zeros(g.backend(), g.dtype(), gt.shape());
            g.backend().softmaxRowsBackward(log, yt.storage(), gt.storage(), rows, cols, dx.storage());
            return new Tensor[]{dx.transpose(d, last).contiguous()};
        }, x);
    }
}
