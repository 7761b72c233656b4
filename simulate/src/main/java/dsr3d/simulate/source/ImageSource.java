package dsr3d.simulate.source;

import dsr3d.simulate.Rng;

/**
 * A collection of RGB images for DADA stage 1, all delivered at one size: planar float
 * [3][height][width] in [0, 1], channels in R, G, B order.
 *
 * <p>{@link #sample(int, Rng)} returns image {@code index} (0 <= index < size()); the stream is
 * for sources that randomise a sample (the two built here do not: an index always gives the
 * same image, so a training run that draws indices from a seeded stream is reproducible).
 */
public interface ImageSource {

    /** Number of distinct images. */
    int size();

    int height();

    int width();

    /** Image {@code index} as planar [3][height][width] floats in [0, 1]. */
    float[] sample(int index, Rng rng);

    /** A uniformly random image, the way the official stage-1 loader pairs RGB with depth. */
    default float[] sampleRandom(Rng rng) { return sample(rng.nextInt(size()), rng); }

    /** Checks an index against {@link #size()} with a clear message. */
    default void checkIndex(int index) {
        if (index < 0 || index >= size())
            throw new IndexOutOfBoundsException("image index " + index + " not in [0, " + size() + ")");
    }
}
