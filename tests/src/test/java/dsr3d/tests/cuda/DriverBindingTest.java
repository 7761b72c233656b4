package dsr3d.tests.cuda;

import static org.junit.jupiter.api.Assertions.*;

import dsr3d.cuda.CudaAllocator;
import dsr3d.cuda.CudaStorage;
import dsr3d.cuda.driver.Cublas;
import dsr3d.cuda.driver.CudaDriver;
import dsr3d.cuda.driver.CudaEvent;
import dsr3d.cuda.driver.CudaException;
import dsr3d.cuda.driver.CudaFunction;
import dsr3d.cuda.driver.CudaModule;
import dsr3d.cuda.driver.Cudnn;
import dsr3d.cuda.driver.HostTransfer;
import dsr3d.cuda.driver.KernelArgs;
import dsr3d.tensor.DType;
import dsr3d.tensor.backend.ConvGeom;
import dsr3d.tensor.cpu.Conv2dCpu;
import dsr3d.tensor.cpu.MatMulCpu;
import dsr3d.tests.cuda.support.FakeOwner;
import dsr3d.tests.cuda.support.Gpu;
import dsr3d.tests.cuda.support.TestKernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The FFM bindings against a real GPU: device query, memory round trips, a hand-written PTX
 * kernel, cuBLAS SGEMM and cuDNN (grouped) convolutions against the double-precision CPU
 * reference. Tagged gpu; skipped with the reason where there is no usable GPU.
 */
@Gpu.Test
class DriverBindingTest {
    private static final Random RND = new Random(20261128);

    @Test
    void deviceQuery() {
        CudaDriver d = CudaDriver.get();
        System.out.println("[gpu] " + d.describe());
        assertFalse(d.deviceName().isBlank());
        assertTrue(d.computeCapability() >= 50, "compute capability " + d.computeCapability());
        assertTrue(d.totalMemory() > (1L << 30), "total memory " + d.totalMemory());
        assertTrue(d.driverVersion() >= 12000, "driver " + d.driverVersion());
        long[] info = d.memoryInfo();
        assertTrue(info[0] > 0 && info[0] <= info[1] && info[1] == d.totalMemory(), java.util.Arrays.toString(info));
        assertNotEquals(0, d.stream());
        assertEquals("", CudaDriver.unavailableReason());
    }

    /** Spans several 4 MiB staging chunks with an odd length, through every copy path. */
    @Test
    void memoryRoundTrips() {
        CudaDriver d = CudaDriver.get();
        int n = 2_500_001; // ~10 MB: three staging chunks, last one partial
        float[] host = gaussian(n);
        long a = d.malloc(4L * n), b = d.malloc(4L * n);
        try {
            HostTransfer.get().upload(host, a);
            d.copyDtoD(b, a, 4L * n);
            float[] back = new float[n];
            HostTransfer.get().download(b, back);
            assertArrayEquals(host, back);

            // native segments through copyHtoD / copyDtoH, at an offset
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment src = arena.allocate(ValueLayout.JAVA_INT, 1000);
                for (int i = 0; i < 1000; i++) src.setAtIndex(ValueLayout.JAVA_INT, i, i * 7 - 3);
                d.copyHtoD(a + 4000, src, 4000);
                MemorySegment dst = arena.allocate(ValueLayout.JAVA_INT, 1000);
                d.copyDtoH(dst, a + 4000, 4000);
                assertArrayEquals(src.toArray(ValueLayout.JAVA_INT), dst.toArray(ValueLayout.JAVA_INT));
            }

            d.memsetD32(b, Float.floatToRawIntBits(1.5f), n - 1);
            float[] set = Gpu.download(b, n);
            for (int i = 0; i < n - 1; i++) assertEquals(1.5f, set[i], "memset element " + i);
            assertEquals(host[n - 1], set[n - 1], "memset must stop at count");
        } finally {
            Gpu.free(a, b);
        }
    }

    @Test
    void handWrittenPtxKernelsRun() {
        CudaDriver d = CudaDriver.get();
        CudaModule m = d.loadModule(TestKernels.PTX.getBytes(StandardCharsets.US_ASCII));
        CudaFunction saxpy = d.function(m, "dsr3d_test_saxpy");
        CudaFunction iota = d.function(m, "dsr3d_test_iota_i64");
        CudaException missing = assertThrows(CudaException.class, () -> d.function(m, "dsr3d_no_such_kernel"));
        assertTrue(missing.getMessage().contains("dsr3d_no_such_kernel"), missing.getMessage());

        int n = 100_003;
        float[] x = gaussian(n), y = gaussian(n);
        long dx = Gpu.upload(x), dy = Gpu.upload(y), dl = d.malloc(8L * n);
        try {
            int block = 256, grid = (n + block - 1) / block;
            CudaEvent t0 = d.record();
            d.launch(saxpy, grid, 1, 1, block, 1, 1, 0, KernelArgs.of().ptr(dx).ptr(dy).f32(-2.25f).i32(n));
            CudaEvent t1 = d.record();
            float[] out = Gpu.download(dy, n);
            for (int i = 0; i < n; i++) assertEquals(Math.fma(-2.25f, x[i], y[i]), out[i], "saxpy element " + i);
            assertTrue(d.elapsedMs(t0, t1) >= 0);

            long base = (1L << 40) + 17;
            d.launch(iota, grid, 1, 1, block, 1, 1, 0, KernelArgs.of().ptr(dl).i64(base).i32(n));
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment h = arena.allocate(8L * n, 8);
                d.copyDtoH(h, dl, 8L * n);
                for (int i = 0; i < n; i += 997) assertEquals(base + i, h.getAtIndex(ValueLayout.JAVA_LONG, i));
                assertEquals(base + n - 1, h.getAtIndex(ValueLayout.JAVA_LONG, n - 1));
            }
            d.synchronize();
        } finally {
            Gpu.free(dx, dy, dl);
            d.unload(m);
        }
    }

    @Test
    void allocatorReusesRealDeviceBlocks() {
        CudaAllocator alloc = new CudaAllocator(CudaDriver.get());
        CudaStorage s = alloc.allocateZeroed(FakeOwner.backend(), DType.F32, 3001);
        float[] zeros = Gpu.download(s.devicePointer(), 3001);
        for (float v : zeros) assertEquals(0f, v);
        long p = s.devicePointer();
        alloc.release(s);
        CudaStorage t = alloc.allocate(FakeOwner.backend(), DType.I32, 3000);
        assertEquals(p, t.devicePointer());
        alloc.release(t);
        alloc.emptyCache();
        assertEquals(0, alloc.stats().cachedBytes());
    }

    /** All four transpose combinations on sizes that are not multiples of any tile, plus accumulate. */
    @Test
    void cublasSgemmMatchesTheCpuReference() {
        Cublas blas = Cublas.get();
        int m = 67, n = 45, k = 131;
        for (boolean ta : new boolean[] {false, true})
            for (boolean tb : new boolean[] {false, true}) {
                float[] a = gaussian(m * k), b = gaussian(k * n), c0 = gaussian(m * n);
                double[] ref = new double[m * n];
                MatMulCpu.matmul(ta, tb, 1, m, n, k, d(a), 0, d(b), 0, ref);
                assertNonTrivial(ref);
                long da = Gpu.upload(a), db = Gpu.upload(b), dc = Gpu.upload(c0);
                try {
                    blas.sgemmRowMajor(ta, tb, m, n, k, da, db, dc, false, false);
                    assertClose(ref, Gpu.download(dc, m * n), 1e-5, "sgemm ta=" + ta + " tb=" + tb);
                    blas.sgemmRowMajor(ta, tb, m, n, k, da, db, dc, true, false); // C = 2 * ref
                    double[] twice = ref.clone();
                    for (int i = 0; i < twice.length; i++) twice[i] *= 2;
                    assertClose(twice, Gpu.download(dc, m * n), 1e-5, "sgemm accumulate ta=" + ta + " tb=" + tb);
                    blas.sgemmRowMajor(ta, tb, m, n, k, da, db, dc, false, true);
                    assertClose(ref, Gpu.download(dc, m * n), 5e-3, "sgemm tf32 ta=" + ta + " tb=" + tb);
                } finally {
                    Gpu.free(da, db, dc);
                }
            }
    }

    @Test
    void cublasStridedBatchedWithSharedOperand() {
        Cublas blas = Cublas.get();
        int batch = 5, m = 19, n = 33, k = 7;
        float[] a = gaussian(batch * m * k), b = gaussian(n * k); // B shared (stride 0), transposed
        double[] ref = new double[batch * m * n];
        MatMulCpu.matmul(false, true, batch, m, n, k, d(a), m * k, d(b), 0, ref);
        assertNonTrivial(ref);
        long da = Gpu.upload(a), db = Gpu.upload(b), dc = CudaDriver.get().malloc(4L * batch * m * n);
        try {
            blas.sgemmStridedBatchedRowMajor(false, true, batch, m, n, k, da, (long) m * k, db, 0, dc, (long) m * n, false);
            assertClose(ref, Gpu.download(dc, batch * m * n), 1e-5, "strided batched");
        } finally {
            Gpu.free(da, db, dc);
        }
    }

    /** Grouped, strided, padded, 1x1 and 4x4 geometries; forward and both backward passes. */
    @Test
    void cudnnConvolutionsMatchTheCpuReference() {
        Cudnn dnn = Cudnn.get();
        System.out.println("[gpu] cuDNN version " + dnn.version());
        ConvGeom[] geoms = {
                new ConvGeom(2, 6, 11, 9, 8, 3, 3, 1, 1, 1, 1, 2),   // groups 2, odd sizes
                new ConvGeom(3, 8, 13, 13, 8, 3, 3, 2, 2, 1, 1, 8),  // depthwise, stride 2
                new ConvGeom(2, 5, 7, 10, 3, 1, 1, 1, 1, 0, 0, 1),   // 1x1
                new ConvGeom(1, 4, 16, 16, 6, 4, 4, 2, 2, 1, 1, 2),  // 4x4 stride 2, groups 2
        };
        for (ConvGeom g : geoms)
            for (boolean tf32 : new boolean[] {false, true}) {
                double tol = tf32 ? 5e-3 : 1e-5;
                float[] x = gaussian(g.inputSize()), w = gaussian(g.weightSize()), dy = gaussian(g.outputSize());
                double[] y = new double[g.outputSize()], dx = new double[g.inputSize()], dw = new double[g.weightSize()];
                Conv2dCpu.forward(g, d(x), d(w), null, y);
                Conv2dCpu.backwardInput(g, d(dy), d(w), dx);
                Conv2dCpu.backwardWeight(g, d(x), d(dy), dw);
                assertNonTrivial(y);
                long px = Gpu.upload(x), pw = Gpu.upload(w), pdy = Gpu.upload(dy);
                long py = CudaDriver.get().malloc(4L * y.length), pdx = CudaDriver.get().malloc(4L * dx.length),
                        pdw = CudaDriver.get().malloc(4L * dw.length);
                try {
                    dnn.convForward(g, px, pw, py, tf32);
                    assertClose(y, Gpu.download(py, y.length), tol, "forward " + g + " tf32=" + tf32);
                    dnn.convBackwardData(g, pdy, pw, pdx, tf32);
                    assertClose(dx, Gpu.download(pdx, dx.length), tol, "backward data " + g + " tf32=" + tf32);
                    dnn.convBackwardFilter(g, px, pdy, pdw, tf32);
                    assertClose(dw, Gpu.download(pdw, dw.length), tol, "backward filter " + g + " tf32=" + tf32);
                    System.out.println("[gpu] " + g + " tf32=" + tf32 + " fwd " + dnn.choice(Cudnn.Direction.FORWARD, g, tf32));
                } finally {
                    Gpu.free(px, pw, pdy, py, pdx, pdw);
                }
            }
    }

    // ---- helpers ----------------------------------------------------------------------------
    private static float[] gaussian(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) RND.nextGaussian();
        return a;
    }

    private static double[] d(float[] a) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) r[i] = a[i];
        return r;
    }

    private static void assertNonTrivial(double[] ref) {
        boolean varies = false;
        for (int i = 1; i < ref.length && !varies; i++) varies = ref[i] != ref[0];
        assertTrue(varies, "reference output is constant: the comparison would prove nothing");
    }

    /** |got - ref| <= tol * max|ref| for every element (a scale-relative bound, as for GEMM error). */
    private static void assertClose(double[] ref, float[] got, double tol, String what) {
        assertEquals(ref.length, got.length, what + ": length");
        double scale = 0;
        for (double v : ref) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < ref.length; i++)
            if (!(Math.abs(got[i] - ref[i]) <= tol * scale))
                fail(what + ": element " + i + " is " + got[i] + ", reference " + ref[i] + " (tolerance " + tol * scale + ")");
    }
}
