package dsr3d.cuda.driver;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The CUDA driver API (libcuda.so.1) through FFM downcalls; the only class that calls libcuda.
 *
 * <p>One process-wide instance, created on first use: cuInit, the primary context of device 0
 * (or {@code -Ddsr3d.cuda.device=N}) and one stream on which every copy, memset and launch is
 * queued. With a single stream, work runs in the order it was queued, so a device buffer may be
 * reused as soon as the host has queued its last use (the caching allocator relies on that).
 * The context is made current lazily on every thread that calls in.
 *
 * <p>Handles (CUdeviceptr, CUstream, CUmodule, CUfunction, CUevent) travel as Java longs;
 * on the x86-64 and AArch64 Linux ABIs a pointer argument and a 64-bit integer argument are
 * passed the same way. Real host pointers (out-parameters, strings, host buffers) are
 * MemorySegments.
 *
 * <p>Errors: any CUresult other than CUDA_SUCCESS becomes a {@link CudaException} naming the
 * function, its main arguments and cuGetErrorName/cuGetErrorString. A machine without a usable
 * GPU gets {@link CudaUnavailableException} from {@link #get()}, with the reason; {@link #available()}
 * never throws.
 */
public final class CudaDriver implements DeviceMemory {
    private static final int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75;
    private static final int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;
    private static final int CU_EVENT_DEFAULT = 0;
    private static final int CU_EVENT_DISABLE_TIMING = 2;
    private static final int CU_STREAM_DEFAULT = 0;

    // ---- lazily created singleton -----------------------------------------------------------
    private static final OnceOrReason<CudaDriver> ONCE =
            new OnceOrReason<>("CUDA", () -> new CudaDriver(NativeLibrary.open("libcuda.so.1")));

    /** The driver, initialised on first call; throws CudaUnavailableException (same reason every time). */
    public static CudaDriver get() { return ONCE.get(); }

    /** Whether {@link #get()} succeeds; never throws. */
    public static boolean available() { return ONCE.available(); }

    /** Why the GPU cannot be used here; "" when {@link #available()}. */
    public static String unavailableReason() { return ONCE.reason(); }

    // ---- bound functions --------------------------------------------------------------------
    private final NativeLibrary lib;
    private final MethodHandle cuGetErrorString;
    private final MethodHandle cuCtxSetCurrent;
    private final MethodHandle cuMemAlloc, cuMemFree, cuMemGetInfo, cuMemHostAlloc, cuMemFreeHost;
    private final MethodHandle cuMemsetD32Async, cuMemcpyHtoDAsync, cuMemcpyDtoHAsync, cuMemcpyDtoDAsync;
    private final MethodHandle cuModuleLoadData, cuModuleGetFunction, cuModuleUnload;
    private final MethodHandle cuLaunchKernel, cuStreamSynchronize;
    private final MethodHandle cuEventCreate, cuEventRecord, cuEventSynchronize, cuEventElapsedTime, cuEventDestroy;

    private final int ordinal;
    private final long context;
    private final long stream;
    private final String deviceName;
    private final int computeCapability;
    private final long totalMemory;
    private final int driverVersion;
    private final ThreadLocal<Boolean> contextCurrent = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private final List<Runnable> memoryRelievers = new CopyOnWriteArrayList<>();

    /**
     * A separate driver instance on an explicit library file, independent of {@link #get()}: for
     * tests against a stub libcuda (FakeLibcudaTest) and for tools that must pick one driver.
     * Throws CudaUnavailableException when it cannot be loaded or initialised.
     */
    public static CudaDriver load(java.nio.file.Path libcuda) {
        try {
            return new CudaDriver(NativeLibrary.openFile(libcuda));
        } catch (CudaException e) {
            throw new CudaUnavailableException("CUDA initialisation failed: " + e.getMessage(), e);
        }
    }

    private CudaDriver(NativeLibrary lib) {
        this.lib = lib;
        FunctionDescriptor i_i = FunctionDescriptor.of(JAVA_INT, JAVA_INT);
        FunctionDescriptor i_p = FunctionDescriptor.of(JAVA_INT, ADDRESS);
        FunctionDescriptor i_l = FunctionDescriptor.of(JAVA_INT, JAVA_LONG);
        cuGetErrorString = lib.bind("cuGetErrorString", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        MethodHandle cuInit = lib.bind("cuInit", i_i);
        MethodHandle cuDriverGetVersion = lib.bind("cuDriverGetVersion", i_p);
        MethodHandle cuDeviceGetCount = lib.bind("cuDeviceGetCount", i_p);
        MethodHandle cuDeviceGet = lib.bind("cuDeviceGet", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        MethodHandle cuDeviceGetName = lib.bind("cuDeviceGetName", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        MethodHandle cuDeviceGetAttribute = lib.bind("cuDeviceGetAttribute", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        MethodHandle cuDeviceTotalMem = lib.bind("cuDeviceTotalMem_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        MethodHandle cuDevicePrimaryCtxRetain = lib.bind("cuDevicePrimaryCtxRetain", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        MethodHandle cuStreamCreate = lib.bind("cuStreamCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuCtxSetCurrent = lib.bind("cuCtxSetCurrent", i_l);
        cuMemAlloc = lib.bind("cuMemAlloc_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        cuMemFree = lib.bind("cuMemFree_v2", i_l);
        cuMemGetInfo = lib.bind("cuMemGetInfo_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        cuMemHostAlloc = lib.bind("cuMemHostAlloc", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
        cuMemFreeHost = lib.bind("cuMemFreeHost", i_p);
        cuMemsetD32Async = lib.bind("cuMemsetD32Async", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
        cuMemcpyHtoDAsync = lib.bind("cuMemcpyHtoDAsync_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG));
        cuMemcpyDtoHAsync = lib.bind("cuMemcpyDtoHAsync_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG));
        cuMemcpyDtoDAsync = lib.bind("cuMemcpyDtoDAsync_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
        cuModuleLoadData = lib.bind("cuModuleLoadData", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        cuModuleGetFunction = lib.bind("cuModuleGetFunction", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS));
        cuModuleUnload = lib.bind("cuModuleUnload", i_l);
        // CUresult cuLaunchKernel(f, gx, gy, gz, bx, by, bz, sharedMemBytes, hStream, void** kernelParams, void** extra)
        cuLaunchKernel = lib.bind("cuLaunchKernel", FunctionDescriptor.of(JAVA_INT, JAVA_LONG,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS));
        cuStreamSynchronize = lib.bind("cuStreamSynchronize", i_l);
        cuEventCreate = lib.bind("cuEventCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuEventRecord = lib.bind("cuEventRecord", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
        cuEventSynchronize = lib.bind("cuEventSynchronize", i_l);
        cuEventElapsedTime = lib.bindFirst(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG),
                "cuEventElapsedTime_v2", "cuEventElapsedTime");
        cuEventDestroy = lib.bindFirst(i_l, "cuEventDestroy_v2", "cuEventDestroy");

        try (Arena a = Arena.ofConfined()) {
            int rc = (int) cuInit.invokeExact(0);
            if (rc != 0) throw new CudaUnavailableException("cuInit failed: " + describe(rc)
                    + " (libcuda.so.1 from " + lib.origin() + ")");
            MemorySegment i = a.allocate(JAVA_INT);
            check("cuDriverGetVersion", "", (int) cuDriverGetVersion.invokeExact(i));
            driverVersion = i.get(JAVA_INT, 0);
            check("cuDeviceGetCount", "", (int) cuDeviceGetCount.invokeExact(i));
            int count = i.get(JAVA_INT, 0);
            if (count == 0) throw new CudaUnavailableException("libcuda.so.1 loaded but no CUDA device is visible");
            int wanted = dsr3d.tensor.Config.CUDA_DEVICE;
            if (wanted < 0 || wanted >= count)
                throw new CudaUnavailableException("-Ddsr3d.cuda.device=" + wanted + " but only " + count + " device(s)");
            check("cuDeviceGet", "ordinal=" + wanted, (int) cuDeviceGet.invokeExact(i, wanted));
            ordinal = i.get(JAVA_INT, 0);
            MemorySegment name = a.allocate(256);
            check("cuDeviceGetName", "", (int) cuDeviceGetName.invokeExact(name, 256, ordinal));
            deviceName = name.getString(0);
            check("cuDeviceGetAttribute", "CC major", (int) cuDeviceGetAttribute.invokeExact(i, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, ordinal));
            int major = i.get(JAVA_INT, 0);
            check("cuDeviceGetAttribute", "CC minor", (int) cuDeviceGetAttribute.invokeExact(i, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, ordinal));
            computeCapability = major * 10 + i.get(JAVA_INT, 0);
            MemorySegment l = a.allocate(JAVA_LONG);
            check("cuDeviceTotalMem_v2", "", (int) cuDeviceTotalMem.invokeExact(l, ordinal));
            totalMemory = l.get(JAVA_LONG, 0);
            MemorySegment p = a.allocate(ADDRESS);
            check("cuDevicePrimaryCtxRetain", "device " + ordinal, (int) cuDevicePrimaryCtxRetain.invokeExact(p, ordinal));
            context = p.get(JAVA_LONG, 0);
            ensureContext();
            check("cuStreamCreate", "", (int) cuStreamCreate.invokeExact(p, CU_STREAM_DEFAULT));
            stream = p.get(JAVA_LONG, 0);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    // ---- device facts -----------------------------------------------------------------------
    public String deviceName() { return deviceName; }

    /** 10 * major + minor, e.g. 90 for an H100/H200. */
    public int computeCapability() { return computeCapability; }

    public long totalMemory() { return totalMemory; }

    /** E.g. 13000 for CUDA 13.0. */
    public int driverVersion() { return driverVersion; }

    public int deviceOrdinal() { return ordinal; }

    /** The CUstream every operation is queued on (cuBLAS / cuDNN are set to it). */
    public long stream() { return stream; }

    /** One line for logs and reports. */
    public String describe() {
        return deviceName + " (sm_" + computeCapability + ", " + (totalMemory >> 20) + " MiB, driver "
                + driverVersion / 1000 + "." + (driverVersion % 1000) / 10 + ", libcuda from " + lib.origin() + ")";
    }

    /** {free, total} device memory in bytes (cuMemGetInfo_v2). */
    public long[] memoryInfo() {
        ensureContext();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment free = a.allocate(JAVA_LONG), total = a.allocate(JAVA_LONG);
            check("cuMemGetInfo_v2", "", call(() -> (int) cuMemGetInfo.invokeExact(free, total)));
            return new long[] {free.get(JAVA_LONG, 0), total.get(JAVA_LONG, 0)};
        }
    }

    // ---- modules and launches ---------------------------------------------------------------
    /** cuModuleLoadData on a fatbin, cubin or NUL-terminated PTX image. */
    public CudaModule loadModule(byte[] fatbinOrPtx) {
        if (fatbinOrPtx == null || fatbinOrPtx.length == 0)
            throw new IllegalArgumentException("fatbinOrPtx: expected a non-empty module image");
        ensureContext();
        try (Arena a = Arena.ofConfined()) {
            // one extra zero byte: PTX text must be NUL-terminated; harmless after a fatbin
            MemorySegment image = a.allocate(fatbinOrPtx.length + 1L, 16);
            MemorySegment.copy(fatbinOrPtx, 0, image, JAVA_BYTE_LAYOUT, 0, fatbinOrPtx.length);
            MemorySegment out = a.allocate(ADDRESS);
            int rc = call(() -> (int) cuModuleLoadData.invokeExact(out, image));
            if (rc == 222 || rc == 209 || rc == 218)
                check("cuModuleLoadData", fatbinOrPtx.length + " bytes; the image has no code for sm_" + computeCapability
                        + " or needs a newer driver than " + driverVersion, rc);
            check("cuModuleLoadData", fatbinOrPtx.length + " bytes", rc);
            return new CudaModule(out.get(JAVA_LONG, 0));
        }
    }

    public void unload(CudaModule m) {
        ensureContext();
        check("cuModuleUnload", "", call(() -> (int) cuModuleUnload.invokeExact(m.handle())));
    }

    /** The kernel {@code name} (its extern "C" name) of module m; the error names the kernel. */
    public CudaFunction function(CudaModule m, String name) {
        ensureContext();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            MemorySegment cname = a.allocateFrom(name);
            check("cuModuleGetFunction", "kernel '" + name + "'",
                    call(() -> (int) cuModuleGetFunction.invokeExact(out, m.handle(), cname)));
            return new CudaFunction(out.get(JAVA_LONG, 0), name);
        }
    }

    /** Queues f on the stream with grid (gx,gy,gz) of blocks (bx,by,bz). Does not wait. */
    public void launch(CudaFunction f, int gx, int gy, int gz, int bx, int by, int bz, int sharedBytes, KernelArgs args) {
        if (gx < 1 || gy < 1 || gz < 1 || bx < 1 || by < 1 || bz < 1 || sharedBytes < 0)
            throw new IllegalArgumentException("launch of " + f.name() + ": grid " + gx + "x" + gy + "x" + gz
                    + ", block " + bx + "x" + by + "x" + bz + ", shared " + sharedBytes + " bytes: expected all >= 1 (shared >= 0)");
        ensureContext();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment params = args.toPointerArray(a);
            int rc = call(() -> (int) cuLaunchKernel.invokeExact(f.handle(), gx, gy, gz, bx, by, bz, sharedBytes, stream,
                    params, MemorySegment.NULL));
            if (rc != 0) check("cuLaunchKernel", f.name() + " grid " + gx + "x" + gy + "x" + gz + " block "
                    + bx + "x" + by + "x" + bz + " shared " + sharedBytes + " " + args, rc);
        }
    }

    /** Waits for everything queued on the stream; reports asynchronous kernel errors too. */
    @Override
    public void synchronize() {
        ensureContext();
        check("cuStreamSynchronize", "", call(() -> (int) cuStreamSynchronize.invokeExact(stream)));
    }

    // ---- memory -----------------------------------------------------------------------------
    /**
     * cuMemAlloc_v2. On CUDA_ERROR_OUT_OF_MEMORY the registered memory relievers (the caching
     * allocator's "return every cached block") run once and the allocation is retried.
     */
    @Override
    public long malloc(long bytes) {
        if (bytes <= 0) throw new IllegalArgumentException("bytes: expected > 0, got " + bytes);
        ensureContext();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(JAVA_LONG);
            int rc = call(() -> (int) cuMemAlloc.invokeExact(out, bytes));
            if (rc == CudaErrors.CUDA_ERROR_OUT_OF_MEMORY && !memoryRelievers.isEmpty()) {
                for (Runnable r : memoryRelievers) r.run();
                rc = call(() -> (int) cuMemAlloc.invokeExact(out, bytes));
            }
            check("cuMemAlloc_v2", bytes + " bytes", rc);
            return out.get(JAVA_LONG, 0);
        }
    }

    /** Registers an action that frees cached device memory; {@link #malloc} calls it on OOM. */
    public void addMemoryReliever(Runnable r) { memoryRelievers.add(r); }

    @Override
    public void free(long devPtr) {
        if (devPtr == 0) return;
        ensureContext();
        check("cuMemFree_v2", "0x" + Long.toHexString(devPtr), call(() -> (int) cuMemFree.invokeExact(devPtr)));
    }

    @Override
    public void memsetD32(long devPtr, int value, long count) {
        if (count < 0) throw new IllegalArgumentException("count: expected >= 0, got " + count);
        if (count == 0) return;
        ensureContext();
        check("cuMemsetD32Async", count + " words", call(() -> (int) cuMemsetD32Async.invokeExact(devPtr, value, count, stream)));
    }

    /**
     * Host to device. Queued on the stream after earlier work; returns once src may be reused
     * (the stream is synchronised, because src may be page-locked, in which case the copy
     * would still be reading it). src must be a native segment; for Java arrays use
     * {@link HostTransfer}, which stages through pinned memory without the full synchronisation.
     */
    public void copyHtoD(long dst, MemorySegment src, long bytes) {
        requireNative(src, "src", bytes);
        copyHtoDAsync(dst, src, bytes);
        synchronize();
    }

    /** Host to device without waiting: src must stay untouched until the stream reaches the copy. */
    public void copyHtoDAsync(long dst, MemorySegment src, long bytes) {
        requireNative(src, "src", bytes);
        if (bytes == 0) return;
        ensureContext();
        check("cuMemcpyHtoDAsync_v2", bytes + " bytes", call(() -> (int) cuMemcpyHtoDAsync.invokeExact(dst, src, bytes, stream)));
    }

    /** Device to host; waits until dst holds the data (queued after all earlier work). */
    public void copyDtoH(MemorySegment dst, long src, long bytes) {
        copyDtoHAsync(dst, src, bytes);
        synchronize();
    }

    /** Device to host without waiting: dst is valid only after a synchronisation point. */
    public void copyDtoHAsync(MemorySegment dst, long src, long bytes) {
        requireNative(dst, "dst", bytes);
        if (bytes == 0) return;
        ensureContext();
        check("cuMemcpyDtoHAsync_v2", bytes + " bytes", call(() -> (int) cuMemcpyDtoHAsync.invokeExact(dst, src, bytes, stream)));
    }

    /** Device to device, queued on the stream (no wait). */
    public void copyDtoD(long dst, long src, long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("bytes: expected >= 0, got " + bytes);
        if (bytes == 0) return;
        ensureContext();
        check("cuMemcpyDtoDAsync_v2", bytes + " bytes", call(() -> (int) cuMemcpyDtoDAsync.invokeExact(dst, src, bytes, stream)));
    }

    /** Page-locked host memory (cuMemHostAlloc), for fast and truly asynchronous copies. */
    public MemorySegment hostAlloc(long bytes) {
        if (bytes <= 0) throw new IllegalArgumentException("bytes: expected > 0, got " + bytes);
        ensureContext();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            check("cuMemHostAlloc", bytes + " bytes", call(() -> (int) cuMemHostAlloc.invokeExact(out, bytes, 0)));
            return out.get(ADDRESS, 0).reinterpret(bytes);
        }
    }

    public void hostFree(MemorySegment pinned) {
        ensureContext();
        check("cuMemFreeHost", "", call(() -> (int) cuMemFreeHost.invokeExact(pinned)));
    }

    // ---- events -----------------------------------------------------------------------------
    /** A timing event recorded on the stream now. */
    public CudaEvent record() { return record(true); }

    /** An event recorded on the stream; without timing it is cheaper (used for host/device sync). */
    public CudaEvent record(boolean timing) {
        CudaEvent e = createEvent(timing);
        record(e);
        return e;
    }

    public CudaEvent createEvent(boolean timing) {
        ensureContext();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            int flags = timing ? CU_EVENT_DEFAULT : CU_EVENT_DISABLE_TIMING;
            check("cuEventCreate", "", call(() -> (int) cuEventCreate.invokeExact(out, flags)));
            return new CudaEvent(out.get(JAVA_LONG, 0));
        }
    }

    /** Re-records an existing event at the current end of the stream. */
    public void record(CudaEvent e) {
        ensureContext();
        check("cuEventRecord", "", call(() -> (int) cuEventRecord.invokeExact(e.handle(), stream)));
    }

    public void waitFor(CudaEvent e) {
        ensureContext();
        check("cuEventSynchronize", "", call(() -> (int) cuEventSynchronize.invokeExact(e.handle())));
    }

    /** Milliseconds between two timing events; waits for b. */
    public float elapsedMs(CudaEvent a, CudaEvent b) {
        waitFor(b);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ms = arena.allocate(JAVA_FLOAT);
            check("cuEventElapsedTime", "", call(() -> (int) cuEventElapsedTime.invokeExact(ms, a.handle(), b.handle())));
            return ms.get(JAVA_FLOAT, 0);
        }
    }

    public void destroy(CudaEvent e) {
        ensureContext();
        check("cuEventDestroy", "", call(() -> (int) cuEventDestroy.invokeExact(e.handle())));
    }

    // ---- plumbing ---------------------------------------------------------------------------
    private static final java.lang.foreign.ValueLayout.OfByte JAVA_BYTE_LAYOUT = java.lang.foreign.ValueLayout.JAVA_BYTE;

    /** Makes the primary context current on the calling thread (once per thread). cuBLAS and
     *  cuDNN call it too: the CUDA runtime inside them uses whatever context is current. */
    void ensureContext() {
        if (contextCurrent.get()) return;
        long ctx = context;
        check("cuCtxSetCurrent", "", call(() -> (int) cuCtxSetCurrent.invokeExact(ctx)));
        contextCurrent.set(Boolean.TRUE);
    }

    private static void requireNative(MemorySegment s, String name, long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("bytes: expected >= 0, got " + bytes);
        if (!s.isNative()) throw new IllegalArgumentException(name + ": expected a native MemorySegment (use HostTransfer for Java arrays)");
        if (s.byteSize() < bytes) throw new IllegalArgumentException(name + ": " + s.byteSize() + " bytes, expected at least " + bytes);
    }

    /** A downcall returning a status; Throwable from invokeExact is never a checked failure in practice. */
    interface StatusCall { int run() throws Throwable; }

    static int call(StatusCall c) {
        try {
            return c.run();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    void check(String function, String args, int rc) {
        if (rc == 0) return;
        throw new CudaException(CudaException.Library.DRIVER, function, rc,
                CudaErrors.message(function, args, CudaErrors.cuResultName(rc), rc, errorString(rc)));
    }

    /** "CUDA_ERROR_NO_DEVICE (100): no CUDA-capable device is detected". */
    String describe(int rc) {
        String s = errorString(rc);
        return CudaErrors.cuResultName(rc) + " (" + rc + ")" + (s.isEmpty() ? "" : ": " + s);
    }

    /** cuGetErrorString, or "" when it has none. */
    String errorString(int rc) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            int r = call(() -> (int) cuGetErrorString.invokeExact(rc, p));
            MemorySegment str = p.get(ADDRESS, 0);
            if (r != 0 || str.equals(MemorySegment.NULL)) return "";
            return str.reinterpret(4096).getString(0);
        }
    }
}
