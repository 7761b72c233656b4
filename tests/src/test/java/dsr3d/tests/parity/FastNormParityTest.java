package dsr3d.tests.parity;

import dsr3d.tensor.cpu.NormCpu;
import dsr3d.tensor.cpu.simd.NormSimd;
import dsr3d.tensor.cpu.simd.Parallel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dsr3d.tests.parity.FastParity.*;

/** NormSimd (instance norm forward/backward) against NormCpu. */
class FastNormParityTest {
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() { Parallel.setThreads(savedThreads); }

    @Test
    void instanceNormMatchesReference() {
        // nc, hw: planes of 1, odd sizes, 1000+, 48*48, and many planes for 2 threads
        int[][] cases = {{3, 1}, {1, 7}, {5, 17}, {2, 33}, {3, 1001}, {2, 48 * 48}, {64, 1024}};
        for (int threads : new int[]{1, 2})
            for (int[] c : cases) {
                Parallel.setThreads(threads);
                int nc = c[0], hw = c[1], n = nc * hw;
                Random rnd = new Random(nc * 1000 + hw + threads);
                float[] x = gaussian(rnd, n);
                for (int i = 0; i < n; i++) x[i] = x[i] * 0.5f + 100f;   // |mean| >> std: the one-pass formula would cancel
                double eps = 1e-5;
                double[] ref = new double[n], refMean = new double[nc], refRstd = new double[nc];
                NormCpu.instanceNorm(nc, hw, eps, d(x), ref, refMean, refRstd);
                float[] y = new float[n], mean = new float[nc], rstd = new float[nc];
                NormSimd.instanceNorm(nc, hw, eps, x, y, mean, rstd);
                String what = "instanceNorm nc=" + nc + " hw=" + hw;
                if (hw > 1) assertNonTrivial(ref, what);
                // x has ~7 significant digits at 100, so y = (x - mean) * rstd carries ~1e-5 * rstd absolute error.
                assertClose(ref, y, 3e-4, what);
                assertClose(refMean, mean, 1e-6, what + " mean");
                assertClose(refRstd, rstd, 1e-4, what + " rstd");

                float[] dy = gaussian(rnd, n);
                double[] refDx = new double[n];
                NormCpu.instanceNormBackward(nc, hw, d(y), d(rstd), d(dy), refDx);
                float[] dx = new float[n];
                NormSimd.instanceNormBackward(nc, hw, y, rstd, dy, dx);
                if (hw > 1) assertNonTrivial(refDx, what + " backward");
                assertClose(refDx, dx, 1e-5, what + " backward");
            }
    }
}
