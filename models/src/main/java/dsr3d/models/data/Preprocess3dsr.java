package dsr3d.models.data;

import dsr3d.tensor.Tensor;

/**
 * The exact per-sample MVTec 3D-AD preprocessing of the official 3DSR code (VitjanZ/3DSR,
 * data_loader.py + geo_utils.py; docs/data-and-evaluation.md §2.1, docs/3dsr-spec.md §5), used
 * identically at training and test time.
 *
 * <p>Pipeline ({@link #apply}): resize xyz nearest and RGB bilinear to S x S (OpenCV rules, see
 * {@link CvResize}); depth = z; plane through the averaged top-left, top-right and bottom-left 3x3
 * corner patches; foreground = point-to-plane distance &gt; 0.005 and z != 0; closing 3x3 x3;
 * depth *= foreground; per-image min-max of the non-zero depth into [0.1, 0.9], 0 elsewhere; two
 * hole-filling passes; output [D, R, G, B].
 *
 * <p>Every step is a static function on flat row-major arrays so it can be tested alone. Depth
 * arithmetic is done in double: the official code mixes float32 (the TIFF) and float64 (the plane
 * mask, which promotes the depth when multiplied), so double is the closer model; the float32 z
 * values are used as read.
 */
public final class Preprocess3dsr {
    private Preprocess3dsr() {}

    /** Working resolution of 3DSR for training and evaluation. */
    public static final int SIZE = 384;
    /** Point-to-plane distance above which a pixel is foreground (TIFF units, metres). */
    public static final double PLANE_THRESHOLD = 0.005;
    /** Iterations of the 3x3 closing (cv2.morphologyEx MORPH_CLOSE, iterations=3). */
    public static final int CLOSING_ITERATIONS = 3;
    /** Passes of {@link #fillHoles}. */
    public static final int FILL_PASSES = 2;

    /** Which three points define the background plane. */
    public enum PlaneRule {
        /** MVTec 3D-AD (get_plane_mask): means of the top-left, top-right, bottom-left 3x3 corner patches. */
        MVTEC_CORNER_PATCHES,
        /** Eyecandies (get_plane_mask_eyecandy): single pixels top-middle (0, w/2), bottom-left, bottom-right. */
        EYECANDIES_THREE_PIXELS
    }

    /** How the gt mask is resized to S x S. */
    public enum GtMode {
        /** Nearest neighbour (OpenCV rule, aligned with the xyz), then class id != 0 -> 1. Correct semantics. */
        NEAREST_BINARY,
        /** The official 3DSR quirk: bilinear on the 8-bit class ids, then / 255 (values in [0, 1]). */
        BILINEAR_DIV255
    }

    /**
     * Output of one sample.
     *
     * @param input      [4, S, S] F32: depth (preprocessed), R, G, B in [0, 1]
     * @param foreground [S*S] the closed plane mask (1 = object), as the official loader returns it
     * @param validDepth [S*S] 1 where depth was non-zero after masking, before normalisation and
     *                   hole filling (the mask the training loader multiplies the anomaly mask by)
     * @param gt         [S*S] ground truth at S x S (all zero if the sample has none)
     * @param size       S
     */
    public record Result(Tensor input, float[] foreground, float[] validDepth, float[] gt, int size) {}

    /**
     * Full 3DSR preprocessing of one sample.
     *
     * @param xyz  [h][w][3] organised point cloud, (0,0,0) = missing
     * @param rgb  [h2][w2][3] 8-bit RGB (R first); need not have the xyz size, each is resized alone
     * @param gt   [h3][w3] 8-bit class ids, or null for none (zeros)
     * @param size output side S
     */
    public static Result apply(float[] xyz, int h, int w, int[] rgb, int rh, int rw,
                               int[] gt, int gh, int gw, int size, GtMode gtMode, PlaneRule planeRule) {
        requireLength("xyz", xyz.length, (long) h * w * 3);
        requireLength("rgb", rgb.length, (long) rh * rw * 3);
        if (gt != null) requireLength("gt", gt.length, (long) gh * gw);
        if (size <= 0) throw new IllegalArgumentException("size must be positive, got " + size);

        float[] xyzS = CvResize.nearest(xyz, h, w, 3, size, size);             // [S][S][3]
        int[] rgbS = CvResize.linear8u(rgb, rh, rw, 3, size, size);             // [S][S][3] 0..255
        Depth d = depth(xyzS, size, size, planeRule);

        int n = size * size;
        float[] data = new float[4 * n];
        for (int i = 0; i < n; i++) {
            data[i] = (float) d.depth[i];
            for (int c = 0; c < 3; c++) data[(1 + c) * n + i] = (float) (rgbS[i * 3 + c] / 255.0);
        }
        float[] gtS = new float[n];
        if (gt != null) {
            if (gtMode == GtMode.BILINEAR_DIV255) {
                int[] g = CvResize.linear8u(gt, gh, gw, 1, size, size);
                for (int i = 0; i < n; i++) gtS[i] = (float) (g[i] / 255.0);
            } else {
                int[] g = CvResize.nearest(gt, gh, gw, 1, size, size);
                for (int i = 0; i < n; i++) gtS[i] = g[i] != 0 ? 1f : 0f;
            }
        }
        return new Result(Tensor.of(data, 4, size, size), toFloat(d.foreground), toFloat(d.validDepth), gtS, size);
    }

    /**
     * Depth channel and masks of an already resized cloud.
     *
     * @param depth      [h*w] final depth: [0.1, 0.9] on the object, hole-filled, 0 elsewhere
     * @param foreground [h*w] closed plane mask
     * @param validDepth [h*w] non-zero depth after masking, before normalisation
     */
    public record Depth(double[] depth, boolean[] foreground, boolean[] validDepth) {}

    /** Steps 3-8 of §2.1 on an [h][w][3] cloud already at working size. */
    public static Depth depth(float[] xyz, int h, int w, PlaneRule planeRule) {
        requireLength("xyz", xyz.length, (long) h * w * 3);
        int n = h * w;
        double[] z = new double[n];
        for (int i = 0; i < n; i++) z[i] = xyz[i * 3 + 2];

        double[] plane = planeRule == PlaneRule.EYECANDIES_THREE_PIXELS ? threePixelPlane(xyz, h, w) : cornerPlane(xyz, h, w);
        boolean[] fg = planeForeground(xyz, h, w, plane, PLANE_THRESHOLD);
        for (int i = 0; i < n; i++) fg[i] &= z[i] != 0;                 // missing points are background
        boolean[] closed = closing3x3(fg, h, w, CLOSING_ITERATIONS);

        double[] depth = new double[n];
        boolean[] valid = new boolean[n];
        for (int i = 0; i < n; i++) {
            depth[i] = closed[i] ? z[i] : 0.0;
            valid[i] = depth[i] != 0;
        }
        normaliseDepth(depth);
        double[] filled = fillHoles(depth, h, w, FILL_PASSES);
        return new Depth(filled, closed, valid);
    }

    /**
     * Mean xyz of the 3x3 patch whose top-left corner is (row0, col0), as geo_utils does it: the sum
     * of all nine points divided by (number of points with z != 0) + 1e-12. Patches are clipped to
     * the image like a numpy slice. Returns {x, y, z}.
     */
    public static double[] cornerMean(float[] xyz, int h, int w, int row0, int col0) {
        double[] s = new double[3];
        int count = 0;
        for (int y = Math.max(0, row0); y < Math.min(h, row0 + 3); y++)
            for (int x = Math.max(0, col0); x < Math.min(w, col0 + 3); x++) {
                int p = (y * w + x) * 3;
                for (int c = 0; c < 3; c++) s[c] += xyz[p + c];
                if (xyz[p + 2] != 0) count++;
            }
        double den = count + 1e-12;
        return new double[]{s[0] / den, s[1] / den, s[2] / den};
    }

    /**
     * The background plane {a, b, c, d} (a x + b y + c z = d) through the top-left (p1), top-right
     * (p2) and bottom-left (p3) corner means: normal = (p3 - p1) x (p2 - p1), d = normal . p3.
     * (The bottom-right mean is computed by the official code but unused.)
     */
    public static double[] cornerPlane(float[] xyz, int h, int w) {
        double[] p1 = cornerMean(xyz, h, w, 0, 0);
        double[] p2 = cornerMean(xyz, h, w, 0, w - 3);
        double[] p3 = cornerMean(xyz, h, w, h - 3, 0);
        return planeThrough(p1, p2, p3);
    }

    /**
     * The Eyecandies background plane: through the single pixels p1 = (row 0, col w/2),
     * p2 = (h-1, 0), p3 = (h-1, w-1), same formula as {@link #planeThrough}.
     */
    public static double[] threePixelPlane(float[] xyz, int h, int w) {
        return planeThrough(point(xyz, w, 0, w / 2), point(xyz, w, h - 1, 0), point(xyz, w, h - 1, w - 1));
    }

    private static double[] point(float[] xyz, int w, int y, int x) {
        int p = (y * w + x) * 3;
        return new double[]{xyz[p], xyz[p + 1], xyz[p + 2]};
    }

    /** Plane {a, b, c, d} through three points: normal = (p3 - p1) x (p2 - p1), d = normal . p3. */
    public static double[] planeThrough(double[] p1, double[] p2, double[] p3) {
        double[] v1 = {p3[0] - p1[0], p3[1] - p1[1], p3[2] - p1[2]};
        double[] v2 = {p2[0] - p1[0], p2[1] - p1[1], p2[2] - p1[2]};
        double a = v1[1] * v2[2] - v1[2] * v2[1];
        double b = v1[2] * v2[0] - v1[0] * v2[2];
        double c = v1[0] * v2[1] - v1[1] * v2[0];
        return new double[]{a, b, c, a * p3[0] + b * p3[1] + c * p3[2]};
    }

    /**
     * Foreground = |a x + b y + c z - d| / |(a, b, c)| &gt; threshold, per pixel of an [h][w][3]
     * cloud. Missing points (0,0,0) are tested like any other (the caller masks them). A degenerate
     * plane (zero normal) gives 0/0 = NaN in the official code, i.e. everything background; so here.
     */
    public static boolean[] planeForeground(float[] xyz, int h, int w, double[] plane, double threshold) {
        int n = h * w;
        boolean[] fg = new boolean[n];
        double norm = Math.sqrt(plane[0] * plane[0] + plane[1] * plane[1] + plane[2] * plane[2]);
        for (int i = 0; i < n; i++) {
            double num = Math.abs(plane[0] * xyz[i * 3] + plane[1] * xyz[i * 3 + 1] + plane[2] * xyz[i * 3 + 2] - plane[3]);
            fg[i] = num / norm > threshold;   // NaN compares false
        }
        return fg;
    }

    /**
     * Morphological closing with a 3x3 all-ones kernel, {@code iterations} times, as
     * cv2.morphologyEx(MORPH_CLOSE, iterations=k): k dilations, then k erosions. Pixels outside
     * the image never win (OpenCV's default constant border is -inf for dilation, +inf for
     * erosion), so dilation is a max and erosion a min over the in-image part of the window.
     */
    public static boolean[] closing3x3(boolean[] mask, int h, int w, int iterations) {
        boolean[] m = mask.clone();
        for (int i = 0; i < iterations; i++) m = window3x3(m, h, w, true);
        for (int i = 0; i < iterations; i++) m = window3x3(m, h, w, false);
        return m;
    }

    /** One 3x3 dilation (dilate = true: any in window) or erosion (all in window), clipped window. */
    static boolean[] window3x3(boolean[] m, int h, int w, boolean dilate) {
        boolean[] out = new boolean[h * w];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                boolean r = !dilate;
                for (int yy = Math.max(0, y - 1); yy <= Math.min(h - 1, y + 1); yy++)
                    for (int xx = Math.max(0, x - 1); xx <= Math.min(w - 1, x + 1); xx++)
                        if (dilate ? m[yy * w + xx] : !m[yy * w + xx]) r = dilate;
                out[y * w + x] = r;
            }
        return out;
    }

    /**
     * In place: per-image min-max of the depth into [0.1, 0.9], zeros stay 0. As the official code:
     * min over the image with zeros replaced by 1000, max over the whole image (zeros included);
     * d = 0.8 (d - min) / (max - min) + 0.1 on non-zero pixels.
     * Degenerate cases, where the official code produces NaN: no non-zero pixel leaves everything
     * 0; max == min maps every non-zero pixel to 0.1.
     */
    public static void normaliseDepth(double[] depth) {
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        boolean any = false;
        for (double v : depth) {
            min = Math.min(min, v == 0 ? 1000.0 : v);
            max = Math.max(max, v);
            any |= v != 0;
        }
        if (!any) return;
        double range = max - min;
        for (int i = 0; i < depth.length; i++) {
            if (depth[i] == 0) continue;
            double t = range == 0 ? 0.0 : (depth[i] - min) / range;
            depth[i] = t * 0.8 + 0.1;
        }
    }

    /**
     * Hole filling as geo_utils.fill_depth_map: per pass, every pixel exactly 0 becomes
     * sum(3x3 window) / (number of window values &gt; 0 + 1e-12), with zeros outside the image;
     * a pixel with no positive neighbour stays 0; non-zero pixels never change. All pixels of a
     * pass read the previous pass (simultaneous update).
     *
     * @param depth [h][w]; not modified
     * @return [h][w] filled copy
     */
    public static double[] fillHoles(double[] depth, int h, int w, int passes) {
        requireLength("depth", depth.length, (long) h * w);
        double[] cur = depth.clone();
        for (int p = 0; p < passes; p++) {
            double[] next = cur.clone();
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    if (cur[y * w + x] != 0) continue;
                    double sum = 0;
                    int pos = 0;
                    for (int yy = Math.max(0, y - 1); yy <= Math.min(h - 1, y + 1); yy++)
                        for (int xx = Math.max(0, x - 1); xx <= Math.min(w - 1, x + 1); xx++) {
                            double v = cur[yy * w + xx];
                            sum += v;
                            if (v > 0) pos++;
                        }
                    next[y * w + x] = sum / (pos + 1e-12);
                }
            cur = next;
        }
        return cur;
    }

    static float[] toFloat(boolean[] m) {
        float[] f = new float[m.length];
        for (int i = 0; i < m.length; i++) f[i] = m[i] ? 1f : 0f;
        return f;
    }

    static void requireLength(String name, int actual, long expected) {
        if (actual != expected)
            throw new IllegalArgumentException(name + ": array length " + actual + " does not match the given size ("
                    + expected + " values expected)");
    }
}
