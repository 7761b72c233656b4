package dsr3d.models.eval;

/**
 * Average precision as scikit-learn's average_precision_score defines it: with the distinct
 * scores as thresholds (highest first, a sample is positive when score >= threshold),
 * AP = sum_k (R_k - R_{k-1}) * P_k, step-wise, no interpolation. Ties move recall and
 * precision together in one step. Undefined (error) without positives; {@link #of} (the
 * image-level entry point, shared validation with {@link Auroc#of}) also wants a negative.
 */
public final class AveragePrecision {
    private AveragePrecision() {}

    public static double of(double[] scores, boolean[] positive) {
        return Auroc.rank(scores, positive, "average precision").averagePrecision();
    }

    public static double ofSorted(float[] negativesAscending, float[] positivesAscending) {
        if (positivesAscending.length == 0)
            throw new IllegalArgumentException("average precision is undefined without positive samples");
        return Ranking.walk(SortedScores.of(negativesAscending, negativesAscending.length),
                SortedScores.of(positivesAscending, positivesAscending.length), 1e-3, "PR").averagePrecision();
    }
}
