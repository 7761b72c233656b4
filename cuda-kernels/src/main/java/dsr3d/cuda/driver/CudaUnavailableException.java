package dsr3d.cuda.driver;

/** Thrown by every CUDA entry point when the GPU stack cannot be used on this machine: no
 *  libcuda.so.1, no device, a driver too old for an entry point we need, a missing cuBLAS or
 *  cuDNN library. The message says which, and which places were searched. */
public final class CudaUnavailableException extends RuntimeException implements dsr3d.tensor.ExpectedFailure {
    public CudaUnavailableException(String reason) { super(reason); }

    public CudaUnavailableException(String reason, Throwable cause) { super(reason, cause); }
}
