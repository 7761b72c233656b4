package dsr3d.models.data;

import dsr3d.tensor.Tensor;

import java.util.Random;

/**
 * The BTF / M3DM / CFM preprocessing (eliahuhorwitz/3D-ADS utils/preprocessing.py and its
 * loaders; docs/data-and-evaluation.md §2.2), as a named alternative to {@link Preprocess3dsr}.
 *
 * <p>Offline part ({@link #offline}), at full resolution: points of the 10-pixel border strips
 * with all three coordinates non-zero (the four strips concatenated, corners counted twice, as
 * the script does); RANSAC plane (threshold 0.004, 50 points per sample, 1000 iterations);
 * every pixel within 0.005 of the plane gets xyz = 0 and rgb = 0; zero-pad xyz, rgb and gt to a
 * centred square of side max(ceil(H/100), ceil(W/100)) * 100; DBSCAN (eps 0.006, 30 points) on
 * the non-zero points, keeping only the most populous label (noise included, as numpy's
 * argmax over np.unique counts does).
 *
 * <p>Load part ({@link #load}): rgb 224 x 224 with PIL bicubic, /255, ImageNet mean/std; cloud
 * 224 x 224 with torch nearest; depth = z; gt with PIL nearest, /255, &gt; 0.5. No hole filling.
 */
public final class PreprocessBtf {
    private PreprocessBtf() {}

    public static final int BORDER = 10;
    public static final double RANSAC_THRESHOLD = 0.004;
    public static final int RANSAC_N = 50, RANSAC_ITERATIONS = 1000;
    public static final double PLANE_DISTANCE = 0.005;
    public static final double DBSCAN_EPS = 0.006;
    public static final int DBSCAN_MIN_POINTS = 30;
    public static final int SIZE = 224;
    static final double[] MEAN = {0.485, 0.456, 0.406}, STD = {0.229, 0.224, 0.225};

    /** Offline output: all arrays [side][side][c]; gt null if there was none. */
    public record Offline(float[] xyz, int[] rgb, int[] gt, int side) {}

    /**
     * @param xyz [h][w][3]; rgb [h][w][3] 0..255; gt [h][w] or null
     * @param rng the RANSAC random source (the original is unseeded)
     */
    public static Offline offline(float[] xyz, int[] rgb, int[] gt, int h, int w, Random rng) {
        Preprocess3dsr.requireLength("xyz", xyz.length, (long) h * w * 3);
        Preprocess3dsr.requireLength("rgb", rgb.length, (long) h * w * 3);
        float[] p = xyz.clone();
        int[] c = rgb.clone();
        double[] edges = borderPoints(p, h, w, BORDER);
        if (edges.length / 3 >= RANSAC_N) {
            double[] plane = PlaneFit.ransac(edges, RANSAC_THRESHOLD, RANSAC_N, RANSAC_ITERATIONS, rng);
            removePlane(p, c, plane, PLANE_DISTANCE);
        }
        int side = squareSide(h, w);
        float[] ps = pad(p, h, w, 3, side);
        int[] cs = pad(c, h, w, 3, side);
        int[] gs = gt == null ? null : pad(gt, h, w, 1, side);
        keepLargestCluster(ps, cs, DBSCAN_EPS, DBSCAN_MIN_POINTS);
        return new Offline(ps, cs, gs, side);
    }

    /** Points of the four border strips of width b whose x, y, z are all non-zero, [n][3] flat. */
    public static double[] borderPoints(float[] xyz, int h, int w, int b) {
        java.util.List<double[]> pts = new java.util.ArrayList<>();
        int bh = Math.min(b, h), bw = Math.min(b, w);
        for (int y = 0; y < bh; y++) for (int x = 0; x < w; x++) addIfValid(pts, xyz, y * w + x);
        for (int y = h - bh; y < h; y++) for (int x = 0; x < w; x++) addIfValid(pts, xyz, y * w + x);
        for (int y = 0; y < h; y++) for (int x = 0; x < bw; x++) addIfValid(pts, xyz, y * w + x);
        for (int y = 0; y < h; y++) for (int x = w - bw; x < w; x++) addIfValid(pts, xyz, y * w + x);
        double[] out = new double[pts.size() * 3];
        for (int i = 0; i < pts.size(); i++) System.arraycopy(pts.get(i), 0, out, 3 * i, 3);
        return out;
    }

    private static void addIfValid(java.util.List<double[]> pts, float[] xyz, int i) {
        float x = xyz[3 * i], y = xyz[3 * i + 1], z = xyz[3 * i + 2];
        if (x != 0 && y != 0 && z != 0) pts.add(new double[]{x, y, z});
    }

    /** In place: pixels within {@code dist} of the (unit-normal) plane get xyz = 0 and rgb = 0. */
    public static void removePlane(float[] xyz, int[] rgb, double[] plane, double dist) {
        for (int i = 0; i < xyz.length / 3; i++)
            if (PlaneFit.distance(plane, xyz[3 * i], xyz[3 * i + 1], xyz[3 * i + 2]) < dist)
                for (int k = 0; k < 3; k++) { xyz[3 * i + k] = 0; rgb[3 * i + k] = 0; }
    }

    /** max(ceil(h/100), ceil(w/100)) * 100. */
    public static int squareSide(int h, int w) {
        return Math.max((h + 99) / 100, (w + 99) / 100) * 100;
    }

    /** Zero padding to side x side, top = (side - h) / 2, left = (side - w) / 2. */
    public static float[] pad(float[] a, int h, int w, int c, int side) {
        float[] out = new float[side * side * c];
        int top = (side - h) / 2, left = (side - w) / 2;
        for (int y = 0; y < h; y++) System.arraycopy(a, y * w * c, out, ((y + top) * side + left) * c, w * c);
        return out;
    }

    public static int[] pad(int[] a, int h, int w, int c, int side) {
        int[] out = new int[side * side * c];
        int top = (side - h) / 2, left = (side - w) / 2;
        for (int y = 0; y < h; y++) System.arraycopy(a, y * w * c, out, ((y + top) * side + left) * c, w * c);
        return out;
    }

    /** In place: DBSCAN on points with all coordinates non-zero; zero xyz and rgb outside the biggest label. */
    public static void keepLargestCluster(float[] xyz, int[] rgb, double eps, int minPoints) {
        int n = xyz.length / 3, m = 0;
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) if (xyz[3 * i] != 0 && xyz[3 * i + 1] != 0 && xyz[3 * i + 2] != 0) idx[m++] = i;
        if (m == 0) return;
        double[] pts = new double[m * 3];
        for (int k = 0; k < m; k++) for (int j = 0; j < 3; j++) pts[3 * k + j] = xyz[3 * idx[k] + j];
        int[] labels = Dbscan.labels(pts, eps, minPoints);
        java.util.TreeMap<Integer, Integer> count = new java.util.TreeMap<>();
        for (int l : labels) count.merge(l, 1, Integer::sum);
        int keep = 0, best = -1;
        for (var e : count.entrySet()) if (e.getValue() > best) { best = e.getValue(); keep = e.getKey(); }   // first max, labels ascending
        for (int k = 0; k < m; k++)
            if (labels[k] != keep) for (int j = 0; j < 3; j++) { xyz[3 * idx[k] + j] = 0; rgb[3 * idx[k] + j] = 0; }
    }

    /**
     * Load-time transform of an (offline-processed) sample.
     *
     * @return input [4, S, S] = [z, R, G, B] with RGB ImageNet-normalised, the resized cloud
     *         [S][S][3], a foreground (= non-zero point) mask and the gt at S x S.
     */
    public record Loaded(Tensor input, float[] xyz, float[] foreground, float[] gt, int size) {}

    public static Loaded load(float[] xyz, int h, int w, int[] rgb, int rh, int rw, int[] gt, int gh, int gw, int size) {
        float[] xyzS = PilResize.gather(xyz, w, 3, PilResize.torchNearestIndex(h, size), PilResize.torchNearestIndex(w, size));
        int[] rgbS = PilResize.bicubic8u(rgb, rh, rw, 3, size, size);
        int n = size * size;
        float[] data = new float[4 * n];
        float[] fg = new float[n];
        for (int i = 0; i < n; i++) {
            data[i] = xyzS[3 * i + 2];
            fg[i] = xyzS[3 * i] != 0 || xyzS[3 * i + 1] != 0 || xyzS[3 * i + 2] != 0 ? 1f : 0f;
            for (int c = 0; c < 3; c++) data[(1 + c) * n + i] = (float) ((rgbS[3 * i + c] / 255.0 - MEAN[c]) / STD[c]);
        }
        float[] g = new float[n];
        if (gt != null) {
            int[] gs = PilResize.gather(gt, gw, 1, PilResize.nearestIndex(gh, size), PilResize.nearestIndex(gw, size));
            for (int i = 0; i < n; i++) g[i] = gs[i] / 255.0 > 0.5 ? 1f : 0f;
        }
        return new Loaded(Tensor.of(data, 4, size, size), xyzS, fg, g, size);
    }
}
