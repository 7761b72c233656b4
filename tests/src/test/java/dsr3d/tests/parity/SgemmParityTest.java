package dsr3d.tests.parity;

import dsr3d.tensor.cpu.MatMulCpu;
import dsr3d.tensor.cpu.simd.Parallel;
import dsr3d.tensor.cpu.simd.Sgemm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Sgemm (packed, blocked, threaded float GEMM) against MatMulCpu.matmul (double loops) on sizes that
 * are not multiples of the vector width, the micro-tile or the cache blocks; all four transpose
 * combinations, accumulate, offsets and padded leading dimensions; on 1 and 2 threads.
 * Elements of C outside the m x n window must be untouched.
 */
class SgemmParityTest {
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() { Parallel.setThreads(savedThreads); }

    private static final int[][] SIZES = {
            {1, 1, 1}, {1, 7, 33}, {7, 1, 17}, {7, 17, 33}, {17, 33, 7}, {33, 65, 100}, {65, 33, 257},
            {100, 257, 65}, {257, 100, 33}, {6, 32, 256}, {13, 95, 300}, {150, 70, 600}, {257, 257, 257},
            {2, 1100, 9}, {1030, 3, 40},
            // A packed whole once (n > NC): several column blocks of equal width, k blocks and MC blocks
            {150, 2100, 300},
    };

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2})
    void matchesReferenceOnAwkwardSizes(int threads) {
        Parallel.setThreads(threads);
        SplittableRandom rnd = new SplittableRandom(42 + threads);
        for (int[] s : SIZES)
            for (int combo = 0; combo < 4; combo++) {
                boolean ta = (combo & 1) != 0, tb = (combo & 2) != 0;
                checkOne(rnd, s[0], s[1], s[2], ta, tb, false, 0, 0, "threads=" + threads);
                checkOne(rnd, s[0], s[1], s[2], ta, tb, true, 3, 5, "threads=" + threads);
            }
    }

    @Test
    void kZeroClearsOrKeepsC() {
        float[] c = {1, 2, 3, 4};
        Sgemm.sgemm(false, false, 2, 2, 0, new float[0], 0, 1, new float[0], 0, 2, c, 0, 2, true);
        assertTrue(c[0] == 1 && c[3] == 4, "accumulate with k=0 must leave C unchanged");
        Sgemm.sgemm(false, false, 2, 2, 0, new float[0], 0, 1, new float[0], 0, 2, c, 0, 2, false);
        assertTrue(c[0] == 0 && c[3] == 0, "k=0 without accumulate must zero C");
    }

    @Test
    void rejectsTooShortArraysNamingTheArgument() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                Sgemm.sgemm(false, false, 4, 4, 4, new float[15], 0, 4, new float[16], 0, 4, new float[16], 0, 4, false));
        assertTrue(e.getMessage().contains("a needs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () ->
                Sgemm.sgemm(false, false, 4, 4, 4, new float[16], 0, 4, new float[16], 0, 3, new float[16], 0, 4, false));
        assertTrue(e.getMessage().contains("ldb"), e.getMessage());
    }

    /** One GEMM with padding pad on every leading dimension and offset off on every array. */
    private static void checkOne(SplittableRandom rnd, int m, int n, int k, boolean ta, boolean tb,
                                 boolean accumulate, int off, int pad, String ctx) {
        int aRows = ta ? k : m, aCols = ta ? m : k, bRows = tb ? n : k, bCols = tb ? k : n;
        int lda = aCols + pad, ldb = bCols + pad, ldc = n + pad;
        float[] a = random(rnd, off + aRows * lda), b = random(rnd, off + bRows * ldb), c = random(rnd, off + m * ldc);
        float[] c0 = c.clone();
        // compact double copies in MatMulCpu's layout (same transposes, no padding)
        double[] ad = new double[m * k], bd = new double[k * n], ref = new double[m * n];
        for (int r = 0; r < aRows; r++) for (int q = 0; q < aCols; q++) ad[r * aCols + q] = a[off + r * lda + q];
        for (int r = 0; r < bRows; r++) for (int q = 0; q < bCols; q++) bd[r * bCols + q] = b[off + r * ldb + q];
        MatMulCpu.matmul(ta, tb, 1, m, n, k, ad, 0, bd, 0, ref);

        Sgemm.sgemm(ta, tb, m, n, k, a, off, lda, b, off, ldb, c, off, ldc, accumulate);

        String shape = String.format("%s m=%d n=%d k=%d transA=%b transB=%b accumulate=%b off=%d pad=%d",
                ctx, m, n, k, ta, tb, accumulate, off, pad);
        double tol = 16 * Math.ulp(1f) * Math.sqrt(k);
        double maxRef = 0;
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                int ci = off + i * ldc + j;
                double want = ref[i * n + j] + (accumulate ? c0[ci] : 0);
                maxRef = Math.max(maxRef, Math.abs(ref[i * n + j]));
                double scale = Math.sqrt(k) * 0.5 + Math.abs(want);
                if (!(Math.abs(c[ci] - want) <= tol * scale) && bad.size() < 5)
                    bad.add("C[" + i + "," + j + "]=" + c[ci] + " want " + want);
            }
        for (int i = 0; i < c.length; i++) {
            boolean inside = i >= off && (i - off) / ldc < m && (i - off) % ldc < n;
            if (!inside && c[i] != c0[i] && bad.size() < 5) bad.add("wrote outside C window at index " + i);
        }
        assertTrue(maxRef > 0.01, "reference is trivial for " + shape);
        if (!bad.isEmpty()) fail("sgemm mismatch for " + shape + ": " + bad);
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
        return x;
    }
}
