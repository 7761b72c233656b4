// elementwise.cu: unary maps, broadcast binary ops, where, strided copy with type conversion, fill.
// Reference: tensor/.../cpu/ElementwiseCpu.java (unary, binary, where, copy) and CpuBackend.fill.
//
// Versions:
//  unary_forward_v1          one thread per element, grid-stride loop (literal port of the loop)
//  unary_forward_v2          float4 loads/stores, 4 elements per thread (needs 16-byte aligned buffers), scalar tail
//  binary_forward_v1         one thread per output element; the flat index is decoded into a <= 6-d index
//                            and dotted with each operand's (broadcast, possibly 0) strides
//  where_forward_v1          one thread per element
//  copy_strided_forward_v1   one thread per element, both sides strided, F32/I32 on either side
//  fill_forward_v1           one thread per element writes a 32-bit pattern (float or int bits)
#include "common.cuh"

// Unary op codes = the order of dsr3d.tensor.backend.UnaryOp (the launcher maps them by name).
enum { U_NEG, U_EXP, U_LOG, U_SQRT, U_ABS, U_RELU, U_SIGMOID, U_SIGN, U_POW, U_CLAMP, U_AFFINE };
// Binary op codes = the order of dsr3d.tensor.backend.BinaryOp.
enum { B_ADD, B_SUB, B_MUL, B_DIV, B_MAX, B_MIN, B_POW, B_GT, B_GE, B_LT, B_LE, B_EQ, B_NE };

__device__ __forceinline__ float unary_apply(int op, float x, float p, float q) {
    switch (op) {
        case U_NEG: return -x;
        case U_EXP: return expf(x);
        case U_LOG: return logf(x);
        case U_SQRT: return sqrtf(x);
        case U_ABS: return fabsf(x);
        case U_RELU: return x > 0.f ? x : 0.f;
        case U_SIGMOID: return 1.f / (1.f + expf(-x));
        case U_SIGN: return x > 0.f ? 1.f : (x < 0.f ? -1.f : x);   // keeps +-0 and NaN, as Math.signum
        case U_POW: return powf(x, p);
        case U_CLAMP: return jmin(jmax(x, p), q);
        case U_AFFINE: return x * p + q;
        default: return __int_as_float(0x7fc00000);             // unknown code: NaN, never silent zeros
    }
}

__device__ __forceinline__ float binary_apply(int op, float x, float y) {
    switch (op) {
        case B_ADD: return x + y;
        case B_SUB: return x - y;
        case B_MUL: return x * y;
        case B_DIV: return x / y;
        case B_MAX: return jmax(x, y);
        case B_MIN: return jmin(x, y);
        case B_POW: return powf(x, y);
        case B_GT: return x > y ? 1.f : 0.f;
        case B_GE: return x >= y ? 1.f : 0.f;
        case B_LT: return x < y ? 1.f : 0.f;
        case B_LE: return x <= y ? 1.f : 0.f;
        case B_EQ: return x == y ? 1.f : 0.f;
        case B_NE: return x != y ? 1.f : 0.f;
        default: return __int_as_float(0x7fc00000);
    }
}

// in, out [n]
extern "C" __global__ void unary_forward_v1(int op, float p, float q, const float* in, float* out, int n) {
    GRID_STRIDE(i, n) out[i] = unary_apply(op, in[i], p, q);
}

// in, out [n]; both 16-byte aligned (device allocations are 256-byte aligned and the SPI passes offset 0).
extern "C" __global__ void unary_forward_v2(int op, float p, float q, const float* __restrict__ in, float* __restrict__ out, int n) {
    int n4 = n >> 2;
    const float4* in4 = reinterpret_cast<const float4*>(in);
    float4* out4 = reinterpret_cast<float4*>(out);
    GRID_STRIDE(i, n4) {
        float4 v = in4[i];
        v.x = unary_apply(op, v.x, p, q);
        v.y = unary_apply(op, v.y, p, q);
        v.z = unary_apply(op, v.z, p, q);
        v.w = unary_apply(op, v.w, p, q);
        out4[i] = v;
    }
    // tail: the last n % 4 elements, one thread each
    int t = blockIdx.x * blockDim.x + threadIdx.x;
    if (t < (n & 3)) out[(n4 << 2) + t] = unary_apply(op, in[(n4 << 2) + t], p, q);
}

// out [prod(shape)] contiguous; a, b read at off + sum(idx_k * stride_k). Unused leading dims have size 1.
extern "C" __global__ void binary_forward_v1(int op, int n,
        int s0, int s1, int s2, int s3, int s4, int s5,
        const float* a, int aOff, int a0, int a1, int a2, int a3, int a4, int a5,
        const float* b, int bOff, int b0, int b1, int b2, int b3, int b4, int b5,
        float* out) {
    const int shape[DSR_MAX_RANK] = {s0, s1, s2, s3, s4, s5};
    const int as[DSR_MAX_RANK] = {a0, a1, a2, a3, a4, a5};
    const int bs[DSR_MAX_RANK] = {b0, b1, b2, b3, b4, b5};
    GRID_STRIDE(e, n) {
        int rest = e, ap = aOff, bp = bOff;
#pragma unroll
        for (int k = DSR_MAX_RANK - 1; k >= 0; k--) {   // decode the flat index, last dimension fastest
            int ik = rest % shape[k];
            rest /= shape[k];
            ap += ik * as[k];
            bp += ik * bs[k];
        }
        out[e] = binary_apply(op, a[ap], b[bp]);
    }
}

// cond, a, b, out [n]
extern "C" __global__ void where_forward_v1(const float* cond, const float* a, const float* b, float* out, int n) {
    GRID_STRIDE(i, n) out[i] = cond[i] != 0.f ? a[i] : b[i];
}

// out[outOff + idx.outStrides] = convert(in[inOff + idx.inStrides]) for every idx of shape (<= 6 dims).
// Float to int truncates toward zero and saturates, NaN -> 0 (Java's (int) cast).
extern "C" __global__ void copy_strided_forward_v1(int n,
        int s0, int s1, int s2, int s3, int s4, int s5,
        const void* in, int inType, int inOff, int i0, int i1, int i2, int i3, int i4, int i5,
        void* out, int outType, int outOff, int o0, int o1, int o2, int o3, int o4, int o5) {
    const int shape[DSR_MAX_RANK] = {s0, s1, s2, s3, s4, s5};
    const int is[DSR_MAX_RANK] = {i0, i1, i2, i3, i4, i5};
    const int os[DSR_MAX_RANK] = {o0, o1, o2, o3, o4, o5};
    GRID_STRIDE(e, n) {
        int rest = e, ip = inOff, op = outOff;
#pragma unroll
        for (int k = DSR_MAX_RANK - 1; k >= 0; k--) {
            int ik = rest % shape[k];
            rest /= shape[k];
            ip += ik * is[k];
            op += ik * os[k];
        }
        if (inType == outType) {
            static_cast<uint32_t*>(out)[op] = static_cast<const uint32_t*>(in)[ip];   // same type: copy the bits
        } else if (inType == DT_F32) {
            static_cast<int*>(out)[op] = __float2int_rz(static_cast<const float*>(in)[ip]);
        } else {
            static_cast<float*>(out)[op] = (float) static_cast<const int*>(in)[ip];
        }
    }
}

// out [n] = bits (a float's or an int's 32-bit pattern)
extern "C" __global__ void fill_forward_v1(uint32_t* out, uint32_t bits, int n) {
    GRID_STRIDE(i, n) out[i] = bits;
}
