package dsr3d.tensor.cpu.simd;

/** Fused VQ nearest-codeword search in float32.
 *  PLACEHOLDER: direct loops; to be a GEMM tile + row norms + running argmin. */
public final class VqNearestSimd {
    private VqNearestSimd() {}

    public static void nearest(float[] z, float[] codebook, int n, int k, int d, int[] out) {
        for (int i = 0; i < n; i++) {
            int best = 0;
            float bestDist = Float.POSITIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                float dist = 0;
                for (int p = 0; p < d; p++) {
                    float diff = z[i * d + p] - codebook[j * d + p];
                    dist += diff * diff;
                }
                if (dist < bestDist) { bestDist = dist; best = j; }
            }
            out[i] = best;
        }
    }
}
