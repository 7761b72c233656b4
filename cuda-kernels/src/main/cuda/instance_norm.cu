// instance_norm.cu: instance normalisation of nc planes of hw elements, forward and backward.
// Reference: tensor/.../cpu/NormCpu.
//   forward:  mean = sum x / hw; var = sum (x - mean)^2 / hw (biased); rstd = 1/sqrt(var + eps);
//             y = (x - mean) * rstd; mean and rstd [nc] are kept for the backward pass
//   backward: dx = rstd * (dy - mean(dy) - y * mean(dy * y))
//
// Versions:
//  instance_norm_forward_v1    one thread per plane, three passes (literal port)
//  instance_norm_forward_v2    one block per plane, two-pass mean/variance with block reductions
//  instance_norm_backward_v1   one thread per plane, two passes (literal port)
//  instance_norm_backward_v2   one block per plane, both means in one pass of block reductions
#include "common.cuh"

// x, y [nc, hw]; mean, rstd [nc]
extern "C" __global__ void instance_norm_forward_v1(int nc, int hw, float eps, const float* x, float* y, float* mean, float* rstd) {
    GRID_STRIDE(c, nc) {
        size_t base = (size_t) c * hw;
        float m = 0.f;
        for (int i = 0; i < hw; i++) m += x[base + i];
        m /= hw;
        float v = 0.f;
        for (int i = 0; i < hw; i++) v += (x[base + i] - m) * (x[base + i] - m);
        v /= hw;
        float r = 1.f / sqrtf(v + eps);
        for (int i = 0; i < hw; i++) y[base + i] = (x[base + i] - m) * r;
        mean[c] = m;
        rstd[c] = r;
    }
}

extern "C" __global__ void instance_norm_forward_v2(int nc, int hw, float eps, const float* __restrict__ x, float* __restrict__ y,
                                                    float* __restrict__ mean, float* __restrict__ rstd) {
    for (int c = blockIdx.x; c < nc; c += gridDim.x) {
        size_t base = (size_t) c * hw;
        float s = 0.f;
        for (int i = threadIdx.x; i < hw; i += blockDim.x) s += x[base + i];
        float m = block_sum(s) / hw;
        float v = 0.f;
        for (int i = threadIdx.x; i < hw; i += blockDim.x) { float d = x[base + i] - m; v += d * d; }
        v = block_sum(v) / hw;
        float r = rsqrtf(v + eps);
        for (int i = threadIdx.x; i < hw; i += blockDim.x) y[base + i] = (x[base + i] - m) * r;
        if (threadIdx.x == 0) { mean[c] = m; rstd[c] = r; }
    }
}

// y, dy, dx [nc, hw]; rstd [nc]
extern "C" __global__ void instance_norm_backward_v1(int nc, int hw, const float* y, const float* rstd, const float* dy, float* dx) {
    GRID_STRIDE(c, nc) {
        size_t base = (size_t) c * hw;
        float mdy = 0.f, mdyy = 0.f;
        for (int i = 0; i < hw; i++) { mdy += dy[base + i]; mdyy += dy[base + i] * y[base + i]; }
        mdy /= hw;
        mdyy /= hw;
        for (int i = 0; i < hw; i++) dx[base + i] = rstd[c] * (dy[base + i] - mdy - y[base + i] * mdyy);
    }
}

extern "C" __global__ void instance_norm_backward_v2(int nc, int hw, const float* __restrict__ y, const float* __restrict__ rstd,
                                                     const float* __restrict__ dy, float* __restrict__ dx) {
    for (int c = blockIdx.x; c < nc; c += gridDim.x) {
        size_t base = (size_t) c * hw;
        float a = 0.f, b = 0.f;
        for (int i = threadIdx.x; i < hw; i += blockDim.x) { float g = dy[base + i]; a += g; b += g * y[base + i]; }
        float mdy = block_sum(a) / hw;
        float mdyy = block_sum(b) / hw;
        float r = rstd[c];
        for (int i = threadIdx.x; i < hw; i += blockDim.x) dx[base + i] = r * (dy[base + i] - mdy - y[base + i] * mdyy);
    }
}
