package dsr3d.cuda;

import dsr3d.tensor.DType;
import dsr3d.tensor.Storage;
import dsr3d.tensor.backend.Backend;
import java.lang.ref.Cleaner;

/**
 * A flat device buffer of {@code length} elements of {@code dtype}, owned by a CUDA backend.
 * The memory is a block of the {@link CudaAllocator} (possibly larger than needed: blocks come
 * in size classes). It goes back to the allocator's cache either explicitly
 * ({@link CudaAllocator#release(CudaStorage)}) or, when this object becomes unreachable, through
 * its Cleaner registration; whichever comes first, exactly once.
 *
 * <p>The owner is a plain {@link Backend} so this class does not depend on CudaBackend.
 */
public final class CudaStorage implements Storage {
    private final Backend owner;
    private final DType dtype;
    private final int length;
    private final long devPtr;
    private final long blockBytes;
    private volatile boolean released;
    Cleaner.Cleanable cleanable; // set by the allocator right after construction

    /** Normally created by {@link CudaAllocator#allocate}; public for backends that wrap foreign device memory. */
    public CudaStorage(Backend owner, DType dtype, int length, long devPtr, long blockBytes) {
        if (owner == null) throw new IllegalArgumentException("owner: expected the CUDA backend, got null");
        if (dtype == null) throw new IllegalArgumentException("dtype: expected F32, F64 or I32, got null");
        if (length < 0) throw new IllegalArgumentException("length: expected >= 0, got " + length);
        if (blockBytes < (long) length * dtype.bytes)
            throw new IllegalArgumentException("blockBytes: " + blockBytes + " < length*" + dtype.bytes + " = "
                    + (long) length * dtype.bytes);
        this.owner = owner;
        this.dtype = dtype;
        this.length = length;
        this.devPtr = devPtr;
        this.blockBytes = blockBytes;
    }

    @Override
    public DType dtype() { return dtype; }

    @Override
    public int length() { return length; }

    @Override
    public Backend backend() { return owner; }

    /** The device address of element 0 (CUdeviceptr); throws once released. */
    public long devicePointer() {
        if (released) throw new IllegalStateException("CudaStorage used after release (" + this + ")");
        return devPtr;
    }

    /** Device address of element {@code index}. */
    public long address(long index) {
        if (index < 0 || index > length) throw new IndexOutOfBoundsException("index " + index + " of " + length);
        return devicePointer() + index * dtype.bytes;
    }

    /** length * dtype size. */
    public long byteSize() { return (long) length * dtype.bytes; }

    /** Size of the allocator block behind this storage (>= byteSize()). */
    public long blockBytes() { return blockBytes; }

    public boolean isReleased() { return released; }

    void markReleased() { released = true; }

    @Override
    public String toString() {
        return "CudaStorage[" + dtype + " x " + length + " @0x" + Long.toHexString(devPtr) + (released ? ", released" : "") + "]";
    }
}
