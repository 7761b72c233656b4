package dsr3d.models.eval;

import java.util.Arrays;

/**
 * Area under the per-region-overlap (PRO) curve up to an FPR limit, normalised by the limit:
 * the MVTec 3D-AD segmentation metric (data-and-evaluation.md 3.1-3.3).
 *
 * <p>Images are added one at a time ({@link #addImage}); only their scores are kept, split into
 * the OK pixels (one float list for the whole category) and the defect components (8-connected
 * per image, each component's scores contiguous in one float list, with end offsets). So the
 * memory is 4 bytes per pixel and the maps themselves can be dropped after each image.
 *
 * <p>{@link #official}: the official utility. OK scores sorted ascending (N of them); 100
 * thresholds at positions floor(i (N-1)/99) (numpy linspace cast to int; the last = N-1);
 * at position p the threshold is t = ok[p], FPR = 1 - (p+1)/N (positional, ties ignored),
 * and a component's overlap = fraction of its scores strictly above t; PRO = mean overlap
 * over all components of the category. The point (1, 1) is added, the curve put in
 * ascending FPR, integrated with {@link Trapezoid} up to the limit and divided by it.
 *
 * <p>{@link #exact}: every distinct score is a threshold, score >= t is positive; (0,0) and
 * (1,1) added; same integration. A different (not comparable) number on small data.
 */
public final class AuPro {
    public static final int OFFICIAL_THRESHOLDS = 100;
    public static final double DEFAULT_LIMIT = 0.3;

    private final FloatList ok = new FloatList(1 << 16);
    private final FloatList regionScores = new FloatList(1 << 12);
    private int[] regionEnds = new int[64]; // component c occupies [end(c-1), end(c)) of regionScores
    private int components;
    private int[] labels = new int[0];
    private int[] counts = new int[0];
    private boolean sorted;

    /** Adds one image: scores and defect mask, both [H][W] row-major. */
    public void addImage(float[] scores, boolean[] defect, int width, int height) {
        int n = width * height;
        if (scores.length != n || defect.length != n)
            throw new IllegalArgumentException("AU-PRO: image of " + width + "x" + height + " needs " + n + " scores and mask values, got "
                    + scores.length + " and " + defect.length);
        if (labels.length != n) labels = new int[n];
        int found = ConnectedComponents.label8(defect, width, height, labels);
        // Counting sort of the defect pixels by component label -> contiguous segments.
        if (counts.length < found + 2) counts = new int[found + 2];
        Arrays.fill(counts, 0, found + 2, 0);
        int okCount = 0;
        for (int i = 0; i < n; i++) {
            if (labels[i] == 0) okCount++;
            else counts[labels[i] + 1]++;
        }
        ok.ensureMore(okCount);
        regionScores.ensureMore(n - okCount);
        int base = regionScores.size();
        for (int c = 1; c <= found; c++) counts[c + 1] += counts[c]; // counts[c] = start of component c
        float[] region = new float[n - okCount];
        for (int i = 0; i < n; i++) {
            float s = checked(scores[i], i, width);
            int c = labels[i];
            if (c == 0) ok.add(s);
            else region[counts[c]++] = s;
        }
        for (float s : region) regionScores.add(s);
        for (int c = 1; c <= found; c++) {
            if (components == regionEnds.length) regionEnds = Arrays.copyOf(regionEnds, 2 * components);
            regionEnds[components++] = base + counts[c];
        }
        sorted = false;
    }

    static float checked(float s, int i, int width) {
        if (Float.isNaN(s)) throw new IllegalArgumentException("score is NaN at pixel (x=" + (i % width) + ", y=" + (i / width) + ")");
        return s + 0.0f; // -0.0 -> 0.0: the sort order then agrees with ==
    }

    public int components() { return components; }

    public long okPixels() { return ok.size(); }

    /** The official AU-PRO (100 thresholds) with its curve; {@code area} is normalised by the limit. */
    public Curve official(double limit) { return official(limit, OFFICIAL_THRESHOLDS); }

    public Curve official(double limit, int numThresholds) {
        checkLimit(limit);
        if (numThresholds < 1) throw new IllegalArgumentException("AU-PRO needs at least 1 threshold, got " + numThresholds);
        requireData();
        sort();
        float[] okSorted = ok.raw();
        int n = ok.size();
        double[] fpr = new double[numThresholds + 1], pro = new double[numThresholds + 1];
        // Stored already reversed: index numThresholds - k holds the k-th (ascending) position.
        fpr[numThresholds] = 1.0;
        pro[numThresholds] = 1.0;
        double step = numThresholds == 1 ? 0 : (n - 1) / (double) (numThresholds - 1);
        for (int k = 0; k < numThresholds; k++) {
            int p = k == numThresholds - 1 ? n - 1 : (int) (k * step);
            if (numThresholds == 1) p = 0;
            float t = okSorted[p];
            double sum = 0;
            int start = 0;
            for (int c = 0; c < components; c++) {
                int end = regionEnds[c];
                int atOrBelow = upperBound(regionScores.raw(), start, end, t) - start;
                sum += 1.0 - (double) atOrBelow / (end - start);
                start = end;
            }
            fpr[numThresholds - 1 - k] = 1.0 - (p + 1) / (double) n;
            pro[numThresholds - 1 - k] = sum / components;
        }
        double area = Trapezoid.limited(fpr, pro, limit) / limit;
        return new Curve("PRO", fpr, pro, area, limit);
    }

    /** The all-thresholds AU-PRO (3.3) with a thinned curve; {@code area} is normalised by the limit. */
    public Curve exact(double limit) {
        checkLimit(limit);
        requireData();
        sort();
        int nRegion = regionScores.size();
        long[] keys = new long[nRegion]; // sortable score bits << 32 | component index
        double[] weight = new double[components];
        int start = 0;
        for (int c = 0; c < components; c++) {
            int end = regionEnds[c];
            weight[c] = 1.0 / (end - start) / components;
            for (int i = start; i < end; i++) keys[i] = ((long) sortableBits(regionScores.get(i)) << 32) | c;
            start = end;
        }
        Arrays.sort(keys);
        float[] okSorted = ok.raw();
        long nOk = ok.size();
        Trapezoid integral = new Trapezoid(limit);
        Ranking.CurveBuilder curve = new Ranking.CurveBuilder(1e-3);
        integral.add(0, 0);
        curve.point(0, 0);
        int i = ok.size() - 1, j = nRegion - 1;
        long fp = 0;
        double proSum = 0;
        while (i >= 0 || j >= 0) {
            int sOk = i >= 0 ? sortableBits(okSorted[i]) : Integer.MIN_VALUE;
            int sRegion = j >= 0 ? (int) (keys[j] >> 32) : Integer.MIN_VALUE;
            int s = Math.max(sOk, sRegion);
            while (i >= 0 && sortableBits(okSorted[i]) == s) { i--; fp++; }
            while (j >= 0 && (int) (keys[j] >> 32) == s) { proSum += weight[(int) keys[j]]; j--; }
            double x = Math.min(1.0, (double) fp / nOk), y = Math.min(1.0, proSum);
            integral.add(x, y);
            curve.point(x, y, false);
        }
        integral.add(1, 1);
        curve.point(1, 1);
        return curve.build("PRO (exact)", integral.area() / limit, limit);
    }

    /** Sorted OK scores (ascending, exact length): the negatives of the pixel ROC when the masks agree. */
    float[] sortedOk() {
        sort();
        return ok.trimmed();
    }

    /** All defect-component scores sorted ascending (a new array): the positives of the pixel ROC. */
    float[] sortedRegionPixels() {
        float[] all = Arrays.copyOf(regionScores.raw(), regionScores.size());
        Arrays.sort(all);
        return all;
    }

    private void sort() {
        if (sorted) return;
        Arrays.sort(ok.raw(), 0, ok.size());
        int start = 0;
        for (int c = 0; c < components; c++) {
            Arrays.sort(regionScores.raw(), start, regionEnds[c]);
            start = regionEnds[c];
        }
        sorted = true;
    }

    private void requireData() {
        if (components == 0)
            throw new IllegalArgumentException("AU-PRO is undefined: the ground truth has no defect component (no non-zero gt pixel)");
        if (ok.size() == 0)
            throw new IllegalArgumentException("AU-PRO is undefined: every pixel is a defect pixel, no OK pixel to set thresholds");
    }

    static void checkLimit(double limit) {
        if (!(limit > 0 && limit <= 1))
            throw new IllegalArgumentException("PRO integration limit must be in (0, 1], got " + limit);
    }

    /** First index in [from, to) whose value is > t (values sorted ascending). */
    private static int upperBound(float[] a, int from, int to, float t) {
        int lo = from, hi = to;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] <= t) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    /** Float bits mapped so that signed int order = float order (for non-NaN, -0.0 normalised). */
    static int sortableBits(float f) {
        int b = Float.floatToRawIntBits(f);
        return b ^ ((b >> 31) & 0x7fffffff);
    }
}
