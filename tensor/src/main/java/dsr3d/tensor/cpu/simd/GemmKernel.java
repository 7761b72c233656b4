package dsr3d.tensor.cpu.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked micro-kernel of {@link GemmDriver}: an MR x NR tile of C (MR = 6 rows,
 * NR = 2 vectors) held in 12 vector accumulators; per k step it loads two vectors of the packed B
 * micro-panel, broadcasts MR values of the packed A micro-panel and issues 2*MR FMAs.
 * Written out in full (generated) so C2 keeps every accumulator in a register
 * (12 accumulators + 2 B vectors + a broadcast also fit AVX2's 16 registers). An 8-row tile
 * measured the same on square GEMM but ~5% slower on the big 3x3 convs, so 6 it is.
 * Three variants share the tile: {@link #kernel} (A and B packed), {@link #kernelInPlace}
 * (B micro-panels read straight from an image) and {@link #kernelAInPlace} (A rows read
 * straight from an image, the swapped weight-gradient GEMM of Conv2dSimd).
 * Also measured without gain (2026-11-29, 1024^3 GEMM and conv c1/c3): 8- and 12-row tiles, a k loop
 * indexed by the array offsets (for range-check elimination), k unrolled by 2 or 4 in the packed kernel,
 * KC 384/512, MC 72/288, NC 256/512/2048. The in-place kernel does gain from a 2-way k unroll.
 */
final class GemmKernel {
    private GemmKernel() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final int MR = 6, NR = 2 * L;

    /**
     * tile C[co + i*ldc + j] (i < MR, j < NR) = (load ? C : 0) + sum_p a[ao + p*MR + i] * b[bo + p*NR + j].
     */
    static void kernel(int kc, float[] a, int ao, float[] b, int bo, float[] c, int co, int ldc, boolean load) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c40 = FloatVector.zero(S), c41 = FloatVector.zero(S), c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int pb = bo + p * NR, pa = ao + p * MR;
            FloatVector b0 = FloatVector.fromArray(S, b, pb), b1 = FloatVector.fromArray(S, b, pb + L);
            FloatVector a0 = FloatVector.broadcast(S, a[pa + 0]);
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[pa + 1]);
            c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[pa + 2]);
            c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[pa + 3]);
            c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, a[pa + 4]);
            c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[pa + 5]);
            c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51);
        }
        if (load) {
            c00 = c00.add(FloatVector.fromArray(S, c, co + 0 * ldc)); c01 = c01.add(FloatVector.fromArray(S, c, co + 0 * ldc + L));
            c10 = c10.add(FloatVector.fromArray(S, c, co + 1 * ldc)); c11 = c11.add(FloatVector.fromArray(S, c, co + 1 * ldc + L));
            c20 = c20.add(FloatVector.fromArray(S, c, co + 2 * ldc)); c21 = c21.add(FloatVector.fromArray(S, c, co + 2 * ldc + L));
            c30 = c30.add(FloatVector.fromArray(S, c, co + 3 * ldc)); c31 = c31.add(FloatVector.fromArray(S, c, co + 3 * ldc + L));
            c40 = c40.add(FloatVector.fromArray(S, c, co + 4 * ldc)); c41 = c41.add(FloatVector.fromArray(S, c, co + 4 * ldc + L));
            c50 = c50.add(FloatVector.fromArray(S, c, co + 5 * ldc)); c51 = c51.add(FloatVector.fromArray(S, c, co + 5 * ldc + L));
        }
        c00.intoArray(c, co + 0 * ldc); c01.intoArray(c, co + 0 * ldc + L);
        c10.intoArray(c, co + 1 * ldc); c11.intoArray(c, co + 1 * ldc + L);
        c20.intoArray(c, co + 2 * ldc); c21.intoArray(c, co + 2 * ldc + L);
        c30.intoArray(c, co + 3 * ldc); c31.intoArray(c, co + 3 * ldc + L);
        c40.intoArray(c, co + 4 * ldc); c41.intoArray(c, co + 4 * ldc + L);
        c50.intoArray(c, co + 5 * ldc); c51.intoArray(c, co + 5 * ldc + L);
    }

    /**
     * As {@link #kernel} but B read in place: B(p, j) = b[offs[o0 + p] + base + j] (an image read as
     * its own im2col: offs holds one offset per tap, base the first pixel of the micro-panel).
     */
    static void kernelInPlace(int kc, float[] a, int ao, float[] b, int[] offs, int o0, int base, float[] c, int co, int ldc, boolean load) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c40 = FloatVector.zero(S), c41 = FloatVector.zero(S), c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        // unrolled by 2: measured +7% on the 3x3 convolutions (c1/c3 forward, 97 -> 104 GFLOP/s);
        // unrolling the packed kernel the same way gained nothing, so it stays rolled.
        int p = 0, pa = ao;
        for (; p + 1 < kc; p += 2, pa += 2 * MR) {
            { int pb = offs[o0 + p] + base;
              FloatVector b0 = FloatVector.fromArray(S, b, pb), b1 = FloatVector.fromArray(S, b, pb + L);
              FloatVector a0 = FloatVector.broadcast(S, a[pa + 0]);
              c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
              FloatVector a1 = FloatVector.broadcast(S, a[pa + 1]);
              c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
              FloatVector a2 = FloatVector.broadcast(S, a[pa + 2]);
              c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
              FloatVector a3 = FloatVector.broadcast(S, a[pa + 3]);
              c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
              FloatVector a4 = FloatVector.broadcast(S, a[pa + 4]);
              c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41);
              FloatVector a5 = FloatVector.broadcast(S, a[pa + 5]);
              c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51);
            } { int pb = offs[o0 + p + 1] + base;
              FloatVector b0 = FloatVector.fromArray(S, b, pb), b1 = FloatVector.fromArray(S, b, pb + L);
              FloatVector a0 = FloatVector.broadcast(S, a[pa + MR + 0]);
              c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
              FloatVector a1 = FloatVector.broadcast(S, a[pa + MR + 1]);
              c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
              FloatVector a2 = FloatVector.broadcast(S, a[pa + MR + 2]);
              c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
              FloatVector a3 = FloatVector.broadcast(S, a[pa + MR + 3]);
              c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
              FloatVector a4 = FloatVector.broadcast(S, a[pa + MR + 4]);
              c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41);
              FloatVector a5 = FloatVector.broadcast(S, a[pa + MR + 5]);
              c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51);
            }
        }
        if (p < kc) {
            int pb = offs[o0 + p] + base;
            FloatVector b0 = FloatVector.fromArray(S, b, pb), b1 = FloatVector.fromArray(S, b, pb + L);
            FloatVector a0 = FloatVector.broadcast(S, a[pa + 0]);
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[pa + 1]);
            c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[pa + 2]);
            c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[pa + 3]);
            c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, a[pa + 4]);
            c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[pa + 5]);
            c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51);
        }
        if (load) {
            c00 = c00.add(FloatVector.fromArray(S, c, co + 0 * ldc)); c01 = c01.add(FloatVector.fromArray(S, c, co + 0 * ldc + L));
            c10 = c10.add(FloatVector.fromArray(S, c, co + 1 * ldc)); c11 = c11.add(FloatVector.fromArray(S, c, co + 1 * ldc + L));
            c20 = c20.add(FloatVector.fromArray(S, c, co + 2 * ldc)); c21 = c21.add(FloatVector.fromArray(S, c, co + 2 * ldc + L));
            c30 = c30.add(FloatVector.fromArray(S, c, co + 3 * ldc)); c31 = c31.add(FloatVector.fromArray(S, c, co + 3 * ldc + L));
            c40 = c40.add(FloatVector.fromArray(S, c, co + 4 * ldc)); c41 = c41.add(FloatVector.fromArray(S, c, co + 4 * ldc + L));
            c50 = c50.add(FloatVector.fromArray(S, c, co + 5 * ldc)); c51 = c51.add(FloatVector.fromArray(S, c, co + 5 * ldc + L));
        }
        c00.intoArray(c, co + 0 * ldc); c01.intoArray(c, co + 0 * ldc + L);
        c10.intoArray(c, co + 1 * ldc); c11.intoArray(c, co + 1 * ldc + L);
        c20.intoArray(c, co + 2 * ldc); c21.intoArray(c, co + 2 * ldc + L);
        c30.intoArray(c, co + 3 * ldc); c31.intoArray(c, co + 3 * ldc + L);
        c40.intoArray(c, co + 4 * ldc); c41.intoArray(c, co + 4 * ldc + L);
        c50.intoArray(c, co + 5 * ldc); c51.intoArray(c, co + 5 * ldc + L);
    }

    /**
     * As {@link #kernel} with A read in place: A(i, p) = a[oi + p] for the MR row starts
     * o0..o5 (rows of an image read as its own im2col), B packed.
     */
    static void kernelAInPlace(int kc, float[] a, int o0, int o1, int o2, int o3, int o4, int o5,
                               float[] b, int bo, float[] c, int co, int ldc, boolean load) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c40 = FloatVector.zero(S), c41 = FloatVector.zero(S), c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int pb = bo + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, pb), b1 = FloatVector.fromArray(S, b, pb + L);
            FloatVector a0 = FloatVector.broadcast(S, a[o0 + p]);
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[o1 + p]);
            c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[o2 + p]);
            c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[o3 + p]);
            c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, a[o4 + p]);
            c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[o5 + p]);
            c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51);
        }
        if (load) {
            c00 = c00.add(FloatVector.fromArray(S, c, co + 0 * ldc)); c01 = c01.add(FloatVector.fromArray(S, c, co + 0 * ldc + L));
            c10 = c10.add(FloatVector.fromArray(S, c, co + 1 * ldc)); c11 = c11.add(FloatVector.fromArray(S, c, co + 1 * ldc + L));
            c20 = c20.add(FloatVector.fromArray(S, c, co + 2 * ldc)); c21 = c21.add(FloatVector.fromArray(S, c, co + 2 * ldc + L));
            c30 = c30.add(FloatVector.fromArray(S, c, co + 3 * ldc)); c31 = c31.add(FloatVector.fromArray(S, c, co + 3 * ldc + L));
            c40 = c40.add(FloatVector.fromArray(S, c, co + 4 * ldc)); c41 = c41.add(FloatVector.fromArray(S, c, co + 4 * ldc + L));
            c50 = c50.add(FloatVector.fromArray(S, c, co + 5 * ldc)); c51 = c51.add(FloatVector.fromArray(S, c, co + 5 * ldc + L));
        }
        c00.intoArray(c, co + 0 * ldc); c01.intoArray(c, co + 0 * ldc + L);
        c10.intoArray(c, co + 1 * ldc); c11.intoArray(c, co + 1 * ldc + L);
        c20.intoArray(c, co + 2 * ldc); c21.intoArray(c, co + 2 * ldc + L);
        c30.intoArray(c, co + 3 * ldc); c31.intoArray(c, co + 3 * ldc + L);
        c40.intoArray(c, co + 4 * ldc); c41.intoArray(c, co + 4 * ldc + L);
        c50.intoArray(c, co + 5 * ldc); c51.intoArray(c, co + 5 * ldc + L);
    }
}
