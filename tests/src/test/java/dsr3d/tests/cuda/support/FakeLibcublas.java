package dsr3d.tests.cuda.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A stub libcublas.so.13 whose SGEMMs are the textbook column-major BLAS definition
 * (C = alpha op(A) op(B) + beta C, element (i, j) at i + j * ld), run on the host over the
 * stub libcuda's host-memory "device pointers". It lets a CPU test check Cublas's row-major
 * operand swap, leading dimensions and strides against the double-precision reference: the stub
 * knows nothing of row-major. No cuBLAS header is installed here, so the prototypes follow
 * NVIDIA's documented ones (cublas_api.h) by hand. The stub verifies the stream it was given.
 */
public final class FakeLibcublas {
    private FakeLibcublas() {}

    public static Path build(Path dir) throws IOException, InterruptedException {
        Path src = dir.resolve("fake_cublas.c"), lib = dir.resolve("libcublas.so.13");
        Files.writeString(src, SOURCE);
        Process p = new ProcessBuilder("cc", "-O2", "-Wall", "-Werror", "-shared", "-fPIC", "-o", lib.toString(), src.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0)
            throw new IOException("building the stub libcublas failed:\n" + out);
        return lib;
    }

    public static final String SOURCE = """
            #include <stddef.h>
            typedef int cublasStatus_t;      /* CUBLAS_STATUS_SUCCESS 0, NOT_INITIALIZED 1, INVALID_VALUE 7 */
            typedef void *cublasHandle_t;
            typedef void *cudaStream_t;
            typedef int cublasOperation_t;   /* CUBLAS_OP_N 0, CUBLAS_OP_T 1 */
            typedef int cublasMath_t;

            static int handle_storage, stream_ok, math_mode = -1;

            const char *cublasGetStatusString(cublasStatus_t s) {
                return s == 7 ? "the requested functionality is not supported or invalid (fake)" : "fake status";
            }
            cublasStatus_t cublasCreate_v2(cublasHandle_t *h) { *h = &handle_storage; return 0; }
            cublasStatus_t cublasSetStream_v2(cublasHandle_t h, cudaStream_t s) {
                stream_ok = (s == (cudaStream_t) 0x5678);
                return h == &handle_storage ? 0 : 1;
            }
            cublasStatus_t cublasSetMathMode(cublasHandle_t h, cublasMath_t m) {
                if (m != 0 && m != 3) return 7;
                math_mode = m;
                return 0;
            }
            int fake_cublas_math_mode(void) { return math_mode; }

            static cublasStatus_t gemm(cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k,
                                       const float *alpha, const float *A, int lda, const float *B, int ldb,
                                       const float *beta, float *C, int ldc) {
                if (!stream_ok) return 1;
                if (!A || !B || !C) return 7; /* the stub's own rule, to provoke an error safely */
                /* BLAS argument checks: ld of an operand >= its stored row count */
                if (lda < (ta == 0 ? m : k) || ldb < (tb == 0 ? k : n) || ldc < m) return 7;
                for (int j = 0; j < n; j++)
                    for (int i = 0; i < m; i++) {
                        double s = 0;
                        for (int l = 0; l < k; l++) {
                            double a = ta == 0 ? A[i + (size_t) l * lda] : A[l + (size_t) i * lda];
                            double b = tb == 0 ? B[l + (size_t) j * ldb] : B[j + (size_t) l * ldb];
                            s += a * b;
                        }
                        float *c = &C[i + (size_t) j * ldc];
                        *c = (float) (*alpha * s + (*beta == 0 ? 0 : *beta * *c));
                    }
                return 0;
            }
            cublasStatus_t cublasSgemm_v2(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k,
                                          const float *alpha, const float *A, int lda, const float *B, int ldb,
                                          const float *beta, float *C, int ldc) {
                return gemm(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
            }
            cublasStatus_t cublasSgemmStridedBatched(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb,
                                                     int m, int n, int k, const float *alpha,
                                                     const float *A, int lda, long long sA,
                                                     const float *B, int ldb, long long sB, const float *beta,
                                                     float *C, int ldc, long long sC, int batch) {
                for (int b = 0; b < batch; b++) {
                    cublasStatus_t r = gemm(ta, tb, m, n, k, alpha, A + b * sA, lda, B + b * sB, ldb, beta, C + b * sC, ldc);
                    if (r) return r;
                }
                return 0;
            }
            """;
}
