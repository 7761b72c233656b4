package dsr3d.simulate.source;

import dsr3d.simulate.DepthSimulation;
import dsr3d.simulate.Rng;

/**
 * One DADA stage-1 training pair: a random image of the source (drawn uniformly, independent
 * of the depth) and a simulated depth map of the same size (3DSR spec §3, step 6).
 */
public final class Stage1Sampler {

    /** rgb: planar [3][H][W] in [0, 1]; depth: [H][W] in [0, 1]. */
    public record Pair(float[] rgb, float[] depth, int height, int width) {}

    private final ImageSource images;
    private final DepthSimulation depth;

    public Stage1Sampler(ImageSource images, DepthSimulation depth) {
        this.images = java.util.Objects.requireNonNull(images, "images");
        this.depth = java.util.Objects.requireNonNull(depth, "depth");
    }

    public Pair sample(Rng rng) {
        int h = images.height(), w = images.width();
        float[] rgb = images.sampleRandom(rng);
        return new Pair(rgb, depth.sample(h, w, rgb, rng), h, w);
    }
}
