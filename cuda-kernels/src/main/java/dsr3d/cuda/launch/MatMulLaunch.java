package dsr3d.cuda.launch;

import dsr3d.cuda.driver.KernelArgs;

/**
 * Launcher of matmul.cu: batched C[b] = op(A[b]) op(B[b]) (layouts as Backend.matmul). The batch
 * is gridDim.z, launched in chunks of at most 65535 with the pointers advanced per chunk.
 * v1 16x16 threads per block, one C element each; v2 32x32 threads, 32x32 tiles; v3 256 threads
 * per 128x128 tile; v4 (TF32) 128 threads per 64x64 tile.
 */
public final class MatMulLaunch {
    private MatMulLaunch() {}

    /** C tile edge of each version (rows and columns per block). */
    static int tile(int version) {
        return switch (version) {
            case 1 -> 16;
            case 2 -> 32;
            case 3 -> 128;
            case 4 -> 64;
            default -> throw Launch.badVersion("matmul_forward", version, 1, 2, 3, 4);
        };
    }

    public static void forward(int version, boolean transA, boolean transB, int batch, int m, int n, int k,
                               long a, long aBatchStride, long b, long bBatchStride, long c) {
        int t = tile(version);
        if (batch < 0 || m < 0 || n < 0 || k < 0)
            throw new IllegalArgumentException("matmul: sizes must be >= 0, got batch=" + batch + " m=" + m + " n=" + n + " k=" + k);
        if (batch == 0 || m == 0 || n == 0) return;
        if (k == 0) {   // an empty sum: C = 0 (the kernels would also write zeros; skip the work)
            ElementwiseLaunch.fill(1, c, 0, Math.multiplyExact(Math.multiplyExact(batch, m), n));
            return;
        }
        int gx = (n + t - 1) / t, gy = (m + t - 1) / t;
        if (gy > 65535) throw new IllegalArgumentException("matmul_forward_v" + version + ": m=" + m + " needs " + gy + " row blocks, more than 65535");
        String name = "matmul_forward_v" + version;
        for (int b0 = 0; b0 < batch; b0 += 65535) {
            int chunk = Math.min(65535, batch - b0);
            KernelArgs args = KernelArgs.of().i32(transA ? 1 : 0).i32(transB ? 1 : 0).i32(m).i32(n).i32(k)
                    .ptr(a + 4L * b0 * aBatchStride).i64(aBatchStride).ptr(b + 4L * b0 * bBatchStride).i64(bBatchStride)
                    .ptr(c + 4L * b0 * m * n);
            switch (version) {
                case 1 -> Launch.run(name, gx, gy, chunk, 16, 16, 1, 0, args);
                case 2 -> Launch.run(name, gx, gy, chunk, 32, 32, 1, 0, args);
                case 3 -> Launch.run(name, gx, gy, chunk, 256, 1, 1, 0, args);
                case 4 -> Launch.run(name, gx, gy, chunk, 128, 1, 1, 0, args);
                default -> throw Launch.badVersion("matmul_forward", version, 1, 2, 3, 4);
            }
        }
    }
}
