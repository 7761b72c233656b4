package dsr3d.cuda.driver;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * cuBLAS 13 (libcublas.so.13) through FFM: one handle bound to {@link CudaDriver#stream()}, and
 * single-precision GEMMs for row-major buffers.
 *
 * <p>Row-major trick: cuBLAS is column-major, and a row-major [r, c] buffer read column-major is
 * its transpose [c, r]. So C = op(A) op(B) (row-major, C [m, n]) is computed as the column-major
 * C^T = op(B)^T op(A)^T: swap the operands and m/n, keep each operand's own transpose flag, and
 * use the row lengths as leading dimensions (A: k, or m when transposed; B: n, or k; C: n).
 *
 * <p>Precision: {@code tf32=false} sets CUBLAS_DEFAULT_MATH (full FP32; cuBLAS never uses TF32
 * for SGEMM unless allowed), {@code tf32=true} sets CUBLAS_TF32_TENSOR_OP_MATH (tensor cores with
 * 10-bit mantissa inputs, FP32 accumulation). The mode is set per call because it is handle state.
 */
public final class Cublas {
    private static final int CUBLAS_OP_N = 0, CUBLAS_OP_T = 1;
    private static final int CUBLAS_DEFAULT_MATH = 0, CUBLAS_TF32_TENSOR_OP_MATH = 3;

    private static final OnceOrReason<Cublas> ONCE = new OnceOrReason<>("cuBLAS", () -> new Cublas(CudaDriver.get()));

    /** The process-wide handle; CudaUnavailableException if the driver or the library is missing. */
    public static Cublas get() { return ONCE.get(); }

    public static boolean available() { return ONCE.available(); }

    private final CudaDriver driver;
    private final NativeLibrary lib;
    private final long handle;
    private final MethodHandle setMathMode, sgemm, sgemmStridedBatched, getStatusString;
    private int currentMathMode = -1;
    private final MemorySegment alpha, beta0, beta1; // host scalars (CUBLAS_POINTER_MODE_HOST, the default)

    /** A separate instance on an explicit library file and driver (tests with stub libraries). */
    public static Cublas load(CudaDriver driver, java.nio.file.Path libcublas) {
        return new Cublas(driver, NativeLibrary.openFile(libcublas));
    }

    private Cublas(CudaDriver driver) {
        this(driver, NativeLibrary.open("libcublas.so.13"));
    }

    private Cublas(CudaDriver driver, NativeLibrary lib) {
        this.driver = driver;
        this.lib = lib;
        getStatusString = lib.bind("cublasGetStatusString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        MethodHandle create = lib.bind("cublasCreate_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        MethodHandle setStream = lib.bind("cublasSetStream_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
        setMathMode = lib.bind("cublasSetMathMode", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT));
        // cublasSgemm_v2(handle, transa, transb, m, n, k, const float* alpha, const float* A, int lda,
        //                const float* B, int ldb, const float* beta, float* C, int ldc)
        sgemm = lib.bind("cublasSgemm_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
        // cublasSgemmStridedBatched(handle, transa, transb, m, n, k, alpha, A, lda, long long strideA,
        //                           B, ldb, long long strideB, beta, C, ldc, long long strideC, int batchCount)
        sgemmStridedBatched = lib.bind("cublasSgemmStridedBatched", FunctionDescriptor.of(JAVA_INT, JAVA_LONG,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_LONG,
                JAVA_LONG, JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
        Arena global = Arena.global();
        alpha = global.allocateFrom(JAVA_FLOAT, 1f);
        beta0 = global.allocateFrom(JAVA_FLOAT, 0f);
        beta1 = global.allocateFrom(JAVA_FLOAT, 1f);
        try (Arena a = Arena.ofConfined()) {
            driver.ensureContext(); // cuBLAS's runtime adopts the context current on this thread
            MemorySegment out = a.allocate(ADDRESS);
            check("cublasCreate_v2", "", CudaDriver.call(() -> (int) create.invokeExact(out)));
            handle = out.get(JAVA_LONG, 0);
            long stream = driver.stream();
            check("cublasSetStream_v2", "", CudaDriver.call(() -> (int) setStream.invokeExact(handle, stream)));
        }
    }

    /**
     * Row-major C[m, n] = op(A) op(B) (+ C when accumulate). A is [m, k] ([k, m] if transA),
     * B is [k, n] ([n, k] if transB); all three are contiguous device buffers of floats.
     * Queued on the driver's stream.
     */
    public synchronized void sgemmRowMajor(boolean transA, boolean transB, int m, int n, int k,
                                           long a, long b, long c, boolean accumulate, boolean tf32) {
        checkSizes(m, n, k, 1);
        driver.ensureContext();
        setMath(tf32);
        int lda = transA ? m : k, ldb = transB ? k : n;
        MemorySegment beta = accumulate ? beta1 : beta0;
        int rc = CudaDriver.call(() -> (int) sgemm.invokeExact(handle, transB ? CUBLAS_OP_T : CUBLAS_OP_N,
                transA ? CUBLAS_OP_T : CUBLAS_OP_N, n, m, k, alpha, b, ldb, a, lda, beta, c, n));
        check("cublasSgemm_v2", "m=" + m + " n=" + n + " k=" + k + " transA=" + transA + " transB=" + transB, rc);
    }

    /**
     * Row-major C[i] = op(A[i]) op(B[i]) for i < batch, operand i starting at base + i * stride
     * (elements). A stride of 0 shares that operand across the batch. C is overwritten.
     */
    public synchronized void sgemmStridedBatchedRowMajor(boolean transA, boolean transB, int batch, int m, int n, int k,
                                                         long a, long strideA, long b, long strideB,
                                                         long c, long strideC, boolean tf32) {
        checkSizes(m, n, k, batch);
        if (strideA < 0 || strideB < 0 || strideC < (long) m * n)
            throw new IllegalArgumentException("strides: expected strideA, strideB >= 0 and strideC >= m*n = "
                    + (long) m * n + ", got " + strideA + ", " + strideB + ", " + strideC);
        driver.ensureContext();
        setMath(tf32);
        int lda = transA ? m : k, ldb = transB ? k : n;
        int rc = CudaDriver.call(() -> (int) sgemmStridedBatched.invokeExact(handle, transB ? CUBLAS_OP_T : CUBLAS_OP_N,
                transA ? CUBLAS_OP_T : CUBLAS_OP_N, n, m, k, alpha, b, ldb, strideB, a, lda, strideA, beta0, c, n, strideC, batch));
        check("cublasSgemmStridedBatched", "batch=" + batch + " m=" + m + " n=" + n + " k=" + k, rc);
    }

    private static void checkSizes(int m, int n, int k, int batch) {
        if (m < 1 || n < 1 || k < 1 || batch < 1)
            throw new IllegalArgumentException("sgemm sizes: expected m, n, k, batch >= 1, got m=" + m + " n=" + n
                    + " k=" + k + " batch=" + batch);
    }

    private void setMath(boolean tf32) {
        int mode = tf32 ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH;
        if (mode == currentMathMode) return;
        check("cublasSetMathMode", "mode=" + mode, CudaDriver.call(() -> (int) setMathMode.invokeExact(handle, mode)));
        currentMathMode = mode;
    }

    private void check(String function, String args, int status) {
        if (status == 0) return;
        String detail = "";
        try {
            MemorySegment s = (MemorySegment) getStatusString.invokeExact(status);
            if (!s.equals(MemorySegment.NULL)) detail = s.reinterpret(1024).getString(0);
        } catch (Throwable ignored) {
            // the name from our table is still reported
        }
        throw new CudaException(CudaException.Library.CUBLAS, function, status,
                CudaErrors.message(function, args, CudaErrors.cublasStatusName(status), status, detail));
    }
}
