package dsr3d.cuda.driver;

/** A kernel entry point (CUfunction) of a loaded module; {@code name} is kept for error messages. */
public record CudaFunction(long handle, String name) {}
