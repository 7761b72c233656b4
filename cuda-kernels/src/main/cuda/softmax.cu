// softmax.cu: softmax / log-softmax of each row of [rows, cols], forward and backward.
// Reference: tensor/.../cpu/ReduceCpu.softmaxRows and softmaxRowsBackward.
//   forward:  m = max(x); s = sum exp(x - m); y = exp(x - m) / s   (log: y = x - m - log s)
//   backward: softmax dx = y * (dy - sum(dy * y)); log-softmax dx = dy - exp(y) * sum(dy)
//
// Versions:
//  softmax_forward_v1    one thread per row, three passes over the row (literal port)
//  softmax_forward_v2    one block per row, block reductions for the max and the sum
//  softmax_backward_v1   one thread per row, two passes (literal port)
//  softmax_backward_v2   one block per row, a block reduction for the row sum
#include "common.cuh"

// in, out [rows, cols]; isLog != 0 gives log-softmax.
extern "C" __global__ void softmax_forward_v1(int isLog, const float* in, int rows, int cols, float* out) {
    GRID_STRIDE(r, rows) {
        const float* x = in + (size_t) r * cols;
        float* y = out + (size_t) r * cols;
        float m = -INFINITY;
        for (int c = 0; c < cols; c++) m = fmaxf(m, x[c]);
        float s = 0.f;
        for (int c = 0; c < cols; c++) s += expf(x[c] - m);
        float logS = logf(s);
        for (int c = 0; c < cols; c++) y[c] = isLog ? x[c] - m - logS : expf(x[c] - m) / s;
    }
}

extern "C" __global__ void softmax_forward_v2(int isLog, const float* __restrict__ in, int rows, int cols, float* __restrict__ out) {
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* x = in + (size_t) r * cols;
        float* y = out + (size_t) r * cols;
        float m = -INFINITY;
        for (int c = threadIdx.x; c < cols; c += blockDim.x) m = fmaxf(m, x[c]);
        m = block_max(m);
        float s = 0.f;
        for (int c = threadIdx.x; c < cols; c += blockDim.x) s += expf(x[c] - m);
        s = block_sum(s);
        float logS = logf(s), inv = 1.f / s;
        for (int c = threadIdx.x; c < cols; c += blockDim.x) y[c] = isLog ? x[c] - m - logS : expf(x[c] - m) * inv;
    }
}

// y (the forward output), dy, dx [rows, cols]
extern "C" __global__ void softmax_backward_v1(int isLog, const float* y, const float* dy, int rows, int cols, float* dx) {
    GRID_STRIDE(r, rows) {
        size_t base = (size_t) r * cols;
        float s = 0.f;
        for (int c = 0; c < cols; c++) s += isLog ? dy[base + c] : dy[base + c] * y[base + c];
        for (int c = 0; c < cols; c++)
            dx[base + c] = isLog ? dy[base + c] - expf(y[base + c]) * s : y[base + c] * (dy[base + c] - s);
    }
}

extern "C" __global__ void softmax_backward_v2(int isLog, const float* __restrict__ y, const float* __restrict__ dy,
                                               int rows, int cols, float* __restrict__ dx) {
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        size_t base = (size_t) r * cols;
        float s = 0.f;
        for (int c = threadIdx.x; c < cols; c += blockDim.x) s += isLog ? dy[base + c] : dy[base + c] * y[base + c];
        s = block_sum(s);
        for (int c = threadIdx.x; c < cols; c += blockDim.x)
            dx[base + c] = isLog ? dy[base + c] - expf(y[base + c]) * s : y[base + c] * (dy[base + c] - s);
    }
}
