package dsr3d.tests.parity;

import dsr3d.tensor.cpu.UpsampleCpu;
import dsr3d.tensor.cpu.simd.Parallel;
import dsr3d.tensor.cpu.simd.UpsampleSimd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dsr3d.tests.parity.FastParity.*;

/** UpsampleSimd (bilinear align_corners=true, nearest; forward and backward) against UpsampleCpu. */
class FastUpsampleParityTest {
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() { Parallel.setThreads(savedThreads); }

    @Test
    void bilinearMatchesReference() {
        // nc, h, w, hout, wout: 3->7, 48->96, 1-pixel inputs/outputs, downsampling, odd sizes
        int[][] cases = {{2, 3, 3, 7, 7}, {3, 48, 48, 96, 96}, {2, 1, 1, 5, 3}, {1, 5, 4, 1, 1}, {4, 17, 33, 7, 9}, {1, 7, 3, 17, 33}};
        for (int threads : new int[]{1, 2})
            for (int[] c : cases) {
                Parallel.setThreads(threads);
                int nc = c[0], h = c[1], w = c[2], ho = c[3], wo = c[4];
                Random rnd = new Random(h * 100 + ho + threads);
                float[] x = gaussian(rnd, nc * h * w);
                double[] ref = new double[nc * ho * wo];
                UpsampleCpu.bilinear(nc, h, w, ho, wo, d(x), ref);
                float[] y = new float[ref.length];
                UpsampleSimd.bilinear(nc, h, w, ho, wo, x, y);
                String what = "bilinear " + java.util.Arrays.toString(c);
                if (ref.length > nc) assertNonTrivial(ref, what);
                assertClose(ref, y, 1e-6, what);

                float[] dy = gaussian(rnd, ref.length);
                double[] refDx = new double[x.length];
                UpsampleCpu.bilinearBackward(nc, h, w, ho, wo, d(dy), refDx);
                float[] dx = new float[x.length];
                java.util.Arrays.fill(dx, 7f);
                UpsampleSimd.bilinearBackward(nc, h, w, ho, wo, dy, dx);
                if (x.length > nc) assertNonTrivial(refDx, what + " backward");
                assertClose(refDx, dx, 1e-5, what + " backward");
            }
    }

    @Test
    void nearestMatchesReference() {
        int[][] cases = {{1, 1, 1, 1, 1}, {2, 3, 5, 2, 2}, {3, 7, 17, 3, 1}, {2, 48, 48, 2, 2}, {64, 33, 17, 1, 3}};
        for (int threads : new int[]{1, 2})
            for (int[] c : cases) {
                Parallel.setThreads(threads);
                int nc = c[0], h = c[1], w = c[2], fh = c[3], fw = c[4];
                Random rnd = new Random(h * 7 + w + threads);
                float[] x = gaussian(rnd, nc * h * w);
                double[] ref = new double[nc * h * fh * w * fw];
                UpsampleCpu.nearest(nc, h, w, fh, fw, d(x), ref);
                float[] y = new float[ref.length];
                UpsampleSimd.nearest(nc, h, w, fh, fw, x, y);
                String what = "nearest " + java.util.Arrays.toString(c);
                if (ref.length > 1) assertNonTrivial(ref, what);
                assertExact(ref, y, what);

                float[] dy = gaussian(rnd, ref.length);
                double[] refDx = new double[x.length];
                UpsampleCpu.nearestBackward(nc, h, w, fh, fw, d(dy), refDx);
                float[] dx = new float[x.length];
                UpsampleSimd.nearestBackward(nc, h, w, fh, fw, dy, dx);
                assertClose(refDx, dx, 1e-6, what + " backward");
            }
    }
}
