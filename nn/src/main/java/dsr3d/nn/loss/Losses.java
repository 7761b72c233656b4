package dsr3d.nn.loss;

import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.ops.Index;

import java.util.Arrays;

/** Mean-reduced losses with PyTorch semantics (F.mse_loss, F.l1_loss, F.cross_entropy). */
public final class Losses {
    private Losses() {}

    /** mean((input - target)^2) over every element. */
    public static Tensor mse(Tensor input, Tensor target) {
        sameShape("mse", input, target);
        return input.sub(target).pow(2).mean();
    }

    /** mean(|input - target|) over every element. */
    public static Tensor l1(Tensor input, Tensor target) {
        sameShape("l1", input, target);
        return input.sub(target).abs().mean();
    }

    /**
     * F.cross_entropy(logits, target) with mean reduction: logits [N, C, ...] (class scores on dim 1),
     * target I32 class indices [N, ...]. loss = -mean(log_softmax(logits, 1)[n, target[n, ...], ...]).
     */
    public static Tensor crossEntropy(Tensor logits, Tensor target) {
        if (logits.dim() < 2) throw new IllegalArgumentException("crossEntropy: logits must be [N, C, ...], got " + Arrays.toString(logits.shape()));
        if (target.dtype() != DType.I32) throw new IllegalArgumentException("crossEntropy: target must hold I32 class indices, got " + target.dtype());
        int[] ls = logits.shape(), ts = target.shape();
        int[] expected = new int[ls.length - 1];
        expected[0] = ls[0];
        System.arraycopy(ls, 2, expected, 1, ls.length - 2);
        if (!Arrays.equals(ts, expected))
            throw new IllegalArgumentException("crossEntropy: target shape " + Arrays.toString(ts) + " must be logits' shape without dim 1, " + Arrays.toString(expected));
        int[] idxShape = ls.clone();
        idxShape[1] = 1;
        Tensor picked = Index.gather(logits.logSoftmax(1), 1, target.reshape(idxShape));
        return picked.mean().neg();
    }

    static void sameShape(String op, Tensor a, Tensor b) {
        if (!Arrays.equals(a.shape(), b.shape()))
            throw new IllegalArgumentException(op + ": input " + Arrays.toString(a.shape()) + " and target " + Arrays.toString(b.shape()) + " must have the same shape");
    }
}
