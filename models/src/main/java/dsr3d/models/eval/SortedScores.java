package dsr3d.models.eval;

/**
 * Read-only view of scores sorted ascending, float or double backed, so that the ROC walk
 * is written once for both the pixel level (hundreds of millions of float scores) and the
 * image level (a few hundred double scores). Values are widened to double on read.
 */
interface SortedScores {
    int size();

    double get(int i);

    static SortedScores of(float[] ascending, int n) {
        return new SortedScores() {
            public int size() { return n; }
            public double get(int i) { return ascending[i]; }
        };
    }

    static SortedScores of(double[] ascending) {
        return new SortedScores() {
            public int size() { return ascending.length; }
            public double get(int i) { return ascending[i]; }
        };
    }
}
