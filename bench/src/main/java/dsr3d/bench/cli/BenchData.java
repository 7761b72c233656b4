package dsr3d.bench.cli;

import java.util.SplittableRandom;

/** Benchmark operands: uniform in [-1, 1), seeded, never zero-filled (a kernel may skip zeros). */
public final class BenchData {
    private BenchData() {}

    public static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (2 * r.nextDouble() - 1);
        return a;
    }
}
