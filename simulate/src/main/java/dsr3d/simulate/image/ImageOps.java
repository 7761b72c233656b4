package dsr3d.simulate.image;

/**
 * Small whole-image operations on flat row-major arrays: min-max normalisation, clipping and
 * RGB to grey. Planar multi-channel images are [C][H][W] ("CHW").
 */
public final class ImageOps {
    private ImageOps() {}

    /** In place: (v - min) / (max - min) over all values; a constant image becomes all zeros. */
    public static float[] minMaxNormalize(float[] v) {
        float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
        for (float x : v) { lo = Math.min(lo, x); hi = Math.max(hi, x); }
        float range = hi - lo;
        for (int i = 0; i < v.length; i++) v[i] = range > 0 ? (v[i] - lo) / range : 0f;
        return v;
    }

    /** In place clip to [lo, hi]. */
    public static float[] clip(float[] v, float lo, float hi) {
        for (int i = 0; i < v.length; i++) v[i] = Math.min(hi, Math.max(lo, v[i]));
        return v;
    }

    /**
     * Grey of a planar RGB image [3][H][W] with the ITU-R 601 weights (what OpenCV's
     * cvtColor(..., GRAY) uses): 0.299 R + 0.587 G + 0.114 B. Returns [H][W].
     */
    public static float[] grey(float[] chw, int h, int w) {
        int n = h * w;
        if (chw.length != 3 * n) throw new IllegalArgumentException("grey: expected 3*" + h + "*" + w + " values, got " + chw.length);
        float[] g = new float[n];
        for (int i = 0; i < n; i++) g[i] = 0.299f * chw[i] + 0.587f * chw[n + i] + 0.114f * chw[2 * n + i];
        return g;
    }
}
