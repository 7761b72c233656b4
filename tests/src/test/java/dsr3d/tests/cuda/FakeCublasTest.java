package dsr3d.tests.cuda;

import static org.junit.jupiter.api.Assertions.*;

import dsr3d.cuda.driver.Cublas;
import dsr3d.cuda.driver.CudaDriver;
import dsr3d.cuda.driver.CudaException;
import dsr3d.cuda.driver.HostTransfer;
import dsr3d.tensor.cpu.MatMulCpu;
import dsr3d.tests.cuda.support.FakeLibcublas;
import dsr3d.tests.cuda.support.FakeLibcuda;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cublas's row-major convenience (operand swap, leading dimensions, batch strides, accumulate)
 * against the double-precision CPU reference, through stub libcuda and libcublas that implement
 * plain column-major BLAS on the host (see {@link FakeLibcublas}). No GPU needed.
 */
class FakeCublasTest {
    @TempDir
    static Path dir;
    static CudaDriver d;
    static Cublas blas;
    static HostTransfer t;

    @BeforeAll
    static void build() throws Exception {
        String why = FakeLibcuda.unavailableReason();
        Assumptions.assumeTrue(why == null, () -> "cannot build the stub libraries: " + why);
        d = CudaDriver.load(FakeLibcuda.build(dir));
        blas = Cublas.load(d, FakeLibcublas.build(dir));
        t = HostTransfer.create(d);
    }

    @Test
    void rowMajorSgemmAllTransposesAndAccumulate() {
        Random rnd = new Random(11);
        int m = 7, n = 5, k = 9; // all different, so any swapped dimension or ld is caught
        for (boolean ta : new boolean[] {false, true})
            for (boolean tb : new boolean[] {false, true}) {
                float[] a = gaussian(rnd, m * k), b = gaussian(rnd, k * n);
                double[] ref = new double[m * n];
                MatMulCpu.matmul(ta, tb, 1, m, n, k, d(a), 0, d(b), 0, ref);
                long pa = up(a), pb = up(b), pc = up(gaussian(rnd, m * n));
                blas.sgemmRowMajor(ta, tb, m, n, k, pa, pb, pc, false, false);
                assertClose(ref, down(pc, m * n), "ta=" + ta + " tb=" + tb);
                blas.sgemmRowMajor(ta, tb, m, n, k, pa, pb, pc, true, true);
                for (int i = 0; i < ref.length; i++) ref[i] *= 2;
                assertClose(ref, down(pc, m * n), "accumulate ta=" + ta + " tb=" + tb);
                d.free(pa);
                d.free(pb);
                d.free(pc);
            }
    }

    @Test
    void stridedBatchedWithASharedOperand() {
        Random rnd = new Random(12);
        int batch = 3, m = 4, n = 6, k = 5;
        float[] a = gaussian(rnd, m * k), b = gaussian(rnd, batch * n * k); // A shared, B transposed per batch
        double[] ref = new double[batch * m * n];
        MatMulCpu.matmul(true, true, batch, m, n, k, d(a), 0, d(b), n * k, ref);
        long pa = up(a), pb = up(b), pc = d.malloc(4L * batch * m * n);
        blas.sgemmStridedBatchedRowMajor(true, true, batch, m, n, k, pa, 0, pb, (long) n * k, pc, (long) m * n, false);
        assertClose(ref, down(pc, batch * m * n), "strided batched");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> blas.sgemmStridedBatchedRowMajor(false, false, 2, m, n, k, pa, 0, pb, 0, pc, 1, false));
        assertTrue(e.getMessage().contains("strideC"), e.getMessage());
        d.free(pa);
        d.free(pb);
        d.free(pc);
    }

    @Test
    void statusErrorsNameTheCallAndTheLibrarysString() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> blas.sgemmRowMajor(false, false, 0, 1, 1, 0, 0, 0, false, false));
        assertTrue(e.getMessage().contains("m=0"), e.getMessage());
        // the stub answers CUBLAS_STATUS_INVALID_VALUE for null operands
        CudaException x = assertThrows(CudaException.class, () -> blas.sgemmStridedBatchedRowMajor(false, false, 1,
                3, 2, 1, 0, 0, 0, 0, 0, 6, false));
        assertEquals(CudaException.Library.CUBLAS, x.library());
        assertTrue(x.getMessage().startsWith("cublasSgemmStridedBatched(batch=1"), x.getMessage());
        assertTrue(x.getMessage().contains("CUBLAS_STATUS_INVALID_VALUE (7): the requested functionality is not supported or invalid (fake)"),
                x.getMessage());
    }

    private static long up(float[] a) {
        long p = d.malloc(4L * a.length);
        t.upload(a, p);
        return p;
    }

    private static float[] down(long p, int n) {
        float[] r = new float[n];
        t.download(p, r);
        return r;
    }

    private static float[] gaussian(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextGaussian();
        return a;
    }

    private static double[] d(float[] a) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) r[i] = a[i];
        return r;
    }

    private static void assertClose(double[] ref, float[] got, String what) {
        double scale = 0;
        for (double v : ref) scale = Math.max(scale, Math.abs(v));
        assertTrue(scale > 0, what + ": reference is all zero");
        for (int i = 0; i < ref.length; i++)
            assertEquals(ref[i], got[i], 1e-5 * scale, what + ": element " + i);
    }
}
