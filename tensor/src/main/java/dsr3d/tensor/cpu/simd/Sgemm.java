package dsr3d.tensor.cpu.simd;

/**
 * Single-precision GEMM on row-major float arrays:
 * C[m x n] = op(A) * op(B)  (+ C when accumulate), op(A) m x k, op(B) k x n.
 * A is read as a[aOff + i*lda + p] (or a[aOff + p*lda + i] when transA); B likewise with ldb.
 *
 * <p>PLACEHOLDER: plain i-k-j loops; to be replaced by a packed, blocked, Vector API, threaded kernel.
 */
public final class Sgemm {
    private Sgemm() {}

    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (!accumulate) java.util.Arrays.fill(c, ci, ci + n, 0f);
            for (int p = 0; p < k; p++) {
                float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                if (av == 0f) continue;
                for (int j = 0; j < n; j++) {
                    float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    c[ci + j] += av * bv;
                }
            }
        }
    }
}
