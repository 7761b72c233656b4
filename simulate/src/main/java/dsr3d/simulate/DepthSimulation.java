package dsr3d.simulate;

import dsr3d.simulate.image.ImageOps;
import dsr3d.simulate.noise.Perlin;

/**
 * Simulated depth maps for DADA stage 1 (3DSR spec §3): a full-frame smooth surface made of
 * randomly scaled and rotated Perlin noise, min-max normalised to [0, 1], then squeezed by a
 * random affine map D = alpha * P + beta with alpha ~ U(0, 1), beta ~ U(0, 1 - alpha), so that
 * the depth range and offset vary (the code draws t ~ U(0,1) and uses beta = t (1 - alpha),
 * the same distribution). No holes, background or sensor noise, as in the reference.
 *
 * <p>The paper's Table-5 ablations are the two switches of {@link Options}: no affine map
 * (D = normalised P) and no Perlin (the grey of the paired RGB image stands in for P).
 */
public final class DepthSimulation {

    /** Which parts of the simulation run. {@link #FULL} is 3DSR. */
    public record Options(boolean perlin, boolean affine) {
        public static final Options FULL = new Options(true, true);
        public static final Options NO_AFFINE = new Options(true, false);
        public static final Options NO_PERLIN = new Options(false, true);
    }

    private final Options options;

    public DepthSimulation(Options options) {
        this.options = java.util.Objects.requireNonNull(options, "options");
    }

    public DepthSimulation() { this(Options.FULL); }

    public Options options() { return options; }

    /**
     * One depth map [h][w] in [0, 1]. {@code rgb} is the paired image, planar [3][h][w] in
     * [0, 1]; it is only read by the no-Perlin ablation (may be null otherwise).
     */
    public float[] sample(int h, int w, float[] rgb, Rng rng) {
        float[] p;
        if (options.perlin()) {
            p = Perlin.randomRotated(h, w, rng);
        } else {
            if (rgb == null) throw new IllegalArgumentException("the no-Perlin depth ablation needs the paired RGB image, got null");
            p = ImageOps.grey(rgb, h, w);
        }
        ImageOps.minMaxNormalize(p);
        if (options.affine()) {
            double alpha = rng.uniform();
            double beta = rng.uniform() * (1 - alpha);
            for (int i = 0; i < p.length; i++) p[i] = (float) (alpha * p[i] + beta);
            ImageOps.clip(p, 0f, 1f);
        }
        return p;
    }
}
