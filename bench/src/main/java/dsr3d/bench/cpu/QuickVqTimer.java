package dsr3d.bench.cpu;

import dsr3d.tensor.cpu.simd.Parallel;
import dsr3d.tensor.cpu.simd.Sgemm;
import dsr3d.tensor.cpu.simd.VqNearestSimd;

import java.util.Arrays;
import java.util.Random;

/**
 * A quick (non-JMH) timer for the CLI's bench command: median GFLOP/s of the fused VQ search
 * after a warm-up, and of a plain Sgemm of the same size for comparison. Not a substitute for
 * VqArgminBench; it is for a rough figure in seconds.
 */
public final class QuickVqTimer {
    private QuickVqTimer() {}

    /** Median GFLOP/s (2*n*k*d flops per search) of VqNearestSimd over reps timed runs after 2 warm-ups. */
    public static double vqGflops(int n, int k, int d, int threads, int reps) {
        float[][] data = data(n, k, d);
        int[] out = new int[n];
        return timed(n, k, d, threads, reps, () -> VqNearestSimd.nearest(data[0], data[1], n, k, d, out));
    }

    /** Median GFLOP/s of Sgemm computing the same n x k dot-product matrix z * E^T. */
    public static double sgemmGflops(int n, int k, int d, int threads, int reps) {
        float[][] data = data(n, k, d);
        float[] c = new float[n * k];
        return timed(n, k, d, threads, reps, () -> Sgemm.sgemm(false, true, n, k, d, data[0], 0, d, data[1], 0, d, c, 0, k, false));
    }

    private static float[][] data(int n, int k, int d) {
        if (n < 1 || k < 1 || d < 1) throw new IllegalArgumentException("n, k, d must be >= 1, got " + n + ", " + k + ", " + d);
        Random rnd = new Random(1);
        float[] z = new float[n * d], e = new float[k * d];
        for (int i = 0; i < z.length; i++) z[i] = (float) rnd.nextGaussian();
        for (int i = 0; i < e.length; i++) e[i] = (float) rnd.nextGaussian();
        return new float[][]{z, e};
    }

    private static double timed(int n, int k, int d, int threads, int reps, Runnable run) {
        if (reps < 1) throw new IllegalArgumentException("reps must be >= 1, got " + reps);
        int saved = Parallel.threads();
        Parallel.setThreads(threads);
        try {
            for (int w = 0; w < 2; w++) run.run();
            double[] gf = new double[reps];
            for (int r = 0; r < reps; r++) {
                long t0 = System.nanoTime();
                run.run();
                gf[r] = 2.0 * n * k * d / (System.nanoTime() - t0);   // flop per ns = GFLOP/s
            }
            Arrays.sort(gf);
            return gf[reps / 2];
        } finally {
            Parallel.setThreads(saved);
        }
    }

    /** {@code java ... dsr3d.bench.cpu.QuickVqTimer [n k d threads reps]} */
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 9216, k = args.length > 1 ? Integer.parseInt(args[1]) : 2048;
        int d = args.length > 2 ? Integer.parseInt(args[2]) : 256, t = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        int reps = args.length > 4 ? Integer.parseInt(args[4]) : 5;
        double vq = vqGflops(n, k, d, t, reps), mm = sgemmGflops(n, k, d, t, reps);
        System.out.printf("n=%d k=%d d=%d threads=%d: fused VQ %.2f GFLOP/s, Sgemm %.2f GFLOP/s, ratio %.0f%%%n", n, k, d, t, vq, mm, 100 * vq / mm);
    }
}
