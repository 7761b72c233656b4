package dsr3d.tests.parity;

import dsr3d.tensor.backend.PoolGeom;
import dsr3d.tensor.cpu.Pool2dCpu;
import dsr3d.tensor.cpu.simd.Parallel;
import dsr3d.tensor.cpu.simd.Pool2dSimd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.stream.Stream;

import static dsr3d.tests.parity.FastParity.*;
import static org.junit.jupiter.api.Assertions.*;

/** Pool2dSimd (max with argmax, separable average; forward and backward) against Pool2dCpu. */
class FastPoolParityTest {
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() { Parallel.setThreads(savedThreads); }

    static Stream<Arguments> geometries() {
        return Stream.of(
                new PoolGeom(1, 1, 1, 1, 1, 1, 1, 0, 0),
                new PoolGeom(3, 7, 7, 2, 2, 2, 2, 0, 0),
                new PoolGeom(2, 17, 33, 3, 3, 2, 2, 1, 1),
                new PoolGeom(2, 33, 17, 3, 2, 1, 2, 1, 1),
                new PoolGeom(4, 33, 33, 11, 11, 1, 1, 5, 5),     // the 3DSR score filter
                new PoolGeom(2, 48, 50, 11, 11, 1, 1, 5, 5),
                new PoolGeom(3, 12, 19, 4, 5, 3, 2, 2, 2),
                new PoolGeom(64, 32, 32, 3, 3, 1, 1, 1, 1),       // big enough for 2 threads
                // MaxPool2d(2): the vector path (rows of 2 vectors or more), odd sizes, a scalar tail
                new PoolGeom(3, 9, 71, 2, 2, 2, 2, 0, 0),
                new PoolGeom(16, 64, 64, 2, 2, 2, 2, 0, 0)
        ).map(Arguments::of);
    }

    /** The reference's and the fast kernel's max pool of x: values and argmax of each. */
    private record Max(double[] ref, int[] refArg, float[] y, int[] arg) {}

    private static Max bothMax(PoolGeom p, float[] x) {
        int on = p.nc() * p.hout() * p.wout();
        Max m = new Max(new double[on], new int[on], new float[on], new int[on]);
        Pool2dCpu.maxForward(p, d(x), m.ref(), m.refArg());
        Pool2dSimd.maxForward(p, x, m.y(), m.arg());
        return m;
    }

    /** The 2x2 vector path keeps the reference's NaN rule: a NaN takes over, the last NaN's index wins. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void maxPool2x2PropagatesNaNLikeTheReference(int threads) {
        Parallel.setThreads(threads);
        PoolGeom p = new PoolGeom(4, 10, 67, 2, 2, 2, 2, 0, 0);
        Random rnd = new Random(11);
        int n = p.nc() * p.h() * p.w(), on = p.nc() * p.hout() * p.wout();
        float[] x = gaussian(rnd, n);
        for (int i = 0; i < n; i += 7) x[i] = Float.NaN;
        Max m = bothMax(p, x);
        double[] ref = m.ref();
        int[] refArg = m.refArg(), arg = m.arg();
        float[] y = m.y();
        int nans = 0;
        for (int i = 0; i < on; i++) {
            assertEquals(Double.isNaN(ref[i]), Float.isNaN(y[i]), "NaN at output " + i);
            if (Double.isNaN(ref[i])) nans++;
            else assertEquals((float) ref[i], y[i], "output " + i);
        }
        assertTrue(nans > on / 10, "the test needs NaN windows, got " + nans);
        assertArrayEquals(refArg, arg, "argmax");
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void maxPoolMatchesReference(PoolGeom p) {
        for (int threads : new int[]{1, 2}) {
            Parallel.setThreads(threads);
            Random rnd = new Random(p.hashCode() + threads);
            int n = p.nc() * p.h() * p.w(), on = p.nc() * p.hout() * p.wout();
            float[] x = gaussian(rnd, n);
            for (int i = 0; i < n; i += 5) x[i] = (float) Math.round(x[i]);   // ties inside windows
            Max m = bothMax(p, x);
            double[] ref = m.ref();
            int[] refArg = m.refArg(), arg = m.arg();
            float[] y = m.y();
            if (on > 1) assertNonTrivial(ref, "max " + p);
            assertExact(ref, y, "max " + p);
            assertArrayEquals(refArg, arg, "argmax " + p);

            float[] dy = gaussian(rnd, on);
            double[] refDx = new double[n];
            Pool2dCpu.maxBackward(p, d(dy), refArg, refDx);
            float[] dx = new float[n];
            java.util.Arrays.fill(dx, 99f);   // must be overwritten
            Pool2dSimd.maxBackward(p, dy, arg, dx);
            assertClose(refDx, dx, 1e-6, "max backward " + p);
        }
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void avgPoolMatchesReference(PoolGeom p) {
        for (int threads : new int[]{1, 2}) {
            Parallel.setThreads(threads);
            Random rnd = new Random(p.hashCode() * 31 + threads);
            int n = p.nc() * p.h() * p.w(), on = p.nc() * p.hout() * p.wout();
            float[] x = gaussian(rnd, n);
            double[] ref = new double[on];
            Pool2dCpu.avgForward(p, d(x), ref);
            float[] y = new float[on];
            Pool2dSimd.avgForward(p, x, y);
            if (on > 1) assertNonTrivial(ref, "avg " + p);
            assertClose(ref, y, 1e-5, "avg " + p);

            float[] dy = gaussian(rnd, on);
            double[] refDx = new double[n];
            Pool2dCpu.avgBackward(p, d(dy), refDx);
            float[] dx = new float[n];
            java.util.Arrays.fill(dx, 99f);
            Pool2dSimd.avgBackward(p, dy, dx);
            if (n > 1) assertNonTrivial(refDx, "avg backward " + p);
            assertClose(refDx, dx, 1e-5, "avg backward " + p);
        }
    }

    @Test
    void maxPoolNaNRuleMatches() {
        PoolGeom p = new PoolGeom(1, 4, 4, 2, 2, 2, 2, 0, 0);
        float[] x = {1, Float.NaN, 2, 3, Float.NaN, 0, 5, 5, 1, 2, 3, 4, 9, 9, 9, 9};
        double[] ref = new double[4];
        int[] refArg = new int[4];
        Pool2dCpu.maxForward(p, d(x), ref, refArg);
        float[] y = new float[4];
        int[] arg = new int[4];
        Pool2dSimd.maxForward(p, x, y, arg);
        assertExact(ref, y, "NaN max");
        assertArrayEquals(refArg, arg);
    }
}
