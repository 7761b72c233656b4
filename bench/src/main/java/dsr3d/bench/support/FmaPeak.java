package dsr3d.bench.support;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Measures the single-precision FMA peak of one core, the 100% of every "% of peak" column.
 * Twelve independent accumulator chains of vector FMAs (enough to hide the FMA latency on
 * current x86 cores) run on registers only, so nothing but the FMA units limits them. The
 * figure is measured rather than assumed because it differs by a factor of two between CPUs
 * that all report AVX-512 (Zen 4 executes 512-bit FMAs as two 256-bit halves; Zen 5 and Intel
 * server cores do not).
 */
public final class FmaPeak {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static volatile double cached;

    private FmaPeak() {}

    /** GFLOP/s of one thread (cached after the first call, ~0.5 s). */
    public static double gflopsPerCore() {
        if (cached == 0) {
            double best = 0;
            for (int round = 0; round < 5; round++) best = Math.max(best, once(2_000_000));
            cached = best;
        }
        return cached;
    }

    private static double once(int iterations) {
        FloatVector a = FloatVector.broadcast(F, 0.999999f), b = FloatVector.broadcast(F, 1e-7f);
        FloatVector c0 = FloatVector.broadcast(F, 1), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0,
                c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        long t0 = System.nanoTime();
        for (int i = 0; i < iterations; i++) {
            c0 = c0.fma(a, b); c1 = c1.fma(a, b); c2 = c2.fma(a, b); c3 = c3.fma(a, b);
            c4 = c4.fma(a, b); c5 = c5.fma(a, b); c6 = c6.fma(a, b); c7 = c7.fma(a, b);
            c8 = c8.fma(a, b); c9 = c9.fma(a, b); c10 = c10.fma(a, b); c11 = c11.fma(a, b);
        }
        long ns = System.nanoTime() - t0;
        float sink = c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11).lane(0);
        if (sink == 42f) System.out.print("");          // keeps the chains alive
        return 12.0 * 2 * F.length() * iterations / ns;
    }

    public static void main(String[] args) {
        System.out.printf("FMA peak: %.1f GFLOP/s per core (%d-bit vectors)%n", gflopsPerCore(), F.vectorBitSize());
    }
}
