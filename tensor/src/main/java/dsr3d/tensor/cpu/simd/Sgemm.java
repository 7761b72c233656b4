package dsr3d.tensor.cpu.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision GEMM on row-major float arrays:
 * C[m x n] = op(A) * op(B)  (+ C when accumulate), op(A) m x k, op(B) k x n.
 * A is read as a[aOff + i*lda + p] (or a[aOff + p*lda + i] when transA); B likewise with ldb.
 *
 * <p>Big problems go to {@link GemmDriver} (packed panels, cache blocking, Vector API
 * micro-kernel, threads over C). Small ones (under {@link #SMALL_MACS} multiply-adds) run plain
 * loops vectorised over j, which beat packing and thread hand-off at that size. With a vector
 * species under 4 lanes, or {@code -Ddsr3d.simd=false} (then the CPU backend does not call the
 * fast kernels at all; only direct calls, as in tests and benchmarks, get here), everything runs
 * scalar float loops.
 */
public final class Sgemm {
    private Sgemm() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Whether the Vector API paths are used at all. */
    public static final boolean SIMD = dsr3d.tensor.Config.SIMD && S.length() >= 4;
    /** Problems below this many multiply-adds skip packing and threading. */
    static final long SMALL_MACS = 40L * 40 * 40;

    /** The GEMM micro-kernel in use, e.g. "6 x 16 floats (6 rows x 2 vectors of 8), the default". */
    public static String kernelDescription() { return GemmKernel.describe(); }

    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, boolean accumulate) {
        check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0) {
            if (!accumulate) for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            return;
        }
        if (!SIMD) {
            scalar(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        } else if ((long) m * n * k < SMALL_MACS) {
            small(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        } else {
            GemmDriver.gemm(m, n, k, GemmPanelSource.Dense.ofA(transA, a, aOff, lda),
                    GemmPanelSource.Dense.ofB(transB, b, bOff, ldb), c, cOff, ldc, accumulate);
        }
    }

    private static void check(boolean transA, boolean transB, int m, int n, int k,
                              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) throw new IllegalArgumentException("sgemm: sizes must be >= 0, got m=" + m + " n=" + n + " k=" + k);
        int aCols = transA ? m : k, aRows = transA ? k : m, bCols = transB ? k : n, bRows = transB ? n : k;
        if (m == 0 || n == 0) return;
        need("a", a, aOff, lda, aRows, aCols);
        need("b", b, bOff, ldb, bRows, bCols);
        need("c", c, cOff, ldc, m, n);
    }

    private static void need(String name, float[] x, int off, int ld, int rows, int cols) {
        if (rows == 0 || cols == 0) return;
        if (ld < cols) throw new IllegalArgumentException("sgemm: ld" + name + "=" + ld + " must be >= " + cols);
        long last = off + (long) (rows - 1) * ld + cols;
        if (off < 0 || last > x.length)
            throw new IllegalArgumentException("sgemm: " + name + " needs " + rows + "x" + cols + " floats at offset " + off
                    + " with ld " + ld + " (up to index " + last + "), but has length " + x.length);
    }

    /** Plain loops, vectorised over j where B rows are contiguous; for small problems. */
    private static void small(boolean transA, boolean transB, int m, int n, int k,
                              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float[] c, int cOff, int ldc, boolean accumulate) {
        if (transB) { scalar(transA, true, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate); return; }
        int L = S.length(), nv = n - n % L;
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (!accumulate) java.util.Arrays.fill(c, ci, ci + n, 0f);
            for (int p = 0; p < k; p++) {
                float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                int bp = bOff + p * ldb;
                FloatVector va = FloatVector.broadcast(S, av);
                int j = 0;
                for (; j < nv; j += L)
                    va.fma(FloatVector.fromArray(S, b, bp + j), FloatVector.fromArray(S, c, ci + j)).intoArray(c, ci + j);
                for (; j < n; j++) c[ci + j] += av * b[bp + j];
            }
        }
    }

    /** Scalar fallback (no Vector API); dot products in p for each C element. */
    static void scalar(boolean transA, boolean transB, int m, int n, int k,
                       float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc, boolean accumulate) {
        int aI = transA ? 1 : lda, aP = transA ? lda : 1, bP = transB ? 1 : ldb, bJ = transB ? ldb : 1;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0f;
                int ap = aOff + i * aI, bp = bOff + j * bJ;
                for (int p = 0; p < k; p++, ap += aP, bp += bP) s += a[ap] * b[bp];
                int ci = cOff + i * ldc + j;
                c[ci] = accumulate ? c[ci] + s : s;
            }
        }
    }
}
