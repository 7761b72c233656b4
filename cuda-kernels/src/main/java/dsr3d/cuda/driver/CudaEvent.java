package dsr3d.cuda.driver;

/** A CUevent recorded on the driver's stream, for timing with {@link CudaDriver#elapsedMs}.
 *  Events are small; {@link CudaDriver#destroy(CudaEvent)} frees one early, otherwise they live
 *  as long as the process. */
public record CudaEvent(long handle) {}
