package dsr3d.models.stage2;

import dsr3d.models.data.LoadedSample;
import dsr3d.simulate.AnomalyMasks;
import dsr3d.simulate.Rng;
import dsr3d.simulate.image.Rotate;
import dsr3d.tensor.Tensor;

import java.util.List;

/**
 * Stage-2 training samples (spec §4.2, the official MVTecDRAEMTrainDataset): each sample draws a
 * training image uniformly with replacement, rotates RGB and depth by one shared angle U(-15, 15)
 * degrees (bilinear, zero fill), and builds the simulated-anomaly mask M = |P| > tau,
 * tau ~ U(0.4, 0.8), on rotated Perlin noise, intersected with the foreground and the valid-depth
 * mask, all zero with probability 0.5 ({@link AnomalyMasks#threeDsr}).
 *
 * <p>The official code builds M from the un-rotated foreground while the images are rotated, so M
 * can stick out of the rotated object ({@link MaskAlignment#OFFICIAL_UNROTATED}, the default).
 * {@link MaskAlignment#ROTATED_FOREGROUND} is the fix: foreground and valid-depth masks are rotated
 * with the images (bilinear, kept where >= 0.5) before the intersection.
 *
 * <p>Randomness: sample i of step t uses its own stream, child i of {@code new Rng(seed + t * G)}
 * (G an odd 64-bit constant), drawn in the order image index, angle, mask. A batch is a function
 * of (seed, step) alone, so a resumed run sees the same data.
 */
public final class Stage2Data {
    public static final double MAX_ROTATION_DEGREES = 15;
    private static final long STEP_STRIDE = 0x9E3779B97F4A7C15L;

    public enum MaskAlignment {
        /** The official behaviour: the mask comes from the un-rotated foreground. */
        OFFICIAL_UNROTATED,
        /** The fix: the foreground and valid-depth masks are rotated with the images first. */
        ROTATED_FOREGROUND
    }

    private final List<LoadedSample> images;
    private final MaskAlignment alignment;
    private final int size;

    /** images: the preprocessed train/good samples of one class (all the same size S). */
    public Stage2Data(List<LoadedSample> images, MaskAlignment alignment) {
        if (images.isEmpty()) throw new IllegalArgumentException("Stage2Data: no training images");
        this.size = images.get(0).size();
        for (int i = 0; i < images.size(); i++) {
            LoadedSample s = images.get(i);
            if (s.size() != size || s.input().size(0) != 4)
                throw new IllegalArgumentException("Stage2Data: every image must be [4, " + size + ", " + size + "], image " + i
                        + (s.sample() != null ? " (" + s.sample().id() + ")" : "") + " is " + java.util.Arrays.toString(s.input().shape()));
        }
        this.images = List.copyOf(images);
        this.alignment = alignment;
    }

    public int size() { return size; }

    /** One sample: the rotated input [4, S, S] (depth, R, G, B) and its mask [1, S, S] (0/1). */
    public record Item(int imageIndex, double angle, Tensor input, Tensor mask) {}

    /** A batch: input [B, 4, S, S], mask [B, 1, S, S]. */
    public record Batch(Tensor input, Tensor mask, Item[] items) {}

    public Item sample(Rng rng) {
        int idx = rng.nextInt(images.size());
        double angle = rng.uniform(-MAX_ROTATION_DEGREES, MAX_ROTATION_DEGREES);
        LoadedSample s = images.get(idx);
        int n = size;
        float[] input = Rotate.rotate(s.input().toFloatArray(), 4, n, n, angle);
        float[] fg = s.foreground(), valid = s.validDepth();
        if (alignment == MaskAlignment.ROTATED_FOREGROUND) {
            fg = binarise(Rotate.rotate(fg, 1, n, n, angle));
            valid = binarise(Rotate.rotate(valid, 1, n, n, angle));
        }
        float[] mask = AnomalyMasks.threeDsr(n, n, fg, valid, rng);
        return new Item(idx, angle, Tensor.of(input, 4, n, n), Tensor.of(mask, 1, n, n));
    }

    /** The batch of training step {@code step}. */
    public Batch batch(long seed, long step, int batchSize) {
        if (batchSize <= 0) throw new IllegalArgumentException("Stage2Data: batch size must be positive, got " + batchSize);
        Rng[] streams = new Rng(seed + step * STEP_STRIDE).split(batchSize);
        Item[] items = new Item[batchSize];
        Tensor[] in = new Tensor[batchSize], m = new Tensor[batchSize];
        for (int i = 0; i < batchSize; i++) {
            items[i] = sample(streams[i]);
            in[i] = items[i].input().reshape(1, 4, size, size);
            m[i] = items[i].mask().reshape(1, 1, size, size);
        }
        return new Batch(Tensor.concat(0, in), Tensor.concat(0, m), items);
    }

    private static float[] binarise(float[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i] >= 0.5f ? 1f : 0f;
        return out;
    }
}
