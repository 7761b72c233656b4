package dsr3d.bench.support;

import dsr3d.tensor.cpu.simd.Sgemm;

import java.util.SplittableRandom;

/**
 * A square fp32 GEMM C[n x n] = A * B for the benchmarks: owns its arrays, runs {@link Sgemm}
 * ({@link #run()}), and {@link #verify()}s 256 sampled elements of C against double dot products
 * so a bench refuses to time a wrong kernel.
 */
public final class GemmCase {
    public final int n;
    private final float[] a, b, c;

    public GemmCase(int n) {
        if (n < 1) throw new IllegalArgumentException("gemm size n must be >= 1, got " + n);
        this.n = n;
        SplittableRandom rnd = new SplittableRandom(n);
        a = random(rnd, n * n);
        b = random(rnd, n * n);
        c = new float[n * n];
    }

    /** Floating-point operations of one run (2 n^3). */
    public double flops() { return 2.0 * n * n * n; }

    public void run() { Sgemm.sgemm(false, false, n, n, n, a, 0, n, b, 0, n, c, 0, n, false); }

    public void verify() {
        run();
        SplittableRandom rnd = new SplittableRandom(7);
        for (int s = 0; s < 256; s++) {
            int i = rnd.nextInt(n), j = rnd.nextInt(n);
            double want = 0, abs = 0;
            for (int p = 0; p < n; p++) {
                double t = (double) a[i * n + p] * b[p * n + j];
                want += t;
                abs += Math.abs(t);
            }
            if (!(Math.abs(c[i * n + j] - want) <= 1e-5 * abs + 1e-6))
                throw new IllegalStateException("sgemm WRONG at n=" + n + ": C[" + i + "," + j + "] = " + c[i * n + j]
                        + ", reference " + want);
        }
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] r = new float[n];
        for (int i = 0; i < n; i++) r[i] = (float) (rnd.nextDouble() * 2 - 1);
        return r;
    }
}
