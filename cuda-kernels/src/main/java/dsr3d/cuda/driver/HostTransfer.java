package dsr3d.cuda.driver;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;


/**
 * Copies between Java arrays (or any MemorySegment) and device memory through two page-locked
 * (cuMemHostAlloc) staging buffers of {@link #CHUNK} bytes, used alternately.
 *
 * <p>Upload: chunk i is copied into staging buffer i % 2 and queued as an asynchronous
 * host-to-device copy, followed by an event. Before a buffer is refilled its event is awaited,
 * so the host packs chunk i+1 while the DMA engine still reads chunk i, and the upload returns
 * without waiting for the device at all (later work on the stream sees the data, by stream order).
 *
 * <p>Download: chunk i is queued into buffer i % 2; while it transfers, chunk i-1 (already
 * complete, its event awaited) is unpacked into the array. Returns once the array holds the data.
 *
 * <p>If page-locked memory cannot be had (some containers limit it), ordinary native memory is
 * used instead: still correct, only slower. One instance per driver; calls are serialised.
 */
public final class HostTransfer {
    /** Bytes per staging buffer. */
    public static final long CHUNK = 4L << 20;

    private static volatile HostTransfer instance;

    public static HostTransfer get() {
        HostTransfer t = instance;
        if (t != null) return t;
        synchronized (HostTransfer.class) {
            if (instance == null) instance = new HostTransfer(CudaDriver.get());
            return instance;
        }
    }

    private final CudaDriver driver;
    private final MemorySegment[] staging = new MemorySegment[2];
    private final CudaEvent[] done = new CudaEvent[2];
    private final boolean[] pending = new boolean[2];
    private final boolean pinned;

    /** A transfer helper with its own staging buffers for another driver instance ({@link CudaDriver#load}). */
    public static HostTransfer create(CudaDriver driver) { return new HostTransfer(driver); }

    private HostTransfer(CudaDriver driver) {
        this.driver = driver;
        boolean ok = true;
        for (int i = 0; i < 2; i++) {
            try {
                staging[i] = driver.hostAlloc(CHUNK);
            } catch (CudaException e) {
                ok = false;
                staging[i] = Arena.global().allocate(CHUNK, 256);
            }
            done[i] = driver.createEvent(false);
        }
        pinned = ok;
    }

    /** Whether the staging buffers are page-locked. */
    public boolean pinned() { return pinned; }

    public void upload(float[] src, long dst) { upload(MemorySegment.ofArray(src), dst); }

    public void upload(int[] src, long dst) { upload(MemorySegment.ofArray(src), dst); }

    public void upload(double[] src, long dst) { upload(MemorySegment.ofArray(src), dst); }

    public void download(long src, float[] dst) { download(src, MemorySegment.ofArray(dst)); }

    public void download(long src, int[] dst) { download(src, MemorySegment.ofArray(dst)); }

    public void download(long src, double[] dst) { download(src, MemorySegment.ofArray(dst)); }

    /** All of src to device address dst; returns as soon as src may be reused. */
    public synchronized void upload(MemorySegment src, long dst) {
        long total = src.byteSize();
        int buf = 0;
        for (long off = 0; off < total; off += CHUNK, buf ^= 1) {
            long len = Math.min(CHUNK, total - off);
            awaitBuffer(buf);
            MemorySegment.copy(src, off, staging[buf], 0, len);
            driver.copyHtoDAsync(dst + off, staging[buf], len);
            driver.record(done[buf]);
            pending[buf] = true;
        }
    }

    /** dst.byteSize() bytes from device address src into dst; returns when dst holds them. */
    public synchronized void download(long src, MemorySegment dst) {
        long total = dst.byteSize();
        int buf = 0;
        long prevOff = -1, prevLen = 0;
        for (long off = 0; off < total; off += CHUNK, buf ^= 1) {
            long len = Math.min(CHUNK, total - off);
            awaitBuffer(buf); // also finishes any upload still reading this buffer
            driver.copyDtoHAsync(staging[buf], src + off, len);
            driver.record(done[buf]);
            pending[buf] = true;
            if (prevOff >= 0) unpack(buf ^ 1, dst, prevOff, prevLen);
            prevOff = off;
            prevLen = len;
        }
        if (prevOff >= 0) unpack(buf ^ 1, dst, prevOff, prevLen);
    }

    private void unpack(int buf, MemorySegment dst, long off, long len) {
        awaitBuffer(buf);
        MemorySegment.copy(staging[buf], 0, dst, off, len);
    }

    private void awaitBuffer(int buf) {
        if (!pending[buf]) return;
        driver.waitFor(done[buf]);
        pending[buf] = false;
    }

}
