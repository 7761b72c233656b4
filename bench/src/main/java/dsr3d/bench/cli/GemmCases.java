package dsr3d.bench.cli;

import dsr3d.tensor.cpu.simd.Sgemm;

import java.util.List;

/** Square SGEMM C[n x n] = A[n x n] * B[n x n], row-major, no transposes: 2 n^3 FLOPs. */
public final class GemmCases {
    private GemmCases() {}

    public static final List<Integer> QUICK_SIZES = List.of(256, 512, 1024);
    public static final List<Integer> FULL_SIZES = List.of(256, 512, 1024, 1536, 2048);

    public static BenchCase of(int n) {
        if (n < 1 || n > 16384) throw new IllegalArgumentException("--sizes: GEMM size must be in 1..16384, got " + n);
        return new BenchCase("gemm", "n=" + n, "C=A*B", 2.0 * n * n * n, () -> {
            float[] a = BenchData.random(n * n, 1), b = BenchData.random(n * n, 2), c = new float[n * n];
            return () -> Sgemm.sgemm(false, false, n, n, n, a, 0, n, b, 0, n, c, 0, n, false);
        });
    }
}
