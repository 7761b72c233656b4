package dsr3d.tests.parity;

import dsr3d.tensor.backend.ReduceOp;
import dsr3d.tensor.cpu.ReduceCpu;
import dsr3d.tensor.cpu.simd.Parallel;
import dsr3d.tensor.cpu.simd.ReduceSimd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dsr3d.tests.parity.FastParity.*;
import static org.junit.jupiter.api.Assertions.*;

/** ReduceSimd (row SUM/MAX/MIN, softmax and its backward) against ReduceCpu. */
class FastReduceParityTest {
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() { Parallel.setThreads(savedThreads); }

    /** rows x cols, including single rows/columns, odd widths, and one big enough for 2 threads. */
    private static final int[][] SHAPES = {{1, 1}, {1, 7}, {7, 1}, {3, 17}, {5, 33}, {2, 1000}, {1, 100_003}, {300, 257}};

    @Test
    void rowReductionsMatchReference() {
        for (int threads : new int[]{1, 2}) {
            Parallel.setThreads(threads);
            Random rnd = new Random(threads);
            for (int[] s : SHAPES) {
                int rows = s[0], cols = s[1];
                float[] x = gaussian(rnd, rows * cols);
                for (int i = 0; i < x.length; i++) x[i] += 3f;   // a mean far from zero makes float drift visible
                for (ReduceOp op : new ReduceOp[]{ReduceOp.SUM, ReduceOp.MAX, ReduceOp.MIN}) {
                    double[] ref = new double[rows];
                    ReduceCpu.reduceRows(op, d(x), rows, cols, ref);
                    float[] fast = new float[rows];
                    ReduceSimd.reduceRows(op, x, rows, cols, fast);
                    String what = op + " " + rows + "x" + cols;
                    if (op == ReduceOp.SUM) {
                        // per row: float-rounding of a correctly summed double, plus 16-term block sums
                        for (int r = 0; r < rows; r++)
                            assertEquals(ref[r], fast[r], 1e-6 * Math.abs(ref[r]) + 1e-5 * Math.sqrt(cols), what + " row " + r);
                    } else assertExact(ref, fast, what);
                    if (rows > 2) assertNonTrivial(ref, what);
                }
            }
        }
    }

    @Test
    void argReductionsMatchReference() {
        for (int threads : new int[]{1, 2}) {
            Parallel.setThreads(threads);
            Random rnd = new Random(20 + threads);
            for (int[] s : SHAPES) {
                int rows = s[0], cols = s[1];
                float[] x = gaussian(rnd, rows * cols);
                for (int i = 0; i < x.length; i++) x[i] = Math.round(x[i] * 2);   // many ties
                if (rows > 3 && cols > 5) { x[cols + 2] = Float.NaN; x[cols + 4] = Float.NaN; x[2 * cols + cols - 1] = Float.NaN; }
                for (ReduceOp op : new ReduceOp[]{ReduceOp.ARGMAX, ReduceOp.ARGMIN}) {
                    double[] ref = new double[rows];
                    ReduceCpu.reduceRows(op, d(x), rows, cols, ref);
                    int[] fast = new int[rows];
                    ReduceSimd.argRows(op, x, rows, cols, fast);
                    for (int r = 0; r < rows; r++) assertEquals((int) ref[r], fast[r], op + " " + rows + "x" + cols + " row " + r);
                    if (rows > 5 && cols > 5) assertNonTrivial(ref, op + " " + rows + "x" + cols);
                }
            }
        }
    }

    @Test
    void longSumDoesNotDrift() {
        // 2^24 then 2^20 ones: a plain float accumulator stops growing at 2^24.
        int cols = 1 << 20;
        float[] x = new float[cols];
        java.util.Arrays.fill(x, 1f);
        x[0] = 1 << 24;
        float[] fast = new float[1];
        ReduceSimd.reduceRows(ReduceOp.SUM, x, 1, cols, fast);
        // A float loop would return 2^24 (error ~1e6); the block sums lose at most the few ones
        // that share a lane block with the big value (ulp(2^24) = 2).
        assertEquals((1 << 24) + cols - 1, fast[0], 64.0);
    }

    @Test
    void maxAndMinPropagateNaN() {
        float[] x = new float[3 * 40];
        Random rnd = new Random(2);
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        x[5] = Float.NaN;          // row 0, inside the vector part
        x[40 + 39] = Float.NaN;    // row 1, the scalar tail
        for (ReduceOp op : new ReduceOp[]{ReduceOp.MAX, ReduceOp.MIN}) {
            double[] ref = new double[3];
            ReduceCpu.reduceRows(op, d(x), 3, 40, ref);
            float[] fast = new float[3];
            ReduceSimd.reduceRows(op, x, 3, 40, fast);
            assertTrue(Double.isNaN(ref[0]) && Double.isNaN(ref[1]) && !Double.isNaN(ref[2]), "reference NaN rule");
            assertExact(ref, fast, op + " with NaN");
        }
    }

    @Test
    void softmaxForwardAndBackwardMatchReference() {
        for (int threads : new int[]{1, 2}) {
            Parallel.setThreads(threads);
            Random rnd = new Random(10 + threads);
            for (int[] s : SHAPES) {
                int rows = s[0], cols = s[1], n = rows * cols;
                float[] x = gaussian(rnd, n);
                for (int i = 0; i < n; i++) x[i] = x[i] * 5f + 50f;   // large logits: the max shift matters
                float[] dy = gaussian(rnd, n);
                for (boolean log : new boolean[]{false, true}) {
                    String what = (log ? "log" : "") + "softmax " + rows + "x" + cols;
                    double[] ref = new double[n];
                    ReduceCpu.softmaxRows(log, d(x), rows, cols, ref);
                    float[] fast = new float[n];
                    ReduceSimd.softmaxRows(log, x, rows, cols, fast);
                    if (cols > 1) assertNonTrivial(ref, what);
                    for (int i = 0; i < n; i++)
                        assertEquals(ref[i], fast[i], 2e-6 * Math.abs(ref[i]) + 1e-7 * (log ? 50 : 0) + 1e-12, what + " [" + i + "]");
                    // backward from the float forward output, reference in double on the same y
                    double[] refDx = new double[n];
                    ReduceCpu.softmaxRowsBackward(log, d(fast), d(dy), rows, cols, refDx);
                    float[] dx = new float[n];
                    ReduceSimd.softmaxRowsBackward(log, fast, dy, rows, cols, dx);
                    if (cols > 1) assertNonTrivial(refDx, what + " backward");
                    double dyScale = log ? Math.sqrt(cols) * 4 : 4;   // |sum(dy)| grows like sqrt(cols)
                    for (int i = 0; i < n; i++)
                        assertEquals(refDx[i], dx[i], 1e-5 * dyScale, what + " backward [" + i + "]");
                }
            }
        }
    }
}
