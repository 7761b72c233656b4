package dsr3d.tests.cuda;

import static org.junit.jupiter.api.Assertions.*;

import dsr3d.cuda.CudaAllocator;
import dsr3d.cuda.CudaStorage;
import dsr3d.cuda.driver.CudaException;
import dsr3d.tensor.DType;
import dsr3d.tensor.backend.Backend;
import dsr3d.tests.cuda.support.FakeDeviceMemory;
import dsr3d.tests.cuda.support.FakeOwner;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/** The caching allocator's pure-Java logic (size classes, reuse, OOM handling, Cleaner), on a fake device. */
class CudaAllocatorTest {
    private static final long MIB = 1L << 20;
    private final Backend owner = FakeOwner.backend();

    @Test
    void sizeClassesAre512ByteStepsUpTo1MiBThenPowersOfTwo() {
        long[][] cases = {
                {0, 512}, {1, 512}, {511, 512}, {512, 512}, {513, 1024}, {1000, 1024}, {4096, 4096}, {4097, 4608},
                {MIB - 1, MIB}, {MIB, MIB}, {MIB + 1, 2 * MIB}, {3 * MIB, 4 * MIB}, {4 * MIB, 4 * MIB},
                {(1L << 33) + 5, 1L << 34}};
        for (long[] c : cases) assertEquals(c[1], CudaAllocator.roundSize(c[0]), "roundSize(" + c[0] + ")");
        assertThrows(IllegalArgumentException.class, () -> CudaAllocator.roundSize(-1));
        // the property behind the table, over a range: enough room, and at most one step of waste
        for (long b = 0; b < 3 * MIB; b += 997) {
            long r = CudaAllocator.roundSize(b);
            assertTrue(r >= b && r >= 512, "roundSize(" + b + ") = " + r);
            if (b <= MIB) assertTrue(r % 512 == 0 && r - Math.max(b, 1) < 512, "roundSize(" + b + ") = " + r);
            else assertTrue(Long.bitCount(r) == 1 && r < 2 * b, "roundSize(" + b + ") = " + r);
        }
    }

    @Test
    void releasedBlocksAreReusedForTheSameSizeClassOnly() {
        FakeDeviceMemory mem = new FakeDeviceMemory(64 * MIB);
        CudaAllocator alloc = new CudaAllocator(mem);
        CudaStorage a = alloc.allocate(owner, DType.F32, 1000); // 4000 B -> 4096 class
        assertEquals(DType.F32, a.dtype());
        assertEquals(1000, a.length());
        assertSame(owner, a.backend());
        assertEquals(4096, a.blockBytes());
        long pa = a.devicePointer();
        alloc.release(a);
        assertTrue(a.isReleased());
        assertThrows(IllegalStateException.class, a::devicePointer, "use after release must fail");
        alloc.release(a); // idempotent

        CudaStorage b = alloc.allocate(owner, DType.I32, 1024); // 4096 B: same class
        assertEquals(pa, b.devicePointer(), "the cached block should be reused");
        CudaStorage c = alloc.allocate(owner, DType.F64, 1000); // 8000 B -> 8192: new block
        assertNotEquals(pa, c.devicePointer());

        CudaAllocator.Stats s = alloc.stats();
        assertEquals(2, s.mallocs());
        assertEquals(1, s.reuses());
        assertEquals(1, s.explicitReleases());
        assertEquals(4096 + 8192, s.liveBytes());
        assertEquals(0, s.cachedBytes());
        assertEquals(2, mem.mallocCalls);
    }

    @Test
    void zeroedAllocationMemsetsTheWholeElementRange() {
        FakeDeviceMemory mem = new FakeDeviceMemory(MIB);
        CudaAllocator alloc = new CudaAllocator(mem);
        CudaStorage s = alloc.allocateZeroed(owner, DType.F64, 3); // 24 bytes = 6 words
        assertEquals(1, mem.memsets.size());
        assertArrayEquals(new long[] {s.devicePointer(), 0, 6}, mem.memsets.get(0));
        alloc.allocateZeroed(owner, DType.F32, 0); // nothing to clear
        assertEquals(1, mem.memsets.size());
    }

    @Test
    void outOfMemoryEmptiesTheCacheAndRetries() {
        FakeDeviceMemory mem = new FakeDeviceMemory(10 * MIB);
        CudaAllocator alloc = new CudaAllocator(mem);
        CudaStorage big = alloc.allocate(owner, DType.F32, (int) (8 * MIB / 4)); // 8 MiB class
        alloc.release(big); // cached, still held on the device
        assertEquals(8 * MIB, mem.used());
        CudaStorage other = alloc.allocate(owner, DType.F32, (int) (4 * MIB / 4)); // 4 MiB: needs the cache emptied
        assertNotNull(other);
        assertEquals(4 * MIB, mem.used());
        CudaAllocator.Stats s = alloc.stats();
        assertEquals(1, s.cacheFlushes());
        assertEquals(0, s.cachedBytes());
        assertTrue(mem.syncCalls >= 1, "the stream must be drained before cached blocks go back to the driver");
        assertEquals(1, mem.freeCalls);
    }

    @Test
    void outOfMemoryAfterRetryReportsTheAllocatorState() {
        FakeDeviceMemory mem = new FakeDeviceMemory(2 * MIB);
        CudaAllocator alloc = new CudaAllocator(mem);
        CudaStorage keep = alloc.allocate(owner, DType.F32, (int) (MIB / 4));
        CudaException e = assertThrows(CudaException.class, () -> alloc.allocate(owner, DType.F32, (int) (2 * MIB / 4)));
        assertTrue(e.isOutOfMemory());
        assertTrue(e.getMessage().contains("after emptying the cache") && e.getMessage().contains("liveBytes=" + MIB),
                e.getMessage());
        assertFalse(keep.isReleased());
    }

    /** Records the cleaning actions instead of handing them to the GC's Cleaner; Cleanable.clean runs one at most once. */
    private static final class ManualReclaimer implements CudaAllocator.Reclaimer {
        final List<java.lang.ref.Cleaner.Cleanable> registered = new ArrayList<>();

        @Override
        public java.lang.ref.Cleaner.Cleanable register(Object storage, Runnable action) {
            boolean[] ran = {false};
            java.lang.ref.Cleaner.Cleanable c = () -> { if (!ran[0]) { ran[0] = true; action.run(); } };
            registered.add(c);
            return c;
        }
    }

    @Test
    void unreachableStoragesComeBackThroughTheCleaningAction() {
        FakeDeviceMemory mem = new FakeDeviceMemory(64 * MIB);
        ManualReclaimer reclaimer = new ManualReclaimer();
        CudaAllocator alloc = new CudaAllocator(mem, reclaimer);
        dropOne(alloc);
        CudaStorage kept = alloc.allocate(owner, DType.F32, 500);
        alloc.release(kept);                                  // explicit: runs its action through the Cleanable
        assertEquals(2, reclaimer.registered.size());
        reclaimer.registered.get(0).clean();                  // what the Cleaner does once the GC finds it unreachable
        reclaimer.registered.get(1).clean();                  // already run by release(): nothing happens
        CudaAllocator.Stats s = alloc.stats();
        assertEquals(1, s.cleanerReleases(), "the dropped storage was not returned: " + s);
        assertEquals(1, s.explicitReleases());
        assertEquals(0, s.liveBytes());
        assertEquals(2, alloc.cachedBlocks(2048));
    }

    private void dropOne(CudaAllocator alloc) {
        CudaStorage s = alloc.allocate(owner, DType.F32, 500); // 2000 B -> 2048 class, then unreachable
        assertEquals(2048, s.blockBytes());
    }

    @Test
    void badArgumentsAreNamed() {
        CudaAllocator alloc = new CudaAllocator(new FakeDeviceMemory(MIB));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> alloc.allocate(owner, DType.F32, -1));
        assertTrue(e.getMessage().startsWith("n:"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CudaAllocator(null));
        assertThrows(IllegalArgumentException.class, () -> new CudaStorage(null, DType.F32, 1, 0, 512));
        assertThrows(IllegalArgumentException.class, () -> new CudaStorage(owner, DType.F32, 200, 0, 512));
    }
}
