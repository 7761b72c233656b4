package dsr3d.nn.loss;

import dsr3d.tensor.Tensor;

import java.util.Arrays;

/**
 * The focal loss of the DRAEM/DSR/3DSR code ("FocalLoss" with its default arguments: no
 * non-linearity applied inside, alpha = 1 for every class, gamma = 2, smooth = 1e-5, mean).
 * The input is already a probability map (the caller applies softmax), [N, C, H, W]; the target
 * [N, 1, H, W] holds class indices (the binary anomaly mask). Per pixel:
 * <pre>
 *   t   = one_hot(target) clamped to [smooth / (C - 1), 1 - smooth]
 *   p_t = sum_c t_c p_c + smooth
 *   l   = -(1 - p_t)^gamma * log(p_t)
 * </pre>
 * and the loss is the mean over all pixels. Target values are matched exactly against 0..C-1
 * (the official code truncates with long(); the masks are exact 0/1, where both agree).
 *
 * <p>The official code builds the smoothed one-hot as a {@code torch.FloatTensor}, so its clamp
 * bounds are float32 values whatever the input's precision ((float) 1e-5, (float) (1 - 1e-5));
 * so are ours, which is what makes F64 results agree with the official module to 1e-12
 * (found by the fixtures regenerated from the official loss.py: with double bounds the loss
 * differed by 8e-9). The {@code + smooth} of p_t is a Python float, double here too.
 */
public final class FocalLoss {
    public final double gamma, smooth;

    public FocalLoss() { this(2.0, 1e-5); }

    public FocalLoss(double gamma, double smooth) {
        this.gamma = gamma;
        this.smooth = smooth;
    }

    public Tensor apply(Tensor probs, Tensor target) {
        if (probs.dim() != 4) throw new IllegalArgumentException("FocalLoss: probabilities must be [N, C, H, W], got " + Arrays.toString(probs.shape()));
        int n = probs.size(0), c = probs.size(1), h = probs.size(2), w = probs.size(3);
        if (c < 2) throw new IllegalArgumentException("FocalLoss: need at least 2 classes, got " + c);
        if (!Arrays.equals(target.shape(), new int[]{n, 1, h, w}))
            throw new IllegalArgumentException("FocalLoss: target must be [" + n + ", 1, " + h + ", " + w + "], got " + Arrays.toString(target.shape()));
        double[] cls = new double[c];
        for (int k = 0; k < c; k++) cls[k] = k;
        Tensor classes = Tensor.of(cls, probs.dtype(), 1, c, 1, 1);
        Tensor oneHot = target.to(probs.dtype()).eq(classes);                        // [N, C, H, W], 0/1
        Tensor t = oneHot.clamp((float) (smooth / (c - 1)), (float) (1 - smooth));   // float32 one-hot, as torch.FloatTensor
        Tensor pt = t.mul(probs).sum(1, false).add(smooth);                           // [N, H, W]
        Tensor loss = pt.neg().add(1).pow(gamma).mul(pt.log()).neg();
        return loss.mean();
    }
}
