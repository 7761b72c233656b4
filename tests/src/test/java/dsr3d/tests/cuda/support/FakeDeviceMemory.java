package dsr3d.tests.cuda.support;

import dsr3d.cuda.driver.CudaErrors;
import dsr3d.cuda.driver.CudaException;
import dsr3d.cuda.driver.DeviceMemory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A DeviceMemory with a byte budget and fake addresses, for testing the allocator without a GPU.
 *  Over budget it fails exactly as cuMemAlloc does (CUDA_ERROR_OUT_OF_MEMORY). */
public final class FakeDeviceMemory implements DeviceMemory {
    private final long capacity;
    private final Map<Long, Long> live = new HashMap<>();
    private long used, next = 0x7f00_0000_0000L;
    public int mallocCalls, freeCalls, syncCalls;
    public final List<long[]> memsets = new ArrayList<>(); // {ptr, value, count}

    public FakeDeviceMemory(long capacity) { this.capacity = capacity; }

    @Override
    public synchronized long malloc(long bytes) {
        mallocCalls++;
        if (used + bytes > capacity)
            throw new CudaException(CudaException.Library.DRIVER, "cuMemAlloc_v2", CudaErrors.CUDA_ERROR_OUT_OF_MEMORY,
                    "cuMemAlloc_v2(" + bytes + " bytes) failed: CUDA_ERROR_OUT_OF_MEMORY (2): out of memory (fake)");
        long p = next;
        next += bytes + 4096;
        live.put(p, bytes);
        used += bytes;
        return p;
    }

    @Override
    public synchronized void free(long devPtr) {
        Long b = live.remove(devPtr);
        if (b == null) throw new AssertionError("free of unknown or already freed pointer 0x" + Long.toHexString(devPtr));
        used -= b;
        freeCalls++;
    }

    @Override
    public synchronized void memsetD32(long devPtr, int value, long count) { memsets.add(new long[] {devPtr, value, count}); }

    @Override
    public synchronized void synchronize() { syncCalls++; }

    public synchronized long used() { return used; }
}
