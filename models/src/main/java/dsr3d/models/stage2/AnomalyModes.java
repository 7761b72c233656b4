package dsr3d.models.stage2;

import dsr3d.simulate.Rng;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.ops.Pool2d;
import dsr3d.tensor.ops.Upsample;

import java.util.Arrays;

/**
 * Which level carries the simulated anomaly, per sample (spec §4.3, the end of the official
 * no-grad block): use_both ~ Bernoulli(0.5), use_lo ~ Bernoulli(0.5), use_hi = 1 - use_lo.
 * <pre>
 *   case              lo input   hi input            ground truth
 *   use_both          A_lo       A_hi (from A_lo)    blocky lo mask
 *   not both, use_lo  A_lo       q_hi_real (clean)   blocky lo mask
 *   not both, use_hi  q_lo       A_hi_only           blocky hi mask
 * </pre>
 * "Blocky" = the mask max-pooled by the level's ratio and nearest-upsampled back. The mixes are
 * computed with the official arithmetic (weights 0/1 per sample, so the selection is exact).
 */
public record AnomalyModes(boolean[] useBoth, boolean[] useLo) {
    public AnomalyModes {
        if (useBoth.length != useLo.length) throw new IllegalArgumentException("AnomalyModes: " + useBoth.length + " vs " + useLo.length + " flags");
        useBoth = useBoth.clone();
        useLo = useLo.clone();
    }

    /** Two fair coins per sample, use_both first (as the official loop draws them, per batch). */
    public static AnomalyModes random(Rng rng, int batch) {
        boolean[] both = new boolean[batch], lo = new boolean[batch];
        for (int i = 0; i < batch; i++) both[i] = rng.chance(0.5);
        for (int i = 0; i < batch; i++) lo[i] = rng.chance(0.5);
        return new AnomalyModes(both, lo);
    }

    public int batch() { return useBoth.length; }

    /** lo input [B, D, h, w] = both * aLo + (1 - both) * (hi * qLo + lo * aLo). */
    public Tensor loInput(Tensor aLo, Tensor qLo) {
        Tensor both = weights(useBoth, aLo, false), lo = weights(useLo, aLo, false), hi = weights(useLo, aLo, true);
        return aLo.mul(both).add(hi.mul(qLo).add(lo.mul(aLo)).mul(both.neg().add(1)));
    }

    /** hi input [B, D, h, w] = both * aHi + (1 - both) * (hi * aHiOnly + lo * qHiReal). */
    public Tensor hiInput(Tensor aHi, Tensor aHiOnly, Tensor qHiReal) {
        Tensor both = weights(useBoth, aHi, false), lo = weights(useLo, aHi, false), hi = weights(useLo, aHi, true);
        return aHi.mul(both).add(hi.mul(aHiOnly).add(lo.mul(qHiReal)).mul(both.neg().add(1)));
    }

    /** Ground truth [B, 1, H, W]: the blocky lo mask unless (not both and hi), then the blocky hi mask. */
    public Tensor groundTruth(Tensor mask, int ratioLo, int ratioHi) {
        if (mask.dim() != 4 || mask.size(0) != batch() || mask.size(1) != 1)
            throw new IllegalArgumentException("AnomalyModes: mask must be [" + batch() + ", 1, H, W], got " + Arrays.toString(mask.shape()));
        Tensor mLo = blocky(mask, ratioLo), mHi = blocky(mask, ratioHi);
        Tensor both = weights(useBoth, mask, false), lo = weights(useLo, mask, false), hi = weights(useLo, mask, true);
        return mLo.mul(both).add(mLo.mul(lo).add(mHi.mul(hi)).mul(both.neg().add(1)));
    }

    /** M max-pooled by r, then nearest-upsampled by r: [B, 1, H, W] with r x r blocks. */
    public static Tensor blocky(Tensor mask, int r) {
        if (mask.size(2) % r != 0 || mask.size(3) % r != 0)
            throw new IllegalArgumentException("AnomalyModes: mask " + Arrays.toString(mask.shape()) + " is not divisible by ratio " + r);
        return Upsample.nearest(Pool2d.max(mask, r, r, 0), r, r);
    }

    /** [B, 1, 1, 1] of flag (or its negation) as 0/1 in like's dtype. */
    private static Tensor weights(boolean[] flags, Tensor like, boolean negate) {
        double[] v = new double[flags.length];
        for (int i = 0; i < v.length; i++) v[i] = flags[i] != negate ? 1 : 0;
        if (like.size(0) != v.length) throw new IllegalArgumentException("AnomalyModes: batch " + like.size(0) + " vs " + v.length + " flags");
        return Tensor.of(v, like.dtype(), v.length, 1, 1, 1);
    }
}
