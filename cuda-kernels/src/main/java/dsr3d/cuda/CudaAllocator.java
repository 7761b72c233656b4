package dsr3d.cuda;

import dsr3d.cuda.driver.CudaDriver;
import dsr3d.cuda.driver.CudaException;
import dsr3d.cuda.driver.DeviceMemory;
import dsr3d.tensor.DType;
import dsr3d.tensor.backend.Backend;
import java.lang.ref.Cleaner;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Caching device-memory allocator: cudaMalloc/cuMemFree are slow (they synchronise the device),
 * and a training step allocates the same sizes over and over, so freed blocks are kept and reused.
 *
 * <p><b>Size classes.</b> A request is rounded up to a multiple of 512 bytes up to 1 MiB and
 * to the next power of two above ({@link #roundSize}); blocks are reused only for exactly their
 * size class, so lookup is one map access and waste is at most 511 bytes (small) or under 50 %
 * (large, bounded by the power-of-two steps).
 *
 * <p><b>Why reuse is safe without events.</b> Every kernel and copy runs on the driver's one
 * stream. A block returned to the cache may still be read by queued work; the next owner can only
 * queue work after that, and the stream runs it in order. (A second stream would break this.)
 *
 * <p><b>Freeing.</b> {@link #release(CudaStorage)} returns a storage's block at once (the backend
 * calls it for temporaries). Storages that are simply dropped are returned by a
 * {@link java.lang.ref.Cleaner} when the GC finds them unreachable; the cleaning action holds
 * the block address and size, never the storage. Both paths go through one Cleanable, so a block
 * is returned exactly once. The Cleaner thread only touches the Java free lists, never the driver.
 *
 * <p><b>Out of memory.</b> If the device refuses an allocation the allocator runs the GC hooks
 * ({@code System.gc()} plus a short wait so Cleaners can return dropped storages), then returns
 * every cached block to the driver ({@link #emptyCache()}) and retries once; a second failure is
 * reported with the allocator's statistics. An allocator on the real driver also registers
 * {@link #emptyCache()} as a {@link CudaDriver#addMemoryReliever memory reliever}, so an OOM in
 * any other device allocation (cuDNN's workspace) first gives the cache back. (The driver keeps
 * that reference: make one allocator per process, as CudaBackend does.)
 */
public final class CudaAllocator {
    public static final long SMALL_LIMIT = 1L << 20;
    public static final long SMALL_QUANTUM = 512;

    private static final Cleaner CLEANER = Cleaner.create();

    /** Registers the action that returns a storage's block once the storage is unreachable ({@link Cleaner#register}). */
    @FunctionalInterface
    public interface Reclaimer {
        Cleaner.Cleanable register(Object storage, Runnable returnBlock);
    }

    private final DeviceMemory memory;
    private final Reclaimer reclaimer;
    private final Map<Long, ArrayDeque<Long>> free = new HashMap<>();
    private final Object lock = new Object();

    // statistics (guarded by lock)
    private long liveBytes, cachedBytes, peakLiveBytes, deviceBytes;
    private long mallocs, reuses, explicitReleases, cleanerReleases, cacheFlushes;

    public CudaAllocator(DeviceMemory memory) {
        this(memory, CLEANER::register);
    }

    /** With the reclaimer injected: tests run the cleaning action themselves instead of waiting for the GC. */
    public CudaAllocator(DeviceMemory memory, Reclaimer reclaimer) {
        if (memory == null) throw new IllegalArgumentException("memory: expected a DeviceMemory (e.g. CudaDriver.get())");
        if (reclaimer == null) throw new IllegalArgumentException("reclaimer: expected one (e.g. a java.lang.ref.Cleaner's register)");
        this.memory = memory;
        this.reclaimer = reclaimer;
        // cuDNN's workspace and cuBLAS allocate through the driver too: on OOM there, give back our cache
        if (memory instanceof CudaDriver d) d.addMemoryReliever(this::emptyCache);
    }

    /** Bytes actually reserved for a request: multiple of 512 up to 1 MiB, next power of two above. 0 -> 512. */
    public static long roundSize(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("bytes: expected >= 0, got " + bytes);
        if (bytes <= SMALL_LIMIT) return Math.max(SMALL_QUANTUM, (bytes + SMALL_QUANTUM - 1) / SMALL_QUANTUM * SMALL_QUANTUM);
        long p = Long.highestOneBit(bytes);
        return p == bytes ? p : Math.multiplyExact(p, 2L);
    }

    /** An uninitialised storage of n elements (contents are whatever the block last held). */
    public CudaStorage allocate(Backend owner, DType dtype, int n) {
        if (n < 0) throw new IllegalArgumentException("n: expected >= 0 elements, got " + n);
        if (dtype == null) throw new IllegalArgumentException("dtype: expected F32, F64 or I32, got null");
        long size = roundSize((long) n * dtype.bytes);
        long ptr = takeBlock(size);
        CudaStorage s = new CudaStorage(owner, dtype, n, ptr, size);
        s.cleanable = reclaimer.register(s, new ReturnBlock(this, ptr, size, s));
        return s;
    }

    /** Like {@link #allocate} but zero-filled (cuMemsetD32, queued on the stream). */
    public CudaStorage allocateZeroed(Backend owner, DType dtype, int n) {
        CudaStorage s = allocate(owner, dtype, n);
        long words = s.byteSize() / 4;
        if (words > 0) memory.memsetD32(s.devicePointer(), 0, words);
        return s;
    }

    /** Returns the storage's block to the cache now; the storage must not be used afterwards. Idempotent. */
    public void release(CudaStorage s) {
        if (s.isReleased()) return;
        s.markReleased();
        if (s.cleanable != null) s.cleanable.clean();
    }

    /** Gives every cached (unused) block back to the driver; live storages are untouched. */
    public void emptyCache() {
        synchronized (lock) {
            if (cachedBytes == 0) return;
            memory.synchronize(); // queued work may still read a cached block
            for (ArrayDeque<Long> q : free.values()) {
                for (Long p : q) {
                    memory.free(p);
                }
            }
            deviceBytes -= cachedBytes;
            cachedBytes = 0;
            free.clear();
            cacheFlushes++;
        }
    }

    private long takeBlock(long size) {
        synchronized (lock) {
            ArrayDeque<Long> q = free.get(size);
            if (q != null && !q.isEmpty()) {
                long p = q.pop();
                cachedBytes -= size;
                reuses++;
                noteLive(size);
                return p;
            }
        }
        long p;
        try {
            p = memory.malloc(size);
        } catch (CudaException e) {
            if (!e.isOutOfMemory()) throw e;
            System.gc(); // dropped storages come back through their Cleaners...
            sleepBriefly();
            synchronized (lock) { // ...maybe with a block of exactly this size
                ArrayDeque<Long> q = free.get(size);
                if (q != null && !q.isEmpty()) {
                    long r = q.pop();
                    cachedBytes -= size;
                    reuses++;
                    noteLive(size);
                    return r;
                }
            }
            emptyCache();
            try {
                p = memory.malloc(size);
            } catch (CudaException again) {
                if (!again.isOutOfMemory()) throw again;
                throw new CudaException(again.library(), again.function(), again.status(),
                        again.getMessage() + "; after emptying the cache. Allocator: " + stats());
            }
        }
        synchronized (lock) {
            mallocs++;
            deviceBytes += size;
            noteLive(size);
        }
        return p;
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void noteLive(long size) {
        liveBytes += size;
        peakLiveBytes = Math.max(peakLiveBytes, liveBytes);
    }

    /** Called exactly once per block, by release() or by the Cleaner thread. */
    private void returnBlock(long ptr, long size, boolean explicit) {
        synchronized (lock) {
            free.computeIfAbsent(size, k -> new ArrayDeque<>()).push(ptr);
            liveBytes -= size;
            cachedBytes += size;
            if (explicit) explicitReleases++;
            else cleanerReleases++;
        }
    }

    /**
     * The cleaning action. It must not reference the storage strongly (or the storage would never
     * become unreachable); the weak reference is used only to count which path ran.
     */
    private static final class ReturnBlock implements Runnable {
        private final CudaAllocator allocator;
        private final long ptr, size;
        private final java.lang.ref.WeakReference<CudaStorage> storage;

        ReturnBlock(CudaAllocator allocator, long ptr, long size, CudaStorage s) {
            this.allocator = allocator;
            this.ptr = ptr;
            this.size = size;
            this.storage = new java.lang.ref.WeakReference<>(s);
        }

        @Override
        public void run() {
            CudaStorage s = storage.get();
            allocator.returnBlock(ptr, size, s != null && s.isReleased());
        }
    }

    /** A snapshot of the allocator's counters. */
    public record Stats(long liveBytes, long cachedBytes, long peakLiveBytes, long deviceBytes, long mallocs,
                        long reuses, long explicitReleases, long cleanerReleases, long cacheFlushes) {}

    public Stats stats() {
        synchronized (lock) {
            return new Stats(liveBytes, cachedBytes, peakLiveBytes, deviceBytes, mallocs, reuses, explicitReleases,
                    cleanerReleases, cacheFlushes);
        }
    }

    /** Bytes in size class {@code size} waiting in the cache (for tests). */
    public int cachedBlocks(long size) {
        synchronized (lock) {
            ArrayDeque<Long> q = free.get(size);
            return q == null ? 0 : q.size();
        }
    }
}
