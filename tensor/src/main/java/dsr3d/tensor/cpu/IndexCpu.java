package dsr3d.tensor.cpu;

/** Reference gather / scatter-add and row lookup. Indices are checked: a bad index is an error
 *  naming it, never a silent read of another row. */
public final class IndexCpu {
    private IndexCpu() {}

    static int check(int idx, int size, String what) {
        if (idx < 0 || idx >= size) throw new IndexOutOfBoundsException(what + " index " + idx + " out of range [0, " + size + ")");
        return idx;
    }

    public static void gather(int outer, int dimIn, int dimOut, int inner, double[] in, int[] idx, double[] out) {
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < dimOut; j++)
                for (int i = 0; i < inner; i++) {
                    int p = (o * dimOut + j) * inner + i;
                    out[p] = in[(o * dimIn + check(idx[p], dimIn, "gather")) * inner + i];
                }
    }

    public static void scatterAdd(int outer, int dimIn, int dimOut, int inner, double[] dOut, int[] idx, double[] dIn) {
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < dimOut; j++)
                for (int i = 0; i < inner; i++) {
                    int p = (o * dimOut + j) * inner + i;
                    dIn[(o * dimIn + check(idx[p], dimIn, "scatter")) * inner + i] += dOut[p];
                }
    }

    public static void indexSelectRows(double[] table, int rows, int d, int[] idx, int n, double[] out) {
        for (int j = 0; j < n; j++) System.arraycopy(table, check(idx[j], rows, "index_select") * d, out, j * d, d);
    }

    public static void indexAddRows(double[] dOut, int[] idx, int n, int d, double[] dTable) {
        int rows = dTable.length / Math.max(d, 1);
        for (int j = 0; j < n; j++) {
            int r = check(idx[j], rows, "index_add");
            for (int p = 0; p < d; p++) dTable[r * d + p] += dOut[j * d + p];
        }
    }
}
