package dsr3d.models.dsr;

import dsr3d.simulate.AnomalyMasks;
import dsr3d.simulate.Rng;
import dsr3d.simulate.image.Rotate;
import dsr3d.simulate.noise.Perlin;
import dsr3d.tensor.Tensor;

import java.util.List;

/**
 * DSR's training samples (data_loader.py, spec §8) from the preprocessed train/good images of one
 * class ([3, S, S] BGR in [0, 1], {@link dsr3d.models.data.MvtecAdDataset#load}):
 * <ul>
 *   <li>stage 2 (TrainWholeImageDataset, perlin_augment): an image drawn uniformly with
 *       replacement, rotated by U(-90, 90) degrees with probability 0.4 (bilinear, zero fill, as
 *       imgaug's Affine); mask M = P > 0.5 on rotated Perlin noise, all zero with probability 0.5
 *       ({@link AnomalyMasks#dsr}); the image itself is not altered (the anomalies are made in
 *       feature space);</li>
 *   <li>stage 3 (MVTecImageAnomTrainDataset): the image rotated by U(-90, 90) with probability 0.3;
 *       with probability 0.5 a normal sample (mask zero); else a "smudge": M as above, a random
 *       solid colour c ~ U(0, 1)^3 and beta ~ U(0, 0.8), image' = (1 - M) x + M ((1 - beta) c + beta x).</li>
 * </ul>
 * Not bit-identical to the official streams (numpy, torch and imgaug generators): the same
 * distributions from our {@link Rng}. Sample i of step t uses child i of Rng(seed + t G), so a
 * batch is a function of (seed, step) and a resumed run sees the same data.
 */
public final class DsrData {
    public static final double STAGE2_ROTATE_P = 0.4, STAGE3_ROTATE_P = 0.3, MAX_ROTATION = 90, BETA_MAX = 0.8;
    private static final long STEP_STRIDE = 0x9E3779B97F4A7C15L, STAGE3_SALT = 0x5DEECE66DL;

    private final List<float[]> images;
    private final int size;

    /** images: [3, S, S] each (channel-major). */
    public DsrData(List<float[]> images, int size) {
        if (images.isEmpty()) throw new IllegalArgumentException("DSR training: no training images");
        for (float[] im : images)
            if (im.length != 3 * size * size) throw new IllegalArgumentException("DSR training: every image must be [3, " + size + ", " + size + "]");
        this.images = List.copyOf(images);
        this.size = size;
    }

    public int size() { return size; }

    /** input [B, 3, S, S] (stage 3: the augmented image), mask [B, 1, S, S] (0/1). */
    public record Batch(Tensor input, Tensor mask) {}

    /** Stage 2's batch of step {@code step}. */
    public Batch stage2(long seed, long step, int batch) { return batch(seed + step * STEP_STRIDE, batch, false); }

    /** Stage 3's batch of step {@code step} (another stream than stage 2's). */
    public Batch stage3(long seed, long step, int batch) { return batch((seed ^ STAGE3_SALT) + step * STEP_STRIDE, batch, true); }

    private Batch batch(long streamSeed, int batch, boolean smudge) {
        if (batch <= 0) throw new IllegalArgumentException("batch size must be positive, got " + batch);
        Rng[] streams = new Rng(streamSeed).split(batch);
        int n = size * size;
        float[] in = new float[batch * 3 * n], m = new float[batch * n];
        for (int b = 0; b < batch; b++) {
            Rng rng = streams[b];
            float[] x = images.get(rng.nextInt(images.size()));
            if (rng.chance(smudge ? STAGE3_ROTATE_P : STAGE2_ROTATE_P))
                x = Rotate.rotate(x, 3, size, size, rng.uniform(-MAX_ROTATION, MAX_ROTATION));
            float[] mask;
            if (smudge) {
                double[] colour = {rng.uniform(), rng.uniform(), rng.uniform()};
                float[] p = Perlin.randomRotated(size, size, rng);
                double beta = rng.uniform(0, BETA_MAX);
                boolean normal = rng.chance(0.5);
                mask = new float[n];
                x = x.clone();
                if (!normal)
                    for (int i = 0; i < n; i++) {
                        if (!(p[i] > 0.5f)) continue;
                        mask[i] = 1f;
                        for (int c = 0; c < 3; c++) x[c * n + i] = (float) ((1 - beta) * colour[c] + beta * x[c * n + i]);
                    }
            } else {
                mask = AnomalyMasks.dsr(size, size, rng);
            }
            System.arraycopy(x, 0, in, b * 3 * n, 3 * n);
            System.arraycopy(mask, 0, m, b * n, n);
        }
        return new Batch(Tensor.of(in, batch, 3, size, size), Tensor.of(m, batch, 1, size, size));
    }
}
