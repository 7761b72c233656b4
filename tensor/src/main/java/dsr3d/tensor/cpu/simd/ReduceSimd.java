package dsr3d.tensor.cpu.simd;

import dsr3d.tensor.backend.ReduceOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 row reductions and row softmax over [rows, cols] row-major arrays.
 *
 * <p>Sums: each vector lane adds at most {@link #BLOCK}/L floats in float, then every block's
 * total is added in double. The float error stays that of a 16-term sum whatever the row length
 * (a plain float loop drifts with the length), at vector speed. MAX/MIN use the vector max/min,
 * which like Math.max propagate NaN. Rows are split over the pool when the array is big.
 */
public final class ReduceSimd {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** Elements per float partial sum before it is folded into the double total. */
    static final int BLOCK = 16 * 16;

    private ReduceSimd() {}

    /** in [rows, cols] -> out [rows]; SUM, MAX or MIN (the ARG ops go to the reference). */
    public static void reduceRows(ReduceOp op, float[] in, int rows, int cols, float[] out) {
        if (op.isArg()) throw new IllegalArgumentException("reduceRows: op must be SUM, MAX or MIN here, got " + op);
        checkRows("reduceRows", in, rows, cols, out);
        if (cols == 0 && op != ReduceOp.SUM) throw new IllegalArgumentException("reduceRows: " + op + " of an empty row (cols = 0)");
        forRows(rows, cols, (from, to) -> {
            for (int r = from; r < to; r++) {
                int base = r * cols;
                out[r] = switch (op) {
                    case SUM -> (float) sum(in, base, cols);
                    case MAX -> max(in, base, cols);
                    default -> min(in, base, cols);
                };
            }
        });
    }

    /** in [rows, cols] -> out [rows] indices for ARGMAX/ARGMIN: the lowest index among ties, and
     *  the first NaN if there is one (the reference's rule). A float port of the reference loop:
     *  comparing floats in float or in double gives the same answers. */
    public static void argRows(ReduceOp op, float[] in, int rows, int cols, int[] out) {
        if (!op.isArg()) throw new IllegalArgumentException("argRows: op must be ARGMAX or ARGMIN, got " + op);
        if (rows < 0 || cols < 1) throw new IllegalArgumentException("argRows: need rows >= 0 and cols >= 1, got " + rows + " x " + cols);
        if ((long) rows * cols > in.length) throw new IllegalArgumentException("argRows: input must hold rows*cols = " + (long) rows * cols + " floats, has " + in.length);
        if (out.length < rows) throw new IllegalArgumentException("argRows: out must hold rows = " + rows + " indices, has " + out.length);
        boolean max = op == ReduceOp.ARGMAX;
        forRows(rows, cols, (from, to) -> {
            for (int r = from; r < to; r++) {
                int base = r * cols, best = 0;
                float bv = in[base];
                if (max) {
                    for (int c = 1; c < cols && bv == bv; c++) {
                        float v = in[base + c];
                        if (v > bv || v != v) { bv = v; best = c; }
                    }
                } else {
                    for (int c = 1; c < cols && bv == bv; c++) {
                        float v = in[base + c];
                        if (v < bv || v != v) { bv = v; best = c; }
                    }
                }
                out[r] = best;
            }
        });
    }

    /** Sum of a[off .. off+n) (float blocks folded in double). */
    static double sum(float[] a, int off, int n) {
        double total = 0;
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; ) {
            FloatVector acc = FloatVector.zero(F);
            for (int blockEnd = Math.min(bound, i + BLOCK); i < blockEnd; i += L) acc = acc.add(FloatVector.fromArray(F, a, off + i));
            total += Lanes.sum(acc);
        }
        for (; i < n; i++) total += a[off + i];
        return total;
    }

    /** Sum of a[ao + i] * b[bo + i] for i < n (float block products folded in double). */
    static double dot(float[] a, int ao, float[] b, int bo, int n) {
        double total = 0;
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; ) {
            FloatVector acc = FloatVector.zero(F);
            for (int blockEnd = Math.min(bound, i + BLOCK); i < blockEnd; i += L)
                acc = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), acc);
            total += Lanes.sum(acc);
        }
        for (; i < n; i++) total += (double) a[ao + i] * b[bo + i];
        return total;
    }

    /** Max of a[off .. off+n), n >= 1; NaN if any element is NaN. */
    static float max(float[] a, int off, int n) {
        int i = 0;
        float m = Float.NEGATIVE_INFINITY;
        if (n >= L) {
            FloatVector acc = FloatVector.fromArray(F, a, off);
            for (i = L; i <= n - L; i += L) acc = acc.max(FloatVector.fromArray(F, a, off + i));
            m = acc.reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) m = Math.max(m, a[off + i]);
        return m;
    }

    static float min(float[] a, int off, int n) {
        int i = 0;
        float m = Float.POSITIVE_INFINITY;
        if (n >= L) {
            FloatVector acc = FloatVector.fromArray(F, a, off);
            for (i = L; i <= n - L; i += L) acc = acc.min(FloatVector.fromArray(F, a, off + i));
            m = acc.reduceLanes(VectorOperators.MIN);
        }
        for (; i < n; i++) m = Math.min(m, a[off + i]);
        return m;
    }

    /**
     * Softmax (or log-softmax) of each row: out = exp(x - max) / sum. One pass finds the max, one
     * writes exp(x - max) into out while summing it, one scales (or, for log, writes
     * x - (max + log(sum)) in double). exp is the Vector API's float exp (within ~0.55 ulp; the
     * float subtraction x - max adds a relative error of about 6e-8 * |x - max|, which only
     * matters for outputs that are already below e^-16 of the row's largest).
     */
    public static void softmaxRows(boolean log, float[] in, int rows, int cols, float[] out) {
        checkRows("softmaxRows", in, rows, cols, out);
        if (out.length < rows * cols) throw new IllegalArgumentException("softmaxRows: out must hold rows*cols = " + rows * cols + " floats, has " + out.length);
        if (cols == 0) return;
        forRows(rows, cols, (from, to) -> {
            for (int r = from; r < to; r++) {
                int base = r * cols;
                float m = max(in, base, cols);
                // out = exp(x - m) (log: nothing stored yet), s = its sum
                double s = expShifted(in, base, cols, m, log ? null : out);
                if (log) {
                    double shift = m + Math.log(s);
                    for (int c = 0; c < cols; c++) out[base + c] = (float) (in[base + c] - shift);
                } else scaleRange(out, base, cols, (float) (1 / s));
            }
        });
    }

    /** Writes exp(a[off + i] - m) to out[off + i] (unless out is null) and returns their sum in double. */
    private static double expShifted(float[] a, int off, int n, float m, float[] out) {
        double total = 0;                      // scalar exp: see Lanes
        for (int i = 0; i < n; i++) {
            double e = Math.exp((double) a[off + i] - m);
            if (out != null) out[off + i] = (float) e;
            total += e;
        }
        return total;
    }

    /** softmax: dx = y * (dy - sum(dy * y)); log-softmax: dx = dy - exp(y) * sum(dy). */
    public static void softmaxRowsBackward(boolean log, float[] y, float[] dy, int rows, int cols, float[] dx) {
        checkRows("softmaxRowsBackward", y, rows, cols, dx);
        if (dy.length < rows * cols) throw new IllegalArgumentException("softmaxRowsBackward: dy must hold rows*cols = " + rows * cols + " floats, has " + dy.length);
        if (dx.length < rows * cols) throw new IllegalArgumentException("softmaxRowsBackward: dx must hold rows*cols = " + rows * cols + " floats, has " + dx.length);
        forRows(rows, cols, (from, to) -> {
            for (int r = from; r < to; r++) {
                int base = r * cols;
                if (log) {
                    float s = (float) sum(dy, base, cols);
                    for (int c = 0; c < cols; c++) dx[base + c] = (float) (dy[base + c] - Math.exp(y[base + c]) * s);   // scalar exp: see Lanes
                } else {
                    FloatVector vs = FloatVector.broadcast(F, (float) dot(dy, base, y, base, cols));
                    int c = 0;
                    for (int bound = F.loopBound(cols); c < bound; c += L) {
                        FloatVector vy = FloatVector.fromArray(F, y, base + c);
                        vy.mul(FloatVector.fromArray(F, dy, base + c).sub(vs)).intoArray(dx, base + c);
                    }
                    float s = vs.lane(0);
                    for (; c < cols; c++) dx[base + c] = y[base + c] * (dy[base + c] - s);
                }
            }
        });
    }

    private static void scaleRange(float[] a, int off, int n, float s) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) FloatVector.fromArray(F, a, off + i).mul(s).intoArray(a, off + i);
        for (; i < n; i++) a[off + i] *= s;
    }

    /** Rows over the pool, enough rows per chunk to make ~MIN_PARALLEL elements. */
    private static void forRows(int rows, int cols, Parallel.Range body) {
        Parallel.forRange(rows, Math.max(1, ElementwiseSimd.MIN_PARALLEL / Math.max(1, cols)), body);
    }

    private static void checkRows(String kernel, float[] in, int rows, int cols, float[] out) {
        if (rows < 0 || cols < 0) throw new IllegalArgumentException(kernel + ": rows and cols must be >= 0, got " + rows + " x " + cols);
        if ((long) rows * cols > in.length) throw new IllegalArgumentException(kernel + ": input must hold rows*cols = " + (long) rows * cols + " floats, has " + in.length);
        if (out.length < rows) throw new IllegalArgumentException(kernel + ": out must hold at least rows = " + rows + " floats, has " + out.length);
    }
}
