// index.cu: gather / scatter-add along a middle dimension and row lookup / row accumulation.
// Reference: tensor/.../cpu/IndexCpu. The reference throws on a bad index; a kernel cannot, so a
// bad index is skipped (its output left 0) and *err set to 1; the launcher reads err after the
// launch, finds the bad index on the host and throws the reference's error.
//
// Versions:
//  gather_forward_v1                 one thread per output element (literal port)
//  scatter_add_forward_v1            one thread per dOut element, atomicAdd into dIn (indices may repeat)
//  index_select_rows_forward_v1      one thread per output element: out[j, p] = table[idx[j], p]
//  index_add_rows_forward_v1         one thread per dOut element, atomicAdd into dTable[idx[j], p]
#include "common.cuh"

__device__ __forceinline__ bool check_index(int idx, int size, int* err) {
    if (idx >= 0 && idx < size) return true;
    atomicCAS(err, 0, 1);   // 1 = "some index out of range"; the launcher finds which one on the host
    return false;
}

// in [outer, dimIn, inner]; idx, out [outer, dimOut, inner]
extern "C" __global__ void gather_forward_v1(int outer, int dimIn, int dimOut, int inner, const float* in, const int* idx,
                                             float* out, int* err) {
    int total = outer * dimOut * inner;
    GRID_STRIDE(p, total) {
        int i = p % inner, o = p / (inner * dimOut);
        int j = idx[p];
        out[p] = check_index(j, dimIn, err) ? in[((size_t) o * dimIn + j) * inner + i] : 0.f;
    }
}

// dOut, idx [outer, dimOut, inner]; dIn [outer, dimIn, inner] accumulated into (caller zeroes it)
extern "C" __global__ void scatter_add_forward_v1(int outer, int dimIn, int dimOut, int inner, const float* dOut, const int* idx,
                                                  float* dIn, int* err) {
    int total = outer * dimOut * inner;
    GRID_STRIDE(p, total) {
        int i = p % inner, o = p / (inner * dimOut);
        int j = idx[p];
        if (check_index(j, dimIn, err)) atomicAdd(&dIn[((size_t) o * dimIn + j) * inner + i], dOut[p]);
    }
}

// table [rows, d]; idx [n]; out [n, d]
extern "C" __global__ void index_select_rows_forward_v1(const float* table, int rows, int d, const int* idx, int n, float* out, int* err) {
    int total = n * d;
    GRID_STRIDE(e, total) {
        int j = e / d, p = e % d;
        int r = idx[j];
        out[e] = check_index(r, rows, err) ? table[(size_t) r * d + p] : 0.f;
    }
}

// dOut [n, d]; idx [n]; dTable [rows, d] accumulated into (caller zeroes it)
extern "C" __global__ void index_add_rows_forward_v1(const float* dOut, const int* idx, int n, int d, float* dTable, int rows, int* err) {
    int total = n * d;
    GRID_STRIDE(e, total) {
        int j = e / d, p = e % d;
        int r = idx[j];
        if (check_index(r, rows, err)) atomicAdd(&dTable[(size_t) r * d + p], dOut[e]);
    }
}
