// Host emulation of the little of CUDA our kernels use (see emu_check.cpp). Not used by nvcc:
// only emu_check.cpp puts this folder first on the include path.
#pragma once
#include <atomic>
#include <barrier>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <climits>
#include <thread>
#include <vector>
#include <functional>

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __restrict__
#define __launch_bounds__(x)
#define __shared__ static          // one block runs at a time, so a function-local static is per block
#define __align__(n) __attribute__((aligned(n)))
struct alignas(16) float4 { float x, y, z, w; };

struct dim3 { unsigned x = 1, y = 1, z = 1; };
extern thread_local dim3 threadIdx, blockIdx;
extern dim3 blockDim, gridDim;

struct EmuBlock {
    std::barrier<>* block;
    std::vector<std::barrier<>*> warps;
    std::vector<uint64_t> slots;   // one exchange slot per thread for shuffles
};
extern EmuBlock* emu_block;

inline void __syncthreads() { emu_block->block->arrive_and_wait(); }

template <typename T>
inline T emu_shfl_xor(T v, int o) {
    unsigned t = threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
    unsigned w = t / 32, lane = t % 32;
    uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof(T));
    emu_block->slots[t] = bits;
    emu_block->warps[w]->arrive_and_wait();
    uint64_t other = emu_block->slots[w * 32 + (lane ^ o)];
    emu_block->warps[w]->arrive_and_wait();
    T r;
    std::memcpy(&r, &other, sizeof(T));
    return r;
}
#define __shfl_xor_sync(mask, v, o) emu_shfl_xor((v), (o))

inline float atomicAdd(float* p, float v) { return std::atomic_ref<float>(*p).fetch_add(v); }
inline int atomicCAS(int* p, int expected, int desired) {
    std::atomic_ref<int>(*p).compare_exchange_strong(expected, desired);
    return expected;
}
inline float __int_as_float(int i) { float f; std::memcpy(&f, &i, 4); return f; }
inline int __float2int_rz(float f) {
    if (std::isnan(f)) return 0;
    if (f >= 2147483648.f) return INT_MAX;
    if (f <= -2147483648.f) return INT_MIN;
    return (int) f;
}
inline float rsqrtf(float x) { return 1.f / std::sqrt(x); }
using std::isnan; using std::signbit;
inline int min(int a, int b) { return a < b ? a : b; }

// Runs kernel(args...) on grid x block, blocks one after another, the threads of a block concurrently.
template <typename F>
void emu_launch(dim3 grid, dim3 block, F kernel) {
    blockDim = block;
    gridDim = grid;
    unsigned nt = block.x * block.y * block.z;
    for (unsigned bz = 0; bz < grid.z; bz++)
        for (unsigned by = 0; by < grid.y; by++)
            for (unsigned bx = 0; bx < grid.x; bx++) {
                std::barrier<> bar(nt);
                std::vector<std::barrier<>*> warps;
                for (unsigned w = 0; w < (nt + 31) / 32; w++) warps.push_back(new std::barrier<>(std::min(32u, nt - 32 * w)));
                EmuBlock eb{&bar, warps, std::vector<uint64_t>(nt)};
                emu_block = &eb;
                std::vector<std::thread> ts;
                for (unsigned t = 0; t < nt; t++)
                    ts.emplace_back([&, t] {
                        threadIdx = dim3{t % block.x, (t / block.x) % block.y, t / (block.x * block.y)};
                        blockIdx = dim3{bx, by, bz};
                        kernel();
                    });
                for (auto& th : ts) th.join();
                for (auto* w : warps) delete w;
            }
}
