package dsr3d.models.data;

/**
 * Eyecandies depth decoding and back-projection (docs/data-and-evaluation.md §4; the same
 * formulas as the Eyecandies docs and 3DSR's geo_utils helpers).
 *
 * <ul>
 *   <li>metric depth = v / 65535 * (max - min) + min, v the 16-bit PNG value, min/max from
 *       info_depth's {@code normalization} block (computed in float32 like the numpy code);</li>
 *   <li>point = depth * (first three rows of inverse(K4 * pose)) . (u, v, 1, 1/depth), with the
 *       pinhole K4 = [[f, 0, W/2, 0], [0, f, H/2, 0], [0, 0, 1, 0], [0, 0, 0, 1]], f = 711.11 px.</li>
 * </ul>
 */
public final class EyecandiesGeometry {
    private EyecandiesGeometry() {}

    /** Focal length of the Eyecandies camera in pixels. */
    public static final double FOCAL_PX = 711.11;

    /**
     * @param raw [h*w] 16-bit depth values 0..65535
     * @return [h*w] depth in metres
     */
    public static float[] depthMetres(int[] raw, double min, double max) {
        float range = (float) (max - min), lo = (float) min;
        float[] d = new float[raw.length];
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] < 0 || raw[i] > 65535)
                throw new IllegalArgumentException("depth value " + raw[i] + " at index " + i + " is not 16-bit");
            d[i] = (float) raw[i] / 65535.0f * range + lo;
        }
        return d;
    }

    /**
     * Back-projects a metric depth map to an organised cloud.
     *
     * @param depth [h*w] metres
     * @param pose  4x4 row-major
     * @return [h][w][3] xyz; a pixel with depth 0 (no finite 1/depth) becomes (0,0,0), missing
     */
    public static float[] pointCloud(float[] depth, int h, int w, double[] pose, double focal) {
        if (pose.length != 16) throw new IllegalArgumentException("pose must have 16 values (4x4), got " + pose.length);
        if (depth.length != h * w) throw new IllegalArgumentException("depth length " + depth.length + " != " + h + "*" + w);
        double[] k = {focal, 0, w / 2.0, 0, 0, focal, h / 2.0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
        double[] inv = invert4(multiply4(k, pose));
        float[] xyz = new float[h * w * 3];
        for (int v = 0; v < h; v++)
            for (int u = 0; u < w; u++) {
                int i = v * w + u;
                double d = depth[i];
                if (d == 0 || !Double.isFinite(d)) continue;
                double[] vec = {u, v, 1, 1.0 / d};
                for (int r = 0; r < 3; r++) {
                    double s = 0;
                    for (int c = 0; c < 4; c++) s += inv[r * 4 + c] * vec[c];
                    xyz[i * 3 + r] = (float) (d * s);
                }
            }
        return xyz;
    }

    static double[] multiply4(double[] a, double[] b) {
        double[] c = new double[16];
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++) {
                double s = 0;
                for (int k = 0; k < 4; k++) s += a[i * 4 + k] * b[k * 4 + j];
                c[i * 4 + j] = s;
            }
        return c;
    }

    /** Inverse of a 4x4 row-major matrix by Gauss-Jordan with partial pivoting. */
    static double[] invert4(double[] m) {
        double[] a = m.clone(), inv = new double[16];
        for (int i = 0; i < 4; i++) inv[i * 5] = 1;
        for (int col = 0; col < 4; col++) {
            int piv = col;
            for (int r = col + 1; r < 4; r++) if (Math.abs(a[r * 4 + col]) > Math.abs(a[piv * 4 + col])) piv = r;
            if (Math.abs(a[piv * 4 + col]) < 1e-300) throw new IllegalArgumentException("camera matrix K*pose is singular");
            swapRows(a, col, piv);
            swapRows(inv, col, piv);
            double p = a[col * 4 + col];
            for (int c = 0; c < 4; c++) { a[col * 4 + c] /= p; inv[col * 4 + c] /= p; }
            for (int r = 0; r < 4; r++) {
                if (r == col) continue;
                double f = a[r * 4 + col];
                for (int c = 0; c < 4; c++) { a[r * 4 + c] -= f * a[col * 4 + c]; inv[r * 4 + c] -= f * inv[col * 4 + c]; }
            }
        }
        return inv;
    }

    private static void swapRows(double[] a, int r1, int r2) {
        if (r1 == r2) return;
        for (int c = 0; c < 4; c++) { double t = a[r1 * 4 + c]; a[r1 * 4 + c] = a[r2 * 4 + c]; a[r2 * 4 + c] = t; }
    }
}
