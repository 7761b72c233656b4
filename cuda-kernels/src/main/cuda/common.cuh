// common.cuh: helpers shared by every kernel file (ceil_div, warp/block reductions, op codes).
//
// Conventions of all our kernels (see KernelCatalog.java for the list of every kernel):
//  - extern "C" __global__ so names are not mangled and Java looks them up by the catalogue name;
//  - names <op>_<forward|backward>[_part]_vN; v1 is a literal port of the CPU reference loop
//    (tensor/src/main/java/dsr3d/tensor/cpu/*Cpu.java), later versions are faster;
//  - flat row-major buffers with explicit int sizes, float data, int indices;
//  - every kernel guards its bounds, so any grid that covers the work is correct.
#pragma once
#include <cuda_runtime.h>
#include <math.h>
#include <stdint.h>

#define DSR_MAX_RANK 6   // strided kernels take shapes/strides as 6 int arguments each (launcher pads/coalesces)

__device__ __forceinline__ int ceil_div(int a, int b) { return (a + b - 1) / b; }

// Java's Math.max/min: NaN wins (fmaxf would drop the NaN).
// On equal values (only +0 vs -0 can differ) max prefers +0 and min prefers -0, as Java does.
__device__ __forceinline__ float jmax(float a, float b) { return isnan(a) ? a : isnan(b) ? b : (a > b ? a : (b > a ? b : (signbit(a) ? b : a))); }
__device__ __forceinline__ float jmin(float a, float b) { return isnan(a) ? a : isnan(b) ? b : (a < b ? a : (b < a ? b : (signbit(a) ? a : b))); }

__device__ __forceinline__ float warp_sum(float v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

__device__ __forceinline__ float warp_max(float v) {
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

// Sum over the whole block (blockDim.x a multiple of 32, at most 1024); every thread gets the result.
// Starts with a barrier so it can be called several times in a row on the same scratch.
__device__ __forceinline__ float block_sum(float v) {
    __shared__ float partial[32];
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    v = warp_sum(v);
    __syncthreads();
    if (lane == 0) partial[warp] = v;
    __syncthreads();
    v = lane < warps ? partial[lane] : 0.f;
    return warp_sum(v);
}

// Max over the whole block (no NaN handling; callers that need NaN semantics use their own pairs).
__device__ __forceinline__ float block_max(float v) {
    __shared__ float partial[32];
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    v = warp_max(v);
    __syncthreads();
    if (lane == 0) partial[warp] = v;
    __syncthreads();
    v = lane < warps ? partial[lane] : -INFINITY;
    return warp_max(v);
}

// Grid-stride loop over [0, n).
#define GRID_STRIDE(i, n) for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += blockDim.x * gridDim.x)

// Element type codes of the strided copy (must match ElementwiseLaunch.F32/I32).
#define DT_F32 0
#define DT_I32 1
