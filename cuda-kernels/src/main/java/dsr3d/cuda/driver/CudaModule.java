package dsr3d.cuda.driver;

/** A loaded CUmodule (a fatbin or PTX image, see {@link CudaDriver#loadModule}). */
public record CudaModule(long handle) {}
