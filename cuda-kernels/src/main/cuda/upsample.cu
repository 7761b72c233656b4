// upsample.cu: bilinear (align_corners = true) and nearest (integer factors) resampling of planes
// [nc, h, w] -> [nc, hout, wout], forward and backward. Reference: tensor/.../cpu/UpsampleCpu.
// Bilinear source coordinate: s = o * (in - 1) / (out - 1) (0 when out == 1), computed in double as
// the reference does, so the integer part and the weights agree; taps y0 = min(floor s, in-1), y1 = min(y0+1, in-1).
//
// Versions:
//  upsample_bilinear_forward_v1    one thread per output pixel, its four taps (literal port)
//  upsample_bilinear_backward_v1   one thread per output pixel scatters its four weighted taps with atomicAdd
//  upsample_nearest_forward_v1     one thread per output pixel reads x[oy / fh, ox / fw]
//  upsample_nearest_backward_v1    gather form: one thread per input pixel sums its fh x fw block of dy (no atomics)
#include "common.cuh"

__device__ __forceinline__ double source_coord(int o, int in, int out) {
    return out > 1 ? o * (double) (in - 1) / (out - 1) : 0.0;
}

// x [nc, h, w]; y [nc, ho, wo]
extern "C" __global__ void upsample_bilinear_forward_v1(int nc, int h, int w, int ho, int wo, const float* x, float* y) {
    int total = nc * ho * wo;
    GRID_STRIDE(o, total) {
        int ox = o % wo, oy = (o / wo) % ho, c = o / (wo * ho);
        double sy = source_coord(oy, h, ho), sx = source_coord(ox, w, wo);
        int y0 = min((int) sy, h - 1), y1 = min(y0 + 1, h - 1);
        int x0 = min((int) sx, w - 1), x1 = min(x0 + 1, w - 1);
        float fy = (float) (sy - y0), fx = (float) (sx - x0);
        const float* p = x + (size_t) c * h * w;
        y[o] = (1.f - fy) * (1.f - fx) * p[y0 * w + x0] + (1.f - fy) * fx * p[y0 * w + x1]
             + fy * (1.f - fx) * p[y1 * w + x0] + fy * fx * p[y1 * w + x1];
    }
}

// dy [nc, ho, wo]; dx [nc, h, w], zeroed by the launcher
extern "C" __global__ void upsample_bilinear_backward_v1(int nc, int h, int w, int ho, int wo, const float* dy, float* dx) {
    int total = nc * ho * wo;
    GRID_STRIDE(o, total) {
        int ox = o % wo, oy = (o / wo) % ho, c = o / (wo * ho);
        double sy = source_coord(oy, h, ho), sx = source_coord(ox, w, wo);
        int y0 = min((int) sy, h - 1), y1 = min(y0 + 1, h - 1);
        int x0 = min((int) sx, w - 1), x1 = min(x0 + 1, w - 1);
        float fy = (float) (sy - y0), fx = (float) (sx - x0);
        float g = dy[o];
        float* p = dx + (size_t) c * h * w;
        atomicAdd(&p[y0 * w + x0], (1.f - fy) * (1.f - fx) * g);
        atomicAdd(&p[y0 * w + x1], (1.f - fy) * fx * g);
        atomicAdd(&p[y1 * w + x0], fy * (1.f - fx) * g);
        atomicAdd(&p[y1 * w + x1], fy * fx * g);
    }
}

// x [nc, h, w]; y [nc, h*fh, w*fw]
extern "C" __global__ void upsample_nearest_forward_v1(int nc, int h, int w, int fh, int fw, const float* x, float* y) {
    int ho = h * fh, wo = w * fw, total = nc * ho * wo;
    GRID_STRIDE(o, total) {
        int ox = o % wo, oy = (o / wo) % ho, c = o / (wo * ho);
        y[o] = x[((size_t) c * h + oy / fh) * w + ox / fw];
    }
}

// dy [nc, h*fh, w*fw]; dx [nc, h, w] (fully written)
extern "C" __global__ void upsample_nearest_backward_v1(int nc, int h, int w, int fh, int fw, const float* dy, float* dx) {
    int ho = h * fh, wo = w * fw, total = nc * h * w;
    GRID_STRIDE(i, total) {
        int ix = i % w, iy = (i / w) % h, c = i / (w * h);
        const float* g = dy + ((size_t) c * ho + (size_t) iy * fh) * wo + (size_t) ix * fw;
        float s = 0.f;
        for (int a = 0; a < fh; a++)
            for (int b = 0; b < fw; b++) s += g[a * wo + b];
        dx[i] = s;
    }
}
