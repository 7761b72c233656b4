// vq_nearest.cu: for each of the n rows of z [n, d], the index of the nearest of the k rows of
// the codebook e [k, d] by squared Euclidean distance, the lowest index on ties. out: int [n].
// Reference: tensor/.../cpu/MatMulCpu.vqNearest (exact squared differences).
//
// Versions:
//  vq_nearest_forward_v1         one thread per row of z, exact squared differences against every
//                                codeword, strict < so the lowest index wins ties (literal port)
//  vq_nearest_forward_norms_v2   part of v2: ||e_j||^2 for every codeword, one thread per codeword
//  vq_nearest_forward_v2         distance tiles in shared memory with a running argmin: a block takes
//                                64 rows of z and walks the codebook in tiles of 64 codewords; each
//                                thread computes a 4x4 tile of z.e (BK = 16 slices of d in shared
//                                memory), scores ||e||^2 - 2 z.e (||z||^2 is the same for every
//                                codeword of a row) and keeps its best per row; the 16 threads that
//                                share a row then agree, lowest index on equal scores. The n x k
//                                distance matrix never exists. (In float the expansion may pick
//                                another codeword on near-ties within rounding.)
#include "common.cuh"

// z [n, d]; e [k, d]; out [n]
extern "C" __global__ void vq_nearest_forward_v1(const float* z, const float* e, int n, int k, int d, int* out) {
    GRID_STRIDE(i, n) {
        const float* zi = z + (size_t) i * d;
        int best = 0;
        float bestDist = INFINITY;
        for (int j = 0; j < k; j++) {
            const float* ej = e + (size_t) j * d;
            float dist = 0.f;
            for (int p = 0; p < d; p++) { float diff = zi[p] - ej[p]; dist += diff * diff; }
            if (dist < bestDist) { bestDist = dist; best = j; }
        }
        out[i] = best;
    }
}

// e [k, d]; norms [k]
extern "C" __global__ void vq_nearest_forward_norms_v2(const float* e, int k, int d, float* norms) {
    GRID_STRIDE(j, k) {
        const float* ej = e + (size_t) j * d;
        float s = 0.f;
        for (int p = 0; p < d; p++) s = fmaf(ej[p], ej[p], s);
        norms[j] = s;
    }
}

#define VQ_BM 64   // rows of z per block
#define VQ_BN 64   // codewords per tile
#define VQ_BK 16   // slice of d per shared-memory stage
// 256 threads; thread (tx = t % 16, ty = t / 16) owns rows ty + 16*r and codewords tx + 16*s of a tile.
// z [n, d]; e [k, d]; norms [k] from vq_nearest_forward_norms_v2; out [n]
extern "C" __global__ void __launch_bounds__(256) vq_nearest_forward_v2(const float* __restrict__ z, const float* __restrict__ e,
        const float* __restrict__ norms, int n, int k, int d, int* __restrict__ out) {
    __shared__ float Zs[VQ_BK][VQ_BM];
    __shared__ float Es[VQ_BK][VQ_BN];
    __shared__ float bestS[VQ_BM][17];   // per row, the 16 candidates of its threads (+1 against bank conflicts)
    __shared__ int bestJ[VQ_BM][17];
    int t = threadIdx.x, tx = t & 15, ty = t >> 4;
    int row0 = blockIdx.x * VQ_BM;
    float myBest[4];
    int myIdx[4];
#pragma unroll
    for (int r = 0; r < 4; r++) { myBest[r] = INFINITY; myIdx[r] = 0x7fffffff; }

    for (int j0 = 0; j0 < k; j0 += VQ_BN) {
        float acc[4][4] = {};
        for (int p0 = 0; p0 < d; p0 += VQ_BK) {
#pragma unroll
            for (int l = 0; l < 4; l++) {
                int el = t + 256 * l, ii = el / VQ_BK, pp = el % VQ_BK;   // d fastest: coalesced rows
                int gi = row0 + ii, gj = j0 + ii, gp = p0 + pp;
                Zs[pp][ii] = (gi < n && gp < d) ? z[(size_t) gi * d + gp] : 0.f;
                Es[pp][ii] = (gj < k && gp < d) ? e[(size_t) gj * d + gp] : 0.f;
            }
            __syncthreads();
#pragma unroll
            for (int p = 0; p < VQ_BK; p++) {
                float ra[4], rb[4];
#pragma unroll
                for (int r = 0; r < 4; r++) ra[r] = Zs[p][ty + 16 * r];
#pragma unroll
                for (int s = 0; s < 4; s++) rb[s] = Es[p][tx + 16 * s];
#pragma unroll
                for (int r = 0; r < 4; r++)
#pragma unroll
                    for (int s = 0; s < 4; s++) acc[r][s] = fmaf(ra[r], rb[s], acc[r][s]);
            }
            __syncthreads();
        }
        // codewords visited in increasing index order, strict < keeps the lowest on equal scores
#pragma unroll
        for (int s = 0; s < 4; s++) {
            int j = j0 + tx + 16 * s;
            if (j >= k) continue;
            float nj = norms[j];
#pragma unroll
            for (int r = 0; r < 4; r++) {
                float score = nj - 2.f * acc[r][s];
                if (score < myBest[r]) { myBest[r] = score; myIdx[r] = j; }
            }
        }
    }
    // Each thread saw its codewords in increasing index order; the 16 threads of a row are merged
    // comparing indices on equal scores.
#pragma unroll
    for (int r = 0; r < 4; r++) { bestS[ty + 16 * r][tx] = myBest[r]; bestJ[ty + 16 * r][tx] = myIdx[r]; }
    __syncthreads();
    if (t < VQ_BM && row0 + t < n) {
        float bs = bestS[t][0];
        int bj = bestJ[t][0];
        for (int q = 1; q < 16; q++) {
            float s2 = bestS[t][q];
            int j2 = bestJ[t][q];
            if (s2 < bs || (s2 == bs && j2 < bj)) { bs = s2; bj = j2; }
        }
        out[row0 + t] = bj == 0x7fffffff ? 0 : bj;   // all scores NaN: 0, as the reference's initial best
    }
}
