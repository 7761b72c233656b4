// vq_ema.cu: the EMA codebook update of VectorQuantizerEMA (nn/.../vq/VectorQuantizerEMA.emaUpdate)
// after a nearest-codeword search gave idx [n] for the rows of z [n, d]:
//   counts[j] = #{i : idx[i] = j};   sums[j, :] = sum of z[i, :] over those i
//   N = decay * N + (1 - decay) * counts                  (N = _ema_cluster_size [k])
//   total = sum N;  N = (N + eps) / (total + k * eps) * total      (Laplace smoothing)
//   m = decay * m + (1 - decay) * sums                    (m = _ema_w [k, d])
//   e = m / N[:, None]                                   (e = _embedding.weight [k, d])
// The Backend SPI has no such op yet; VqEmaLaunch exposes it, and the reference is the formula above.
//
// Versions:
//  vq_ema_forward_counts_v1   one thread per (row, dim) element of z: atomicAdd into sums, and the
//                             dim-0 thread adds 1 to counts (counts and sums zeroed by the launcher)
//  vq_ema_forward_smooth_v1   a single block: decays N, sums it with a block reduction, smooths it
//  vq_ema_forward_update_v1   one thread per (codeword, dim): decays m and writes e = m / N
#include "common.cuh"

// z [n, d]; idx [n] (in range, from the nearest search); counts [k]; sums [k, d]
extern "C" __global__ void vq_ema_forward_counts_v1(const float* z, const int* idx, int n, int d, float* counts, float* sums) {
    int total = n * d;
    GRID_STRIDE(el, total) {
        int i = el / d, p = el % d, j = idx[i];
        atomicAdd(&sums[(size_t) j * d + p], z[el]);
        if (p == 0) atomicAdd(&counts[j], 1.f);
    }
}

// clusterSize, counts [k]; launched as ONE block (a multiple of 32 threads) that loops over k.
extern "C" __global__ void vq_ema_forward_smooth_v1(float* clusterSize, const float* counts, int k, float decay, float eps) {
    float part = 0.f;
    for (int j = threadIdx.x; j < k; j += blockDim.x) {
        float v = decay * clusterSize[j] + (1.f - decay) * counts[j];
        clusterSize[j] = v;
        part += v;
    }
    float total = block_sum(part);   // its barriers also order the writes above before the reads below
    for (int j = threadIdx.x; j < k; j += blockDim.x)
        clusterSize[j] = (clusterSize[j] + eps) / (total + k * eps) * total;
}

// emaW, sums, embedding [k, d]; clusterSize [k] (smoothed)
extern "C" __global__ void vq_ema_forward_update_v1(float* emaW, const float* sums, const float* clusterSize, int k, int d,
                                                    float decay, float* embedding) {
    int total = k * d;
    GRID_STRIDE(el, total) {
        float m = decay * emaW[el] + (1.f - decay) * sums[el];
        emaW[el] = m;
        embedding[el] = m / clusterSize[el / d];
    }
}
