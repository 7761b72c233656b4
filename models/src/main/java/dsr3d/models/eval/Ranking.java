package dsr3d.models.eval;

import java.util.Arrays;

/**
 * One descending walk over sorted negative and positive scores that yields the ROC AUC (ties
 * count 1/2), the average precision and a (thinned) ROC curve. O(N) after the O(N log N) sort;
 * memory is the two sorted score arrays only.
 *
 * <p>Thresholds are the distinct scores, highest first; a sample is predicted positive when
 * its score is >= the threshold. At each threshold the group of tied samples (ng negatives,
 * pg positives) moves the ROC point by (ng/N, pg/P) along a straight segment, so the trapezoid
 * area of that segment is ng * (tp + pg/2) / (N P): the Mann-Whitney count with ties as 1/2,
 * which is what scikit-learn's roc_auc_score returns. The doubled area is kept in a long, so
 * the sum is exact up to 2 N P < 2^63.
 *
 * <p>AP is scikit-learn's average_precision_score: sum over thresholds of
 * (R_k - R_{k-1}) * P_k, with P_k = tp/(tp+fp) at threshold k, step-wise (no interpolation).
 */
final class Ranking {
    private Ranking() {}

    record Result(long negatives, long positives, double auroc, double averagePrecision, Curve roc) {}

    /**
     * @param thin minimum |dx|+|dy| between kept curve points (0 keeps every threshold)
     */
    static Result walk(SortedScores neg, SortedScores pos, double thin, String curveName) {
        int nNeg = neg.size(), nPos = pos.size();
        int i = nNeg - 1, j = nPos - 1;
        long tp = 0, fp = 0;
        long twiceArea = 0;
        double apSum = 0;
        CurveBuilder curve = new CurveBuilder(thin);
        curve.point(0, 0);
        while (i >= 0 || j >= 0) {
            double s = Math.max(i >= 0 ? neg.get(i) : Double.NEGATIVE_INFINITY, j >= 0 ? pos.get(j) : Double.NEGATIVE_INFINITY);
            long ng = 0, pg = 0;
            while (i >= 0 && neg.get(i) == s) { i--; ng++; }
            while (j >= 0 && pos.get(j) == s) { j--; pg++; }
            twiceArea += ng * (2 * tp + pg);
            tp += pg;
            fp += ng;
            if (pg > 0) apSum += pg * ((double) tp / (tp + fp));
            boolean last = i < 0 && j < 0;
            curve.point(nNeg == 0 ? Double.NaN : (double) fp / nNeg, nPos == 0 ? Double.NaN : (double) tp / nPos, last);
        }
        double auroc = (nNeg == 0 || nPos == 0) ? Double.NaN : twiceArea / (2.0 * nNeg * (double) nPos);
        double ap = nPos == 0 ? Double.NaN : apSum / nPos;
        return new Result(nNeg, nPos, auroc, ap, curve.build(curveName, auroc, Double.NaN));
    }

    /** Points of a curve, dropping those closer than {@code thin} (L1) to the last kept one. */
    static final class CurveBuilder {
        private final double thin;
        private double[] xs = new double[64], ys = new double[64];
        private int n;

        CurveBuilder(double thin) { this.thin = thin; }

        void point(double x, double y) { point(x, y, true); }

        void point(double x, double y, boolean force) {
            if (!force && n > 0 && Math.abs(x - xs[n - 1]) + Math.abs(y - ys[n - 1]) < thin) return;
            if (n == xs.length) {
                xs = Arrays.copyOf(xs, 2 * n);
                ys = Arrays.copyOf(ys, 2 * n);
            }
            xs[n] = x;
            ys[n] = y;
            n++;
        }

        Curve build(String name, double area, double limit) {
            return new Curve(name, Arrays.copyOf(xs, n), Arrays.copyOf(ys, n), area, limit);
        }
    }
}
