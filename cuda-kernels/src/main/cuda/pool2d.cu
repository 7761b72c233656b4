// pool2d.cu: max and average pooling over planes [nc, h, w] -> [nc, hout, wout], forward and backward.
// Reference: tensor/.../cpu/Pool2dCpu. Max: padding never wins, first max on ties, a NaN wins;
// argmax is the flat index within the h*w plane. Average: count_include_pad = true (divide by kh*kw).
//
// Versions:
//  max_pool2d_forward_v1    one thread per output, loops over the window (literal port)
//  max_pool2d_backward_v1   one thread per output adds dy at its argmax with atomicAdd
//                           (windows overlap when stride < kernel, so several outputs hit one input)
//  avg_pool2d_forward_v1    one thread per output, loops over the window (literal port)
//  avg_pool2d_backward_v1   gather form: one thread per input sums dy over the outputs whose window
//                           covers it (no atomics, deterministic)
#include "common.cuh"

// x [nc, h, w]; y, argmax [nc, ho, wo]
extern "C" __global__ void max_pool2d_forward_v1(int nc, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                                                 int ho, int wo, const float* x, float* y, int* argmax) {
    int total = nc * ho * wo;
    GRID_STRIDE(o, total) {
        int ox = o % wo, oy = (o / wo) % ho, c = o / (wo * ho);
        const float* plane = x + (size_t) c * h * w;
        float best = -INFINITY;
        int bestIdx = -1;
        for (int ky = 0; ky < kh; ky++) {
            int iy = oy * sh - ph + ky;
            if (iy < 0 || iy >= h) continue;
            for (int kx = 0; kx < kw; kx++) {
                int ix = ox * sw - pw + kx;
                if (ix < 0 || ix >= w) continue;
                float v = plane[iy * w + ix];
                if (bestIdx < 0 || v > best || isnan(v)) { best = v; bestIdx = iy * w + ix; }
            }
        }
        y[o] = best;
        argmax[o] = bestIdx;
    }
}

// dy, argmax [nc, ho, wo]; dx [nc, h, w], zeroed by the launcher
extern "C" __global__ void max_pool2d_backward_v1(int nc, int h, int w, int ho, int wo, const float* dy, const int* argmax, float* dx) {
    int total = nc * ho * wo;
    GRID_STRIDE(o, total) {
        int c = o / (ho * wo);
        atomicAdd(&dx[(size_t) c * h * w + argmax[o]], dy[o]);
    }
}

// x [nc, h, w]; y [nc, ho, wo]
extern "C" __global__ void avg_pool2d_forward_v1(int nc, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                                                 int ho, int wo, const float* x, float* y) {
    int total = nc * ho * wo;
    float inv = 1.f / (kh * kw);
    GRID_STRIDE(o, total) {
        int ox = o % wo, oy = (o / wo) % ho, c = o / (wo * ho);
        const float* plane = x + (size_t) c * h * w;
        float s = 0.f;
        for (int ky = 0; ky < kh; ky++) {
            int iy = oy * sh - ph + ky;
            if (iy < 0 || iy >= h) continue;
            for (int kx = 0; kx < kw; kx++) {
                int ix = ox * sw - pw + kx;
                if (ix >= 0 && ix < w) s += plane[iy * w + ix];
            }
        }
        y[o] = s * inv;
    }
}

// dy [nc, ho, wo]; dx [nc, h, w] (fully written). Input (iy, ix) is in output (oy, ox)'s window when
// 0 <= iy + ph - oy*sh < kh, i.e. oy in [ceil((iy + ph - kh + 1) / sh), floor((iy + ph) / sh)].
extern "C" __global__ void avg_pool2d_backward_v1(int nc, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                                                  int ho, int wo, const float* dy, float* dx) {
    int total = nc * h * w;
    float inv = 1.f / (kh * kw);
    GRID_STRIDE(i, total) {
        int ix = i % w, iy = (i / w) % h, c = i / (w * h);
        int ty = iy + ph, tx = ix + pw;                        // >= 0
        int oy0 = ty - kh + 1 > 0 ? ceil_div(ty - kh + 1, sh) : 0, oy1 = min(ty / sh, ho - 1);
        int ox0 = tx - kw + 1 > 0 ? ceil_div(tx - kw + 1, sw) : 0, ox1 = min(tx / sw, wo - 1);
        const float* g = dy + (size_t) c * ho * wo;
        float s = 0.f;
        for (int oy = oy0; oy <= oy1; oy++)
            for (int ox = ox0; ox <= ox1; ox++) s += g[oy * wo + ox];
        dx[i] = s * inv;
    }
}
