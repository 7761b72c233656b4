package dsr3d.cuda.driver;

/** A CUDA, cuBLAS or cuDNN call returned a status other than success. The message names the
 *  function and the library's own error string, e.g.
 *  {@code cuMemAlloc_v2(1073741824 bytes) failed: CUDA_ERROR_OUT_OF_MEMORY (2): out of memory}. */
public final class CudaException extends RuntimeException {
    /** Which library produced {@link #status()}: the codes of the three overlap. */
    public enum Library { DRIVER, CUBLAS, CUDNN }

    private final Library library;
    private final String function;
    private final int status;

    public CudaException(Library library, String function, int status, String message) {
        super(message);
        this.library = library;
        this.function = function;
        this.status = status;
    }

    public Library library() { return library; }
    public String function() { return function; }
    public int status() { return status; }

    /** True for CUDA_ERROR_OUT_OF_MEMORY, CUBLAS_STATUS_ALLOC_FAILED and CUDNN_STATUS_ALLOC_FAILED. */
    public boolean isOutOfMemory() {
        return switch (library) {
            case DRIVER -> status == CudaErrors.CUDA_ERROR_OUT_OF_MEMORY;
            case CUBLAS -> status == CudaErrors.CUBLAS_STATUS_ALLOC_FAILED;
            case CUDNN -> status == CudaErrors.CUDNN_STATUS_ALLOC_FAILED;
        };
    }
}
