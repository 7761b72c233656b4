package dsr3d.tests.cuda;

import static org.junit.jupiter.api.Assertions.*;

import dsr3d.cuda.driver.CudaErrors;
import dsr3d.cuda.driver.CudaException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Status-code names used in CUDA error messages, and the exception's OOM classification. */
class CudaErrorsTest {

    @Test
    void knownDriverCodesHaveTheirHeaderNames() {
        assertEquals("CUDA_SUCCESS", CudaErrors.cuResultName(0));
        assertEquals("CUDA_ERROR_INVALID_VALUE", CudaErrors.cuResultName(1));
        assertEquals("CUDA_ERROR_OUT_OF_MEMORY", CudaErrors.cuResultName(2));
        assertEquals("CUDA_ERROR_NO_DEVICE", CudaErrors.cuResultName(100));
        assertEquals("CUDA_ERROR_INVALID_PTX", CudaErrors.cuResultName(218));
        assertEquals("CUDA_ERROR_NOT_FOUND", CudaErrors.cuResultName(500));
        assertEquals("CUDA_ERROR_LAUNCH_FAILED", CudaErrors.cuResultName(719));
        assertEquals("CUresult 123456", CudaErrors.cuResultName(123456));
    }

    /** Where the CUDA headers are installed, every CUresult in cuda.h must map to its own name. */
    @Test
    void everyCuResultOfTheInstalledHeaderIsNamed() throws IOException {
        Path h = Path.of("/usr/local/cuda/include/cuda.h");
        Assumptions.assumeTrue(Files.exists(h), "no CUDA headers at " + h);
        String text = Files.readString(h);
        int start = text.indexOf("typedef enum cudaError_enum"), end = text.indexOf("} CUresult;", start);
        assertTrue(start >= 0 && end > start, "CUresult enum not found in cuda.h");
        Matcher m = Pattern.compile("(CUDA_(?:SUCCESS|ERROR_[A-Z0-9_]+))\\s*=\\s*(\\d+)").matcher(text.substring(start, end));
        int checked = 0;
        while (m.find()) {
            assertEquals(m.group(1), CudaErrors.cuResultName(Integer.parseInt(m.group(2))));
            checked++;
        }
        assertTrue(checked > 80, "only " + checked + " codes found in cuda.h");
    }

    @Test
    void cublasAndCudnnCodes() {
        assertEquals("CUBLAS_STATUS_ALLOC_FAILED", CudaErrors.cublasStatusName(3));
        assertEquals("CUBLAS_STATUS_INVALID_VALUE", CudaErrors.cublasStatusName(7));
        assertEquals("cublasStatus 99", CudaErrors.cublasStatusName(99));
        assertEquals("CUDNN_STATUS_SUCCESS", CudaErrors.cudnnStatusCategory(0));
        assertTrue(CudaErrors.cudnnStatusCategory(2002).startsWith("CUDNN_STATUS_BAD_PARAM"));
        assertTrue(CudaErrors.cudnnStatusCategory(3000).startsWith("CUDNN_STATUS_NOT_SUPPORTED"));
        assertTrue(CudaErrors.cudnnStatusCategory(5000).startsWith("CUDNN_STATUS_EXECUTION_FAILED"));
    }

    @Test
    void messagesNameFunctionArgumentsStatusAndDetail() {
        assertEquals("cuMemAlloc_v2(1024 bytes) failed: CUDA_ERROR_OUT_OF_MEMORY (2): out of memory",
                CudaErrors.message("cuMemAlloc_v2", "1024 bytes", "CUDA_ERROR_OUT_OF_MEMORY", 2, "out of memory"));
        // no detail, or a detail that only repeats the name, adds nothing
        assertEquals("cuInit() failed: CUresult 77 (77)", CudaErrors.message("cuInit", "", "CUresult 77", 77, ""));
        assertEquals("f(x) failed: N (5)", CudaErrors.message("f", "x", "N", 5, "N"));
    }

    @Test
    void outOfMemoryIsRecognisedPerLibrary() {
        assertTrue(new CudaException(CudaException.Library.DRIVER, "cuMemAlloc_v2", 2, "m").isOutOfMemory());
        assertFalse(new CudaException(CudaException.Library.DRIVER, "cuMemAlloc_v2", 1, "m").isOutOfMemory());
        assertTrue(new CudaException(CudaException.Library.CUBLAS, "cublasCreate_v2", 3, "m").isOutOfMemory());
        // the same number means something else in another library
        assertFalse(new CudaException(CudaException.Library.CUBLAS, "cublasSgemm_v2", 2, "m").isOutOfMemory());
        CudaException e = new CudaException(CudaException.Library.CUDNN, "cudnnConvolutionForward", 2000, "msg");
        assertEquals("cudnnConvolutionForward", e.function());
        assertEquals(2000, e.status());
        assertEquals("msg", e.getMessage());
    }
}
