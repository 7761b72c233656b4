// matmul.cu: batched C[b] (m x n) = op(A[b]) * op(B[b]), op = transpose when requested.
// Reference: tensor/.../cpu/MatMulCpu.matmul. Layouts: A [m, k] (transA: [k, m]), B [k, n]
// (transB: [n, k]), C [m, n], all row-major; batch strides in elements, 0 shares an operand.
// The batch runs on gridDim.z (the launcher loops over chunks of 65535).
//
// Versions:
//  matmul_forward_v1   one thread per C element, the reference's dot loop (naive)
//  matmul_forward_v2   32x32 shared-memory tiles of A and B, each thread one C element
//  matmul_forward_v3   register blocking (2-D tiling): 128x128 block tile, BK = 8, each of 256
//                      threads accumulates an 8x8 C sub-tile from register-cached A and B values
//  matmul_forward_v4   TF32 tensor cores (wmma m16n16k8, fp32 accumulate): 64x64 block tile,
//                      four warps of 32x32; inputs rounded to TF32 (about 1e-3 relative error)
#include "common.cuh"
#include <mma.h>

// A(i, p) and B(p, j) read through the transpose flags.
__device__ __forceinline__ float load_a(const float* a, int transA, int m, int k, int i, int p) {
    return transA ? a[(size_t) p * m + i] : a[(size_t) i * k + p];
}
__device__ __forceinline__ float load_b(const float* b, int transB, int n, int k, int p, int j) {
    return transB ? b[(size_t) j * k + p] : b[(size_t) p * n + j];
}

extern "C" __global__ void matmul_forward_v1(int transA, int transB, int m, int n, int k,
                                             const float* a, long long aBatchStride, const float* b, long long bBatchStride, float* c) {
    a += blockIdx.z * aBatchStride;
    b += blockIdx.z * bBatchStride;
    c += (size_t) blockIdx.z * m * n;
    int j = blockIdx.x * blockDim.x + threadIdx.x, i = blockIdx.y * blockDim.y + threadIdx.y;
    if (i >= m || j >= n) return;
    float s = 0.f;
    for (int p = 0; p < k; p++) s += load_a(a, transA, m, k, i, p) * load_b(b, transB, n, k, p, j);
    c[(size_t) i * n + j] = s;
}

#define T2 32
// block (32, 32): thread (tx, ty) owns C[by*32 + ty, bx*32 + tx]
extern "C" __global__ void __launch_bounds__(1024) matmul_forward_v2(int transA, int transB, int m, int n, int k,
        const float* __restrict__ a, long long aBatchStride, const float* __restrict__ b, long long bBatchStride, float* __restrict__ c) {
    __shared__ float As[T2][T2 + 1];   // +1: no bank conflicts when a transposed A is written column-wise
    __shared__ float Bs[T2][T2 + 1];
    a += blockIdx.z * aBatchStride;
    b += blockIdx.z * bBatchStride;
    c += (size_t) blockIdx.z * m * n;
    int tx = threadIdx.x, ty = threadIdx.y;
    int i = blockIdx.y * T2 + ty, j = blockIdx.x * T2 + tx;
    float s = 0.f;
    for (int p0 = 0; p0 < k; p0 += T2) {
        // As[ty][tx] = A(i, p0 + tx); Bs[ty][tx] = B(p0 + ty, j); out of range -> 0.
        // For transposed operands swap the roles of tx and ty so global reads stay coalesced.
        if (!transA) { int p = p0 + tx; As[ty][tx] = (i < m && p < k) ? a[(size_t) i * k + p] : 0.f; }
        else { int ii = blockIdx.y * T2 + tx, p = p0 + ty; As[tx][ty] = (ii < m && p < k) ? a[(size_t) p * m + ii] : 0.f; }
        if (!transB) { int p = p0 + ty; Bs[ty][tx] = (p < k && j < n) ? b[(size_t) p * n + j] : 0.f; }
        else { int jj = blockIdx.x * T2 + ty, p = p0 + tx; Bs[tx][ty] = (p < k && jj < n) ? b[(size_t) jj * k + p] : 0.f; }
        __syncthreads();
#pragma unroll
        for (int q = 0; q < T2; q++) s += As[ty][q] * Bs[q][tx];
        __syncthreads();
    }
    if (i < m && j < n) c[(size_t) i * n + j] = s;
}

#define BM3 128
#define BN3 128
#define BK3 8
#define TM3 8
#define TN3 8
// 256 threads, thread (tx = t % 16, ty = t / 16) owns C rows ty + 16*r and columns tx + 16*s
// (interleaved, so shared reads are conflict-free and global stores coalesce).
extern "C" __global__ void __launch_bounds__(256) matmul_forward_v3(int transA, int transB, int m, int n, int k,
        const float* __restrict__ a, long long aBatchStride, const float* __restrict__ b, long long bBatchStride, float* __restrict__ c) {
    __shared__ float As[BK3][BM3];   // A tile stored k-major: As[p][i]
    __shared__ float Bs[BK3][BN3];   // Bs[p][j]
    a += blockIdx.z * aBatchStride;
    b += blockIdx.z * bBatchStride;
    c += (size_t) blockIdx.z * m * n;
    int t = threadIdx.x, tx = t & 15, ty = t >> 4;
    int row0 = blockIdx.y * BM3, col0 = blockIdx.x * BN3;
    float acc[TM3][TN3];
#pragma unroll
    for (int r = 0; r < TM3; r++)
#pragma unroll
        for (int s = 0; s < TN3; s++) acc[r][s] = 0.f;
    float ra[TM3], rb[TN3];
    for (int p0 = 0; p0 < k; p0 += BK3) {
        // 1024 elements of each tile, 4 per thread; the index order follows the contiguous dimension.
#pragma unroll
        for (int l = 0; l < 4; l++) {
            int e = t + 256 * l;
            int ii, pp;
            if (!transA) { ii = e / BK3; pp = e % BK3; } else { ii = e % BM3; pp = e / BM3; }
            int gi = row0 + ii, gp = p0 + pp;
            As[pp][ii] = (gi < m && gp < k) ? load_a(a, transA, m, k, gi, gp) : 0.f;
            int jj, qq;
            if (!transB) { jj = e % BN3; qq = e / BN3; } else { jj = e / BK3; qq = e % BK3; }
            int gj = col0 + jj, gq = p0 + qq;
            Bs[qq][jj] = (gj < n && gq < k) ? load_b(b, transB, n, k, gq, gj) : 0.f;
        }
        __syncthreads();
#pragma unroll
        for (int p = 0; p < BK3; p++) {
#pragma unroll
            for (int r = 0; r < TM3; r++) ra[r] = As[p][ty + 16 * r];
#pragma unroll
            for (int s = 0; s < TN3; s++) rb[s] = Bs[p][tx + 16 * s];
#pragma unroll
            for (int r = 0; r < TM3; r++)
#pragma unroll
                for (int s = 0; s < TN3; s++) acc[r][s] = fmaf(ra[r], rb[s], acc[r][s]);
        }
        __syncthreads();
    }
#pragma unroll
    for (int r = 0; r < TM3; r++) {
        int gi = row0 + ty + 16 * r;
        if (gi >= m) continue;
#pragma unroll
        for (int s = 0; s < TN3; s++) {
            int gj = col0 + tx + 16 * s;
            if (gj < n) c[(size_t) gi * n + gj] = acc[r][s];
        }
    }
}

#define BM4 64
#define BN4 64
#define BK4 16
#define PAD4 4   // keeps rows 16-byte aligned (wmma ldm must be a multiple of 4 floats) and spreads banks
// 128 threads = 4 warps in a 2x2 layout; warp (wy, wx) owns the 32x32 C tile at (wy*32, wx*32) as 2x2 fragments.
extern "C" __global__ void __launch_bounds__(128) matmul_forward_v4(int transA, int transB, int m, int n, int k,
        const float* __restrict__ a, long long aBatchStride, const float* __restrict__ b, long long bBatchStride, float* __restrict__ c) {
    using namespace nvcuda;
    __shared__ __align__(32) float As[BM4][BK4 + PAD4];   // As[i][p]
    __shared__ __align__(32) float Bs[BK4][BN4 + PAD4];   // Bs[p][j]
    __shared__ __align__(32) float Cs[BM4][BN4 + PAD4];
    a += blockIdx.z * aBatchStride;
    b += blockIdx.z * bBatchStride;
    c += (size_t) blockIdx.z * m * n;
    int t = threadIdx.x, warp = t >> 5, wy = warp >> 1, wx = warp & 1;
    int row0 = blockIdx.y * BM4, col0 = blockIdx.x * BN4;
    wmma::fragment<wmma::accumulator, 16, 16, 8, float> acc[2][2];
#pragma unroll
    for (int fi = 0; fi < 2; fi++)
#pragma unroll
        for (int fj = 0; fj < 2; fj++) wmma::fill_fragment(acc[fi][fj], 0.f);
    for (int p0 = 0; p0 < k; p0 += BK4) {
        // 1024 elements per tile, 8 per thread, zero-padded outside the matrix, rounded to TF32
#pragma unroll
        for (int l = 0; l < 8; l++) {
            int e = t + 128 * l;
            int ii, pp;
            if (!transA) { ii = e / BK4; pp = e % BK4; } else { ii = e % BM4; pp = e / BM4; }
            int gi = row0 + ii, gp = p0 + pp;
            As[ii][pp] = wmma::__float_to_tf32((gi < m && gp < k) ? load_a(a, transA, m, k, gi, gp) : 0.f);
            int jj, qq;
            if (!transB) { jj = e % BN4; qq = e / BN4; } else { jj = e / BK4; qq = e % BK4; }
            int gj = col0 + jj, gq = p0 + qq;
            Bs[qq][jj] = wmma::__float_to_tf32((gj < n && gq < k) ? load_b(b, transB, n, k, gq, gj) : 0.f);
        }
        __syncthreads();
#pragma unroll
        for (int kk = 0; kk < BK4; kk += 8) {
            wmma::fragment<wmma::matrix_a, 16, 16, 8, wmma::precision::tf32, wmma::row_major> fa[2];
            wmma::fragment<wmma::matrix_b, 16, 16, 8, wmma::precision::tf32, wmma::row_major> fb[2];
#pragma unroll
            for (int f = 0; f < 2; f++) {
                wmma::load_matrix_sync(fa[f], &As[wy * 32 + f * 16][kk], BK4 + PAD4);
                wmma::load_matrix_sync(fb[f], &Bs[kk][wx * 32 + f * 16], BN4 + PAD4);
            }
#pragma unroll
            for (int fi = 0; fi < 2; fi++)
#pragma unroll
                for (int fj = 0; fj < 2; fj++) wmma::mma_sync(acc[fi][fj], fa[fi], fb[fj], acc[fi][fj]);
        }
        __syncthreads();
    }
#pragma unroll
    for (int fi = 0; fi < 2; fi++)
#pragma unroll
        for (int fj = 0; fj < 2; fj++)
            wmma::store_matrix_sync(&Cs[wy * 32 + fi * 16][wx * 32 + fj * 16], acc[fi][fj], BN4 + PAD4, wmma::mem_row_major);
    __syncthreads();
    for (int e = t; e < BM4 * BN4; e += 128) {   // guarded, coalesced copy of the tile to C
        int ii = e / BN4, jj = e % BN4, gi = row0 + ii, gj = col0 + jj;
        if (gi < m && gj < n) c[(size_t) gi * n + gj] = Cs[ii][jj];
    }
}
