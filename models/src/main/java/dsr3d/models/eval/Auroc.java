package dsr3d.models.eval;

import java.util.Arrays;

/**
 * Area under the ROC curve.
 *
 * <p>{@link #of} is the default everywhere (image and pixel level): every distinct score is a
 * threshold and a tie between a positive and a negative counts 1/2, i.e. scikit-learn's
 * roc_auc_score = P(score of a random positive > score of a random negative) + 1/2 P(equal).
 * It sorts, O(N log N); see {@link Ranking}.
 *
 * <p>{@link #officialStableOrder} is the MVTec 3D-AD evaluation script's image-level variant:
 * one ROC point per sample in stable ascending order, so a positive/negative tie is resolved
 * by input order (kept for completeness; data-and-evaluation.md 3.4).
 */
public final class Auroc {
    private Auroc() {}

    /** Tie-aware AUROC of scores with boolean labels (true = positive / anomalous). */
    public static double of(double[] scores, boolean[] positive) {
        return rank(scores, positive, "AUROC").auroc();
    }

    /** Tie-aware AUROC from negatives' and positives' scores, each already sorted ascending. */
    public static double ofSorted(float[] negativesAscending, float[] positivesAscending) {
        Ranking.Result r = Ranking.walk(SortedScores.of(negativesAscending, negativesAscending.length),
                SortedScores.of(positivesAscending, positivesAscending.length), 1e-3, "ROC");
        requireBothClasses(r.negatives(), r.positives(), "AUROC");
        return r.auroc();
    }

    /** Splits by label, sorts each class (copies) and walks: the image-level entry point. */
    static Ranking.Result rank(double[] scores, boolean[] positive, String what) {
        if (scores.length != positive.length)
            throw new IllegalArgumentException(what + ": " + scores.length + " scores but " + positive.length + " labels");
        int nPos = 0;
        for (boolean p : positive) if (p) nPos++;
        double[] pos = new double[nPos], neg = new double[scores.length - nPos];
        int a = 0, b = 0;
        for (int i = 0; i < scores.length; i++) {
            double s = scores[i];
            if (Double.isNaN(s)) throw new IllegalArgumentException(what + ": score " + i + " is NaN");
            s += 0.0; // -0.0 -> 0.0 so that the sort order agrees with ==
            if (positive[i]) pos[a++] = s; else neg[b++] = s;
        }
        Arrays.sort(pos);
        Arrays.sort(neg);
        Ranking.Result r = Ranking.walk(SortedScores.of(neg), SortedScores.of(pos), 0, "ROC");
        requireBothClasses(r.negatives(), r.positives(), what);
        return r;
    }

    static void requireBothClasses(long negatives, long positives, String what) {
        if (negatives == 0 || positives == 0)
            throw new IllegalArgumentException(what + " is undefined with one class only: " + positives + " positive and "
                    + negatives + " negative samples");
    }

    /**
     * The official MVTec 3D-AD script's image ROC (roc_curve_util): sort by score ascending with a
     * stable sort, start at (FPR, TPR) = (1, 1), and for each sample in that order remove it
     * from the predicted positives (one point per sample); reverse; plain trapezoid. Equals
     * {@link #of} when no positive ties a negative.
     */
    public static double officialStableOrder(double[] scores, boolean[] positive) {
        if (scores.length != positive.length)
            throw new IllegalArgumentException("AUROC: " + scores.length + " scores but " + positive.length + " labels");
        int n = scores.length, nPos = 0;
        for (boolean p : positive) if (p) nPos++;
        requireBothClasses(n - nPos, nPos, "AUROC");
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(scores[i])) throw new IllegalArgumentException("AUROC: score " + i + " is NaN");
            order[i] = i;
        }
        Arrays.sort(order, (p, q) -> Double.compare(scores[p] + 0.0, scores[q] + 0.0)); // stable (merge sort)
        double[] fpr = new double[n + 1], tpr = new double[n + 1];
        long fp = n - nPos, tp = nPos;
        fpr[n] = 1;
        tpr[n] = 1; // filled back to front = already reversed
        for (int k = 0; k < n; k++) {
            if (positive[order[k]]) tp--; else fp--;
            fpr[n - 1 - k] = (double) fp / (n - nPos);
            tpr[n - 1 - k] = (double) tp / nPos;
        }
        return Trapezoid.area(fpr, tpr);
    }
}
