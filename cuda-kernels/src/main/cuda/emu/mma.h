// Host emulation of the wmma subset matmul_forward_v4 uses: every thread of a warp holds the
// whole fragment (the real layout is distributed, but the kernel never looks inside one);
// stores are done by lane 0 only, followed in the kernel by __syncthreads().
#pragma once
#include "cuda_runtime.h"
namespace nvcuda { namespace wmma {
struct matrix_a {}; struct matrix_b {}; struct accumulator {}; struct row_major {};
namespace precision { struct tf32 {}; }
enum layout_t { mem_row_major };
template <typename Use, int M, int N, int K, typename T, typename Layout = void>
struct fragment {
    static constexpr int R = std::is_same<Use, matrix_b>::value ? K : M;
    static constexpr int C = std::is_same<Use, matrix_a>::value ? K : N;
    float x[R * C];
    static constexpr int num_elements = R * C;
};
inline float __float_to_tf32(float f) {   // round to nearest, 10 mantissa bits
    uint32_t b; std::memcpy(&b, &f, 4);
    b = (b + 0x1000u) & 0xffffe000u;
    float r; std::memcpy(&r, &b, 4); return r;
}
template <typename Use, int M, int N, int K, typename T, typename L>
inline void fill_fragment(fragment<Use, M, N, K, T, L>& f, float v) { for (auto& e : f.x) e = v; }
template <typename Use, int M, int N, int K, typename T, typename L>
inline void load_matrix_sync(fragment<Use, M, N, K, T, L>& f, const float* p, unsigned ldm) {
    using F = fragment<Use, M, N, K, T, L>;
    for (int r = 0; r < F::R; r++) for (int c = 0; c < F::C; c++) f.x[r * F::C + c] = p[r * ldm + c];
}
template <int M, int N, int K, typename TA, typename LA, typename TB, typename LB>
inline void mma_sync(fragment<accumulator, M, N, K, float>& d, const fragment<matrix_a, M, N, K, TA, LA>& a,
                     const fragment<matrix_b, M, N, K, TB, LB>& b, const fragment<accumulator, M, N, K, float>& c) {
    float out[M * N];
    for (int i = 0; i < M; i++) for (int j = 0; j < N; j++) {
        float s = c.x[i * N + j];
        for (int p = 0; p < K; p++) s += a.x[i * K + p] * b.x[p * N + j];
        out[i * N + j] = s;
    }
    std::memcpy(d.x, out, sizeof out);
}
template <int M, int N, int K>
inline void store_matrix_sync(float* p, const fragment<accumulator, M, N, K, float>& f, unsigned ldm, layout_t) {
    if ((threadIdx.x & 31) != 0) return;
    for (int r = 0; r < M; r++) for (int c = 0; c < N; c++) p[r * ldm + c] = f.x[r * N + c];
}
}}
