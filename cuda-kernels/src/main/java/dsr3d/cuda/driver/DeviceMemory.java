package dsr3d.cuda.driver;

/** The few device-memory calls the caching allocator needs. {@link CudaDriver} implements it;
 *  tests of the allocator's pure-Java logic use a fake, so they run without a GPU. */
public interface DeviceMemory {
    /** Raw device allocation; throws {@link CudaException} with {@code isOutOfMemory()} on OOM. */
    long malloc(long bytes);

    void free(long devPtr);

    /** Sets count 32-bit words at devPtr to value, ordered on the stream. */
    void memsetD32(long devPtr, int value, long count);

    /** Waits until all queued work is done (before memory goes back to the driver). */
    void synchronize();
}
