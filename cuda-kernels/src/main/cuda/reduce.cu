// reduce.cu: row reductions in [rows, cols] -> out [rows]: sum, max, min (float out), argmax, argmin (int out).
// Reference: tensor/.../cpu/ReduceCpu.reduceRows. Rules kept from it: ties go to the lowest index;
// NaN wins max/min (the first NaN of the row, as PyTorch propagates NaN).
//
// Versions:
//  reduce_rows_forward_v1   one thread per row, the reference loop as is (slow for few long rows)
//  reduce_rows_forward_v2   one block per row: strided per-thread partials, warp shuffles, then
//                           one partial per warp combined in shared memory
#include "common.cuh"
#include <limits.h>

enum { R_SUM, R_MAX, R_MIN, R_ARGMAX, R_ARGMIN };   // order of dsr3d.tensor.backend.ReduceOp

// in [rows, cols]; out: float [rows] for SUM/MAX/MIN, int [rows] for ARGMAX/ARGMIN. cols >= 1.
extern "C" __global__ void reduce_rows_forward_v1(int op, const float* in, int rows, int cols, void* out) {
    GRID_STRIDE(r, rows) {
        const float* row = in + (size_t) r * cols;
        if (op == R_SUM) {
            float s = 0.f;
            for (int c = 0; c < cols; c++) s += row[c];
            static_cast<float*>(out)[r] = s;
        } else {
            bool mx = op == R_MAX || op == R_ARGMAX;
            int best = 0;
            float bv = row[0];
            for (int c = 1; c < cols && !isnan(bv); c++) {
                float v = row[c];
                if (isnan(v) || (mx ? v > bv : v < bv)) { bv = v; best = c; }
            }
            if (op == R_ARGMAX || op == R_ARGMIN) static_cast<int*>(out)[r] = best;
            else static_cast<float*>(out)[r] = bv;
        }
    }
}

// The better of two (value, index) candidates: a NaN beats any number, then the larger (smaller)
// value, then the lower index. Associative and commutative, so any reduction order gives the
// reference's answer.
__device__ __forceinline__ void pick(bool mx, float& v, int& i, float v2, int i2) {
    bool n1 = isnan(v), n2 = isnan(v2);
    bool take;
    if (n1 || n2) take = (n1 && n2) ? i2 < i : n2;
    else if (v2 != v) take = mx ? v2 > v : v2 < v;
    else take = i2 < i;
    if (take) { v = v2; i = i2; }
}

// Same contract as v1; one block (a multiple of 32 threads, at most 1024) per row, grid-stride over rows.
extern "C" __global__ void reduce_rows_forward_v2(int op, const float* __restrict__ in, int rows, int cols, void* out) {
    __shared__ float sv[32];
    __shared__ int si[32];
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* row = in + (size_t) r * cols;
        if (op == R_SUM) {
            float s = 0.f;
            for (int c = threadIdx.x; c < cols; c += blockDim.x) s += row[c];
            s = block_sum(s);
            if (threadIdx.x == 0) static_cast<float*>(out)[r] = s;
            continue;
        }
        bool mx = op == R_MAX || op == R_ARGMAX;
        float v = mx ? -INFINITY : INFINITY;
        int i = INT_MAX;                                   // identity: loses to every real element
        for (int c = threadIdx.x; c < cols; c += blockDim.x) pick(mx, v, i, row[c], c);
        for (int o = 16; o > 0; o >>= 1) {
            float v2 = __shfl_xor_sync(0xffffffffu, v, o);
            int i2 = __shfl_xor_sync(0xffffffffu, i, o);
            pick(mx, v, i, v2, i2);
        }
        __syncthreads();                                   // sv/si may still be read from the previous row
        if (lane == 0) { sv[warp] = v; si[warp] = i; }
        __syncthreads();
        if (warp == 0) {
            v = lane < warps ? sv[lane] : (mx ? -INFINITY : INFINITY);
            i = lane < warps ? si[lane] : INT_MAX;
            for (int o = 16; o > 0; o >>= 1) {
                float v2 = __shfl_xor_sync(0xffffffffu, v, o);
                int i2 = __shfl_xor_sync(0xffffffffu, i, o);
                pick(mx, v, i, v2, i2);
            }
            if (lane == 0) {
                if (op == R_ARGMAX || op == R_ARGMIN) static_cast<int*>(out)[r] = i;
                else static_cast<float*>(out)[r] = v;
            }
        }
    }
}
