package dsr3d.simulate;

import dsr3d.simulate.noise.Perlin;

/**
 * Simulated-anomaly masks for stage 2 (3DSR spec §4.2; DSR variant §8). Masks are row-major
 * [h][w] of exact 0/1 floats.
 *
 * <p>3DSR: P = randomly scaled Perlin noise rotated in [-90, 90] degrees, NOT normalised (about
 * [-1, 1]); M = |P| > tau with tau ~ U(0.4, 0.8), so both signs count; M is multiplied by the
 * object foreground and the valid-depth mask, and with probability 0.5 the whole mask is zero
 * (a normal sample).
 *
 * <p>DSR: M = P > 0.5, no foreground restriction, also empty with probability 0.5.
 */
public final class AnomalyMasks {
    private AnomalyMasks() {}

    /** Probability that a training sample gets no anomaly at all. */
    public static final double EMPTY_PROBABILITY = 0.5;

    /**
     * 3DSR mask. {@code foreground} and {@code validDepth} are [h][w], nonzero meaning "inside";
     * either may be null for "everywhere".
     */
    public static float[] threeDsr(int h, int w, float[] foreground, float[] validDepth, Rng rng) {
        checkMask(foreground, h, w, "foreground");
        checkMask(validDepth, h, w, "validDepth");
        // Draw everything in a fixed order so the stream advances the same way for empty masks.
        float[] p = Perlin.randomRotated(h, w, rng);
        double tau = rng.uniform(0.4, 0.8);
        boolean empty = rng.chance(EMPTY_PROBABILITY);
        float[] m = new float[h * w];
        if (empty) return m;
        for (int i = 0; i < m.length; i++) {
            boolean inside = Math.abs(p[i]) > tau
                    && (foreground == null || foreground[i] != 0)
                    && (validDepth == null || validDepth[i] != 0);
            m[i] = inside ? 1f : 0f;
        }
        return m;
    }

    /** DSR mask: P > 0.5 over the whole image, empty with probability 0.5. */
    public static float[] dsr(int h, int w, Rng rng) {
        float[] p = Perlin.randomRotated(h, w, rng);
        boolean empty = rng.chance(EMPTY_PROBABILITY);
        float[] m = new float[h * w];
        if (empty) return m;
        for (int i = 0; i < m.length; i++) m[i] = p[i] > 0.5f ? 1f : 0f;
        return m;
    }

    private static void checkMask(float[] mask, int h, int w, String name) {
        if (mask != null && mask.length != h * w)
            throw new IllegalArgumentException(name + " mask has " + mask.length + " values, expected " + h + "*" + w);
    }
}
