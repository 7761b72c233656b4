// conv2d.cu: 2-D convolution NCHW with groups: forward, input gradient, weight gradient.
// Reference: tensor/.../cpu/Conv2dCpu. x [n, cin, h, w], w [cout, cin/g, kh, kw], y [n, cout, ho, wo];
// y[b, co, oy, ox] = bias[co] + sum over (ci, ky, kx) of x[b, g*cinG + ci, oy*sh - ph + ky, ox*sw - pw + kx]
// * w[co, ci, ky, kx], g = co / coutG, taps outside the image count as zero.
//
// Versions:
//  conv2d_forward_v1            one thread per output element, loops over (ci, ky, kx) (literal port)
//  conv2d_forward_v2            implicit GEMM per group, never materialising im2col:
//                               Y[co, (b,oy,ox)] = W[co, (ci,ky,kx)] * X[(ci,ky,kx), (b,oy,ox)],
//                               64x64 block tiles, BK = 16, 4x4 register tile per thread
//  conv2d_backward_input_v1     one thread per dx element gathers over (co, ky, kx) of its group
//                               (the reference scatters; the gather needs no atomics)
//  conv2d_backward_input_v2     implicit GEMM: dX[ci, (b,iy,ix)] = W^T[ci, (co,ky,kx)] * dY[(co,ky,kx), (b,iy,ix)],
//                               where dY's tap is (iy + ph - ky) / sh when that divides exactly and is in range
//  conv2d_backward_weight_v1    one thread per weight element, loops over (b, oy, ox)
//  conv2d_backward_weight_v2    implicit GEMM: dW[co, (ci,ky,kx)] = dY[co, (b,oy,ox)] * X^T[(b,oy,ox), (ci,ky,kx)]
// Group g runs on gridDim.z.
#include "common.cuh"

// One geometry as plain ints (kernel arguments in this order everywhere).
#define CONV_PARAMS int n, int cin, int h, int w, int cout, int kh, int kw, int sh, int sw, int ph, int pw, int groups, int ho, int wo

// x [n,cin,h,w]; wt [cout,cinG,kh,kw]; bias [cout] or null; y [n,cout,ho,wo]
extern "C" __global__ void conv2d_forward_v1(CONV_PARAMS, const float* x, const float* wt, const float* bias, float* y) {
    int cinG = cin / groups, coutG = cout / groups, total = n * cout * ho * wo;
    GRID_STRIDE(yi, total) {
        int ox = yi % wo, oy = (yi / wo) % ho, co = (yi / (wo * ho)) % cout, b = yi / (wo * ho * cout);
        int grp = co / coutG;
        float s = bias ? bias[co] : 0.f;
        for (int ci = 0; ci < cinG; ci++)
            for (int ky = 0; ky < kh; ky++) {
                int iy = oy * sh - ph + ky;
                if (iy < 0 || iy >= h) continue;
                for (int kx = 0; kx < kw; kx++) {
                    int ix = ox * sw - pw + kx;
                    if (ix < 0 || ix >= w) continue;
                    s += x[(((size_t) b * cin + grp * cinG + ci) * h + iy) * w + ix] * wt[((co * cinG + ci) * kh + ky) * kw + kx];
                }
            }
        y[yi] = s;
    }
}

// dy [n,cout,ho,wo]; wt [cout,cinG,kh,kw]; dx [n,cin,h,w] (fully written)
extern "C" __global__ void conv2d_backward_input_v1(CONV_PARAMS, const float* dy, const float* wt, float* dx) {
    int cinG = cin / groups, coutG = cout / groups, total = n * cin * h * w;
    GRID_STRIDE(xi, total) {
        int ix = xi % w, iy = (xi / w) % h, c = (xi / (w * h)) % cin, b = xi / (w * h * cin);
        int grp = c / cinG, ci = c % cinG;
        float s = 0.f;
        for (int col = 0; col < coutG; col++) {
            int co = grp * coutG + col;
            for (int ky = 0; ky < kh; ky++) {
                int ty = iy + ph - ky;                     // = oy * sh when this tap is used
                if (ty < 0 || ty % sh != 0 || ty / sh >= ho) continue;
                for (int kx = 0; kx < kw; kx++) {
                    int tx = ix + pw - kx;
                    if (tx < 0 || tx % sw != 0 || tx / sw >= wo) continue;
                    s += dy[(((size_t) b * cout + co) * ho + ty / sh) * wo + tx / sw] * wt[((co * cinG + ci) * kh + ky) * kw + kx];
                }
            }
        }
        dx[xi] = s;
    }
}

// x [n,cin,h,w]; dy [n,cout,ho,wo]; dw [cout,cinG,kh,kw] (fully written)
extern "C" __global__ void conv2d_backward_weight_v1(CONV_PARAMS, const float* x, const float* dy, float* dw) {
    int cinG = cin / groups, coutG = cout / groups, total = cout * cinG * kh * kw;
    GRID_STRIDE(wi, total) {
        int kx = wi % kw, ky = (wi / kw) % kh, ci = (wi / (kw * kh)) % cinG, co = wi / (kw * kh * cinG);
        int grp = co / coutG;
        float s = 0.f;
        for (int b = 0; b < n; b++)
            for (int oy = 0; oy < ho; oy++) {
                int iy = oy * sh - ph + ky;
                if (iy < 0 || iy >= h) continue;
                for (int ox = 0; ox < wo; ox++) {
                    int ix = ox * sw - pw + kx;
                    if (ix < 0 || ix >= w) continue;
                    s += dy[(((size_t) b * cout + co) * ho + oy) * wo + ox] * x[(((size_t) b * cin + grp * cinG + ci) * h + iy) * w + ix];
                }
            }
        dw[wi] = s;
    }
}

// ---- implicit GEMM core: C[M, N] = A[M, K] * B[K, N] with A, B, C given as element functions ----
#define IG_BM 64
#define IG_BN 64
#define IG_BK 16
// 256 threads; thread (tx = t % 16, ty = t / 16) owns rows ty + 16*r and columns tx + 16*s, r, s < 4.
// loadA(i, p) / loadB(p, j) are called only inside [0,M) x [0,K) / [0,K) x [0,N); store(i, j, v) inside [0,M) x [0,N).
template <typename LoadA, typename LoadB, typename Store>
__device__ __forceinline__ void implicit_gemm_64x64(int M, int N, int K, LoadA loadA, LoadB loadB, Store store) {
    __shared__ float As[IG_BK][IG_BM];
    __shared__ float Bs[IG_BK][IG_BN];
    int t = threadIdx.x, tx = t & 15, ty = t >> 4;
    int row0 = blockIdx.y * IG_BM, col0 = blockIdx.x * IG_BN;
    float acc[4][4] = {};
    for (int p0 = 0; p0 < K; p0 += IG_BK) {
#pragma unroll
        for (int l = 0; l < 4; l++) {
            int e = t + 256 * l;
            int ii = e / IG_BK, pa = e % IG_BK;            // A: 64 rows x 16 k, k fastest
            int gi = row0 + ii, gpa = p0 + pa;
            As[pa][ii] = (gi < M && gpa < K) ? loadA(gi, gpa) : 0.f;
            int jj = e % IG_BN, pb = e / IG_BN;            // B: 16 k x 64 columns, column fastest
            int gj = col0 + jj, gpb = p0 + pb;
            Bs[pb][jj] = (gj < N && gpb < K) ? loadB(gpb, gj) : 0.f;
        }
        __syncthreads();
#pragma unroll
        for (int p = 0; p < IG_BK; p++) {
            float ra[4], rb[4];
#pragma unroll
            for (int r = 0; r < 4; r++) ra[r] = As[p][ty + 16 * r];
#pragma unroll
            for (int s = 0; s < 4; s++) rb[s] = Bs[p][tx + 16 * s];
#pragma unroll
            for (int r = 0; r < 4; r++)
#pragma unroll
                for (int s = 0; s < 4; s++) acc[r][s] = fmaf(ra[r], rb[s], acc[r][s]);
        }
        __syncthreads();
    }
#pragma unroll
    for (int r = 0; r < 4; r++) {
        int gi = row0 + ty + 16 * r;
        if (gi >= M) continue;
#pragma unroll
        for (int s = 0; s < 4; s++) {
            int gj = col0 + tx + 16 * s;
            if (gj < N) store(gi, gj, acc[r][s]);
        }
    }
}

// Forward, group g = blockIdx.z: M = coutG, N = n*ho*wo, K = cinG*kh*kw.
extern "C" __global__ void __launch_bounds__(256) conv2d_forward_v2(CONV_PARAMS, const float* __restrict__ x, const float* __restrict__ wt,
                                                                    const float* __restrict__ bias, float* __restrict__ y) {
    int cinG = cin / groups, coutG = cout / groups, g = blockIdx.z, khw = kh * kw, plane = ho * wo;
    const float* wg = wt + (size_t) g * coutG * cinG * khw;        // this group's weights [coutG, cinG*kh*kw]
    auto loadA = [&](int m, int r) { return wg[(size_t) m * cinG * khw + r]; };
    auto loadB = [&](int r, int p) {
        int ci = r / khw, ky = (r % khw) / kw, kx = r % kw;
        int b = p / plane, oy = (p % plane) / wo, ox = p % wo;
        int iy = oy * sh - ph + ky, ix = ox * sw - pw + kx;
        return (iy >= 0 && iy < h && ix >= 0 && ix < w) ? x[(((size_t) b * cin + g * cinG + ci) * h + iy) * w + ix] : 0.f;
    };
    auto store = [&](int m, int p, float v) {
        int co = g * coutG + m, b = p / plane, q = p % plane;
        y[((size_t) b * cout + co) * plane + q] = v + (bias ? bias[co] : 0.f);
    };
    implicit_gemm_64x64(coutG, n * plane, cinG * khw, loadA, loadB, store);
}

// Input gradient, group g = blockIdx.z: M = cinG, N = n*h*w, K = coutG*kh*kw.
extern "C" __global__ void __launch_bounds__(256) conv2d_backward_input_v2(CONV_PARAMS, const float* __restrict__ dy, const float* __restrict__ wt,
                                                                           float* __restrict__ dx) {
    int cinG = cin / groups, coutG = cout / groups, g = blockIdx.z, khw = kh * kw, plane = h * w;
    auto loadA = [&](int ci, int r) {                               // W^T: r = (co, ky, kx)
        int co = g * coutG + r / khw, k = r % khw;
        return wt[((size_t) co * cinG + ci) * khw + k];
    };
    auto loadB = [&](int r, int q) {
        int co = g * coutG + r / khw, ky = (r % khw) / kw, kx = r % kw;
        int b = q / plane, iy = (q % plane) / w, ix = q % w;
        int ty = iy + ph - ky, tx = ix + pw - kx;
        if (ty < 0 || tx < 0 || ty % sh != 0 || tx % sw != 0) return 0.f;
        int oy = ty / sh, ox = tx / sw;
        return (oy < ho && ox < wo) ? dy[(((size_t) b * cout + co) * ho + oy) * wo + ox] : 0.f;
    };
    auto store = [&](int ci, int q, float v) {
        int b = q / plane;
        dx[((size_t) b * cin + g * cinG + ci) * plane + q % plane] = v;
    };
    implicit_gemm_64x64(cinG, n * plane, coutG * khw, loadA, loadB, store);
}

// Weight gradient, group g = blockIdx.z: M = coutG, N = cinG*kh*kw, K = n*ho*wo.
extern "C" __global__ void __launch_bounds__(256) conv2d_backward_weight_v2(CONV_PARAMS, const float* __restrict__ x, const float* __restrict__ dy,
                                                                            float* __restrict__ dw) {
    int cinG = cin / groups, coutG = cout / groups, g = blockIdx.z, khw = kh * kw, plane = ho * wo;
    auto loadA = [&](int m, int p) {
        int b = p / plane;
        return dy[((size_t) b * cout + g * coutG + m) * plane + p % plane];
    };
    auto loadB = [&](int p, int r) {
        int ci = r / khw, ky = (r % khw) / kw, kx = r % kw;
        int b = p / plane, oy = (p % plane) / wo, ox = p % wo;
        int iy = oy * sh - ph + ky, ix = ox * sw - pw + kx;
        return (iy >= 0 && iy < h && ix >= 0 && ix < w) ? x[(((size_t) b * cin + g * cinG + ci) * h + iy) * w + ix] : 0.f;
    };
    auto store = [&](int m, int r, float v) { dw[((size_t) (g * coutG + m)) * cinG * khw + r] = v; };
    implicit_gemm_64x64(coutG, cinG * khw, n * plane, loadA, loadB, store);
}
