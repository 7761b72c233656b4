package dsr3d.tensor.cpu;

/** Reference matrix products and the VQ nearest-codeword search, double precision. */
public final class MatMulCpu {
    private MatMulCpu() {}

    /** C[b] (m x n) = op(A[b]) * op(B[b]); see Backend.matmul for the layouts. */
    public static void matmul(boolean transA, boolean transB, int batch, int m, int n, int k,
                              double[] a, int aBatchStride, double[] b, int bBatchStride, double[] c) {
        for (int bt = 0; bt < batch; bt++) {
            int ao = bt * aBatchStride, bo = bt * bBatchStride, co = bt * m * n;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        double av = transA ? a[ao + p * m + i] : a[ao + i * k + p];
                        double bv = transB ? b[bo + j * k + p] : b[bo + p * n + j];
                        s += av * bv;
                    }
                    c[co + i * n + j] = s;
                }
            }
        }
    }

    /** out[i] = argmin_j ||z_i - e_j||^2, summed as exact squared differences in double. Lowest j
     *  wins ties, as torch.argmin. (Fast versions use ||e_j||^2 - 2 z_i.e_j in float, so on
     *  near-ties they may pick another index at the same distance within rounding.) */
    public static void vqNearest(double[] z, double[] codebook, int n, int k, int d, int[] out) {
        for (int i = 0; i < n; i++) {
            int best = 0;
            double bestDist = Double.POSITIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                double dist = 0;
                for (int p = 0; p < d; p++) {
                    double diff = z[i * d + p] - codebook[j * d + p];
                    dist += diff * diff;
                }
                if (dist < bestDist) { bestDist = dist; best = j; }
            }
            out[i] = best;
        }
    }
}
