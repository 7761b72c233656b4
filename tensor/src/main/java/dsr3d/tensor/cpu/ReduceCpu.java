package dsr3d.tensor.cpu;

import dsr3d.tensor.backend.ReduceOp;

/** Reference row reductions and softmax, double precision. */
public final class ReduceCpu {
    private ReduceCpu() {}

    /** in [rows, cols] -> out [rows]; ARG ops write indices (lowest on ties). NaN wins max/min
     *  (PyTorch propagates NaN). */
    public static void reduceRows(ReduceOp op, double[] in, int rows, int cols, double[] out) {
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            switch (op) {
                case SUM -> {
                    double s = 0;
                    for (int c = 0; c < cols; c++) s += in[base + c];
                    out[r] = s;
                }
                case MAX, ARGMAX, MIN, ARGMIN -> {
                    boolean max = op == ReduceOp.MAX || op == ReduceOp.ARGMAX;
                    int best = 0;
                    double bv = in[base];
                    for (int c = 1; c < cols && !Double.isNaN(bv); c++) {
                        double v = in[base + c];
                        if (Double.isNaN(v) || (max ? v > bv : v < bv)) { bv = v; best = c; }
                    }
                    out[r] = op.isArg() ? best : bv;
                }
            }
        }
    }

    /** Softmax of each row, computed as exp(x - max) / sum: the max shift keeps exp finite. */
    public static void softmaxRows(boolean log, double[] in, int rows, int cols, double[] out) {
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            double m = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) m = Math.max(m, in[base + c]);
            double s = 0;
            for (int c = 0; c < cols; c++) s += Math.exp(in[base + c] - m);
            double logS = Math.log(s);
            for (int c = 0; c < cols; c++)
                out[base + c] = log ? in[base + c] - m - logS : Math.exp(in[base + c] - m) / s;
        }
    }

    /** softmax: dx = y * (dy - sum(dy * y)); log-softmax: dx = dy - exp(y) * sum(dy). */
    public static void softmaxRowsBackward(boolean log, double[] y, double[] dy, int rows, int cols, double[] dx) {
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            double s = 0;
            for (int c = 0; c < cols; c++) s += log ? dy[base + c] : dy[base + c] * y[base + c];
            for (int c = 0; c < cols; c++)
                dx[base + c] = log ? dy[base + c] - Math.exp(y[base + c]) * s : y[base + c] * (dy[base + c] - s);
        }
    }
}
