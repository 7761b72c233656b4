package dsr3d.tests.cuda;

import static org.junit.jupiter.api.Assertions.*;

import dsr3d.cuda.CudaAllocator;
import dsr3d.cuda.CudaStorage;
import dsr3d.cuda.driver.CudaDriver;
import dsr3d.cuda.driver.CudaEvent;
import dsr3d.cuda.driver.CudaException;
import dsr3d.cuda.driver.CudaFunction;
import dsr3d.cuda.driver.CudaModule;
import dsr3d.cuda.driver.HostTransfer;
import dsr3d.cuda.driver.KernelArgs;
import dsr3d.tensor.DType;
import dsr3d.tests.cuda.support.FakeLibcuda;
import dsr3d.tests.cuda.support.FakeOwner;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CudaDriver's FFM plumbing against a stub libcuda.so.1 (see {@link FakeLibcuda}) compiled here
 * against NVIDIA's cuda.h: symbol names (the _v2 entry points), argument order and types,
 * out-parameters, the kernelParams array, the stream on every call, error strings. The stub runs
 * "device" memory and two kernels on the host, so results can be checked. No GPU needed; the
 * instance is separate from CudaDriver.get(), so the rest of the suite still sees no GPU.
 */
class FakeLibcudaTest {
    @TempDir
    static Path dir;
    static CudaDriver d;

    @BeforeAll
    static void buildStub() throws Exception {
        String why = FakeLibcuda.unavailableReason();
        Assumptions.assumeTrue(why == null, () -> "cannot build the stub libcuda: " + why);
        d = CudaDriver.load(FakeLibcuda.build(dir));
    }

    @Test
    void deviceFactsComeThroughTheOutParameters() {
        assertEquals("Fake H200 (stub libcuda)", d.deviceName());
        assertEquals(90, d.computeCapability());
        assertEquals(141L << 30, d.totalMemory());
        assertEquals(13000, d.driverVersion());
        assertEquals(0x5678, d.stream());
        assertArrayEquals(new long[] {100L << 30, 141L << 30}, d.memoryInfo());
        assertTrue(d.describe().contains("sm_90") && d.describe().contains("driver 13.0"), d.describe());
        assertFalse(CudaDriver.available() && CudaDriver.get() == d, "the stub must not become the process driver");
    }

    @Test
    void copiesAcrossStagingChunksAndMemset() {
        int n = 2_500_001; // three 4 MiB chunks, the last partial
        float[] host = new float[n];
        Random rnd = new Random(7);
        for (int i = 0; i < n; i++) host[i] = (float) rnd.nextGaussian();
        HostTransfer t = HostTransfer.create(d);
        long a = d.malloc(4L * n), b = d.malloc(4L * n);
        try {
            t.upload(host, a);
            d.copyDtoD(b, a, 4L * n);
            float[] back = new float[n];
            t.download(b, back);
            assertArrayEquals(host, back);
            d.memsetD32(b + 4, Float.floatToRawIntBits(-3f), 2);
            float[] head = new float[4];
            t.download(b, MemorySegment.ofArray(head));
            assertArrayEquals(new float[] {host[0], -3f, -3f, host[3]}, head);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment src = arena.allocateFrom(ValueLayout.JAVA_INT, 5, 6, 7), dst = arena.allocate(12);
                d.copyHtoD(a, src, 12);
                d.copyDtoH(dst, a, 12);
                assertArrayEquals(new int[] {5, 6, 7}, dst.toArray(ValueLayout.JAVA_INT));
                assertThrows(IllegalArgumentException.class, () -> d.copyHtoD(a, MemorySegment.ofArray(new int[3]), 12),
                        "heap segments must go through HostTransfer");
            }
        } finally {
            d.free(a);
            d.free(b);
        }
    }

    @Test
    void kernelParametersArriveInOrder() {
        CudaModule m = d.loadModule("//fake module\n".getBytes(StandardCharsets.US_ASCII));
        CudaFunction saxpy = d.function(m, "saxpy"), iota = d.function(m, "iota");
        int n = 1000;
        float[] x = new float[n], y = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = i * 0.5f;
            y[i] = 1000 - i;
        }
        HostTransfer t = HostTransfer.create(d);
        long px = d.malloc(4L * n), py = d.malloc(4L * n), pl = d.malloc(8L * n);
        try {
            t.upload(x, px);
            t.upload(y, py);
            CudaEvent e0 = d.record();
            d.launch(saxpy, 4, 1, 1, 256, 1, 1, 0, KernelArgs.of().ptr(px).ptr(py).f32(3f).i32(n));
            CudaEvent e1 = d.record();
            float[] out = new float[n];
            t.download(py, out);
            for (int i = 0; i < n; i++) assertEquals(3f * x[i] + y[i], out[i], "saxpy element " + i);
            assertEquals(1.5f, d.elapsedMs(e0, e1));
            d.destroy(e0);
            d.destroy(e1);

            long base = (1L << 42) + 3;
            d.launch(iota, 1, 1, 1, n, 1, 1, 0, KernelArgs.of().ptr(pl).i64(base).i32(n));
            long[] longs = new long[n];
            t.download(pl, MemorySegment.ofArray(longs));
            for (int i = 0; i < n; i++) assertEquals(base + i, longs[i]);
        } finally {
            d.free(px);
            d.free(py);
            d.free(pl);
        }
        d.unload(m);
    }

    @Test
    void errorsNameTheFunctionTheKernelAndTheDriversString() {
        CudaException bad = assertThrows(CudaException.class, () -> d.loadModule(new byte[] {1, 2, 3}));
        assertEquals("cuModuleLoadData", bad.function());
        assertTrue(bad.getMessage().contains("CUDA_ERROR_INVALID_IMAGE (200): device kernel image is invalid (fake)"),
                bad.getMessage());

        CudaModule m = d.loadModule("//fake\n".getBytes(StandardCharsets.US_ASCII));
        CudaException missing = assertThrows(CudaException.class, () -> d.function(m, "no_such_kernel"));
        assertEquals("cuModuleGetFunction(kernel 'no_such_kernel') failed: CUDA_ERROR_NOT_FOUND (500): named symbol not found (fake)",
                missing.getMessage());

        CudaException oom = assertThrows(CudaException.class, () -> d.malloc(1L << 41));
        assertTrue(oom.isOutOfMemory(), oom.getMessage());

        // a code without a driver string still gets its header name
        CudaFunction wrong = new CudaFunction(99, "ghost");
        CudaException launch = assertThrows(CudaException.class,
                () -> d.launch(wrong, 1, 1, 1, 1, 1, 1, 0, KernelArgs.of()));
        assertTrue(launch.getMessage().startsWith("cuLaunchKernel(ghost grid 1x1x1 block 1x1x1"), launch.getMessage());
        assertTrue(launch.getMessage().contains("CUDA_ERROR_INVALID_HANDLE (400)"), launch.getMessage());

        IllegalArgumentException grid = assertThrows(IllegalArgumentException.class,
                () -> d.launch(wrong, 0, 1, 1, 1, 1, 1, 0, KernelArgs.of()));
        assertTrue(grid.getMessage().contains("ghost"), grid.getMessage());
    }

    /** The other thread must get the context made current before its first call (the stub checks). */
    @Test
    void otherThreadsWork() throws Exception {
        long[] p = new long[1];
        Thread th = new Thread(() -> p[0] = d.malloc(1024));
        th.start();
        th.join();
        assertNotEquals(0, p[0]);
        d.free(p[0]);
    }

    @Test
    void allocatorOnTheStubDriver() {
        CudaAllocator alloc = new CudaAllocator(d);
        CudaStorage s = alloc.allocateZeroed(FakeOwner.backend(), DType.F64, 100);
        double[] v = new double[100];
        HostTransfer.create(d).download(s.devicePointer(), v);
        for (double x : v) assertEquals(0.0, x);
        long ptr = s.devicePointer();
        alloc.release(s);
        assertEquals(ptr, alloc.allocate(FakeOwner.backend(), DType.F32, 200).devicePointer());
        alloc.emptyCache();
    }
}
