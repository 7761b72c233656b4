package dsr3d.tests.parity;

import dsr3d.tensor.cpu.MatMulCpu;
import dsr3d.tensor.cpu.simd.Parallel;
import dsr3d.tensor.cpu.simd.VqNearestSimd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The fused float32 VQ search (VqNearestSimd) against the exact double reference
 * (MatMulCpu.vqNearest). The fast kernel uses ||e||^2 - 2 z.e in float, so on near-ties it may
 * legitimately choose another codeword: the rule checked is that the chosen codeword's exact
 * distance is within a rounding tolerance of the exact minimum; on well-separated data the
 * indices must be equal, and exact ties (duplicate codewords) must go to the lowest index.
 */
class VqNearestParityTest {
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() { Parallel.setThreads(savedThreads); }

    static Stream<Arguments> shapes() {
        List<Arguments> out = new ArrayList<>();
        int[][] nkd = {{1, 1, 1}, {7, 3, 5}, {33, 257, 33}, {100, 1, 5}, {130, 257, 256}, {301, 2049, 33}, {17, 2049, 1}, {65, 3, 256}};
        for (int[] s : nkd)
            for (int threads : new int[]{1, 2}) out.add(Arguments.of(s[0], s[1], s[2], threads));
        return out.stream();
    }

    @ParameterizedTest(name = "n={0} k={1} d={2} threads={3}")
    @MethodSource("shapes")
    void chosenCodewordIsWithinRoundingOfTheExactMinimum(int n, int k, int d, int threads) {
        Parallel.setThreads(threads);
        Random rnd = new Random(31L * n + 7L * k + d);
        float[] z = gaussian(rnd, n * d, 1f), e = gaussian(rnd, k * d, 1f);
        int[] fast = new int[n];
        VqNearestSimd.nearest(z, e, n, k, d, fast);
        assertNearOptimal(z, e, n, k, d, fast);
        // Tiny tiles put many tile seams (and vector tails) inside the same data.
        int[] tiled = new int[n];
        VqNearestSimd.nearest(z, e, n, k, d, tiled, 5, 7);
        assertNearOptimal(z, e, n, k, d, tiled);
    }

    @ParameterizedTest(name = "n={0} k={1} d={2} threads={3}")
    @MethodSource("shapes")
    void wellSeparatedDataGivesTheReferenceIndices(int n, int k, int d, int threads) {
        Parallel.setThreads(threads);
        Random rnd = new Random(1000L + n * 13L + k);
        // Codewords far apart (scale 10), each z a small perturbation (0.01) of a random codeword.
        float[] e = gaussian(rnd, k * d, 10f);
        float[] z = new float[n * d];
        int[] truth = new int[n];
        for (int i = 0; i < n; i++) {
            truth[i] = rnd.nextInt(k);
            for (int p = 0; p < d; p++) z[i * d + p] = e[truth[i] * d + p] + 0.01f * (float) rnd.nextGaussian();
        }
        int[] ref = new int[n];
        double[] zd = toDouble(z), ed = toDouble(e);
        MatMulCpu.vqNearest(zd, ed, n, k, d, ref);
        int[] fast = new int[n];
        VqNearestSimd.nearest(z, e, n, k, d, fast);
        int[] tiled = new int[n];
        VqNearestSimd.nearest(z, e, n, k, d, tiled, 3, 5);
        // Rows whose best codeword beats the runner-up by far more than float rounding must agree
        // exactly (in d = 1 many codewords crowd together, so not every row qualifies).
        int separated = 0;
        for (int i = 0; i < n; i++) {
            double best = dist(zd, ed, i, ref[i], d), second = Double.POSITIVE_INFINITY;
            for (int j = 0; j < k; j++) if (j != ref[i]) second = Math.min(second, dist(zd, ed, i, j, d));
            if (second - best < 1e-3 * (1 + best)) continue;
            separated++;
            assertEquals(ref[i], fast[i], "row " + i);
            assertEquals(ref[i], tiled[i], "row " + i + " (tiny tiles)");
        }
        // In d = 1, 2049 codewords on a line are never far apart compared with the float rounding
        // of ||e||^2 - 2 z.e (about 1e-7 of the range squared); there the near-optimality test above covers it.
        if (d >= 5) assertTrue(separated >= n / 2, "only " + separated + " of " + n + " rows are well separated");
        assertTrue(k < 4 || distinct(ref) > Math.min(k, n) / 4, "reference answer should not be trivial");
    }

    @Test
    void exactTiesGoToTheLowestIndex() {
        for (int threads : new int[]{1, 2}) {
            Parallel.setThreads(threads);
            Random rnd = new Random(5);
            int k = 257, d = 33, n = 70;
            float[] e = gaussian(rnd, k * d, 1f);
            // Codewords 200, 250 and 256 (the last, in the vector tail) duplicate 3, 40 and 100.
            int[][] dup = {{200, 3}, {250, 40}, {256, 100}};
            for (int[] p : dup) System.arraycopy(e, p[1] * d, e, p[0] * d, d);
            // z rows are exactly duplicated codewords -> distance 0 to two codewords.
            float[] z = new float[n * d];
            int[] expect = new int[n];
            for (int i = 0; i < n; i++) {
                int[] p = dup[i % dup.length];
                System.arraycopy(e, p[0] * d, z, i * d, d);
                expect[i] = p[1];
            }
            int[] fast = new int[n];
            VqNearestSimd.nearest(z, e, n, k, d, fast);
            assertArrayEquals(expect, fast, "threads=" + threads);
            VqNearestSimd.nearest(z, e, n, k, d, fast, 4, 16);
            assertArrayEquals(expect, fast, "tiled, threads=" + threads);
        }
    }

    @Test
    void allCodewordsEqualGivesIndexZero() {
        int k = 1025, d = 4, n = 19;
        float[] e = new float[k * d];
        java.util.Arrays.fill(e, 0.5f);
        float[] z = gaussian(new Random(3), n * d, 1f);
        int[] fast = new int[n];
        java.util.Arrays.fill(fast, -1);
        VqNearestSimd.nearest(z, e, n, k, d, fast);
        for (int i : fast) assertEquals(0, i);
    }

    @Test
    void badArgumentsAreNamed() {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> VqNearestSimd.nearest(new float[10], new float[8], 2, 2, 5, new int[2]));
        assertTrue(ex.getMessage().contains("codebook"), ex.getMessage());
        ex = assertThrows(IllegalArgumentException.class,
                () -> VqNearestSimd.nearest(new float[10], new float[10], 2, 2, 5, new int[1]));
        assertTrue(ex.getMessage().contains("out"), ex.getMessage());
    }

    /** Exact (double) distance of the chosen codeword <= exact minimum + tolerance; the tolerance
     *  is the float rounding of the expansion: a few ulps of d * (|z|max + |e|max)^2. */
    static void assertNearOptimal(float[] z, float[] e, int n, int k, int d, int[] chosen) {
        double[] zd = toDouble(z), ed = toDouble(e);
        int[] ref = new int[n];
        MatMulCpu.vqNearest(zd, ed, n, k, d, ref);
        int same = 0;
        for (int i = 0; i < n; i++) {
            assertTrue(chosen[i] >= 0 && chosen[i] < k, "index out of range: " + chosen[i]);
            double best = dist(zd, ed, i, ref[i], d), got = dist(zd, ed, i, chosen[i], d);
            double scale = 0;
            for (int p = 0; p < d; p++) scale = Math.max(scale, Math.abs(zd[i * d + p]));
            double emax = 0;
            for (double v : ed) emax = Math.max(emax, Math.abs(v));
            double tol = 1e-5 * d * (scale + emax) * (scale + emax) + 1e-6;
            assertTrue(got <= best + tol, "row " + i + ": chose " + chosen[i] + " at " + got + ", best " + ref[i] + " at " + best);
            if (chosen[i] == ref[i]) same++;
        }
        // Random gaussian data has few near-ties: nearly all indices agree.
        assertTrue(same >= n * 9 / 10, "only " + same + " of " + n + " indices agree with the reference");
    }

    private static double dist(double[] z, double[] e, int i, int j, int d) {
        double s = 0;
        for (int p = 0; p < d; p++) { double t = z[i * d + p] - e[j * d + p]; s += t * t; }
        return s;
    }

    private static int distinct(int[] a) { return (int) java.util.Arrays.stream(a).distinct().count(); }

    static float[] gaussian(Random rnd, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = scale * (float) rnd.nextGaussian();
        return a;
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }
}
