package dsr3d.tensor.cpu.simd;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

/**
 * The one thread pool of the CPU backend. Size: {@code -Ddsr3d.threads=N}, default the number of
 * available processors. Kernels split work into at most {@link #threads()} chunks, so nested
 * calls never oversubscribe: a call made from inside a pool worker runs inline.
 */
public final class Parallel {
    private static volatile int threads = dsr3d.tensor.Config.THREADS;
    private static volatile ForkJoinPool pool = new ForkJoinPool(Math.max(1, threads));

    private Parallel() {}

    public static int threads() { return threads; }

    /** Changes the pool size (benchmarks sweep 1 and 2 threads). */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be >= 1, got " + n);
        if (n == threads) return;
        ForkJoinPool old = pool;
        pool = new ForkJoinPool(n);
        threads = n;
        old.shutdown();
    }

    /** A body that handles the half-open range [from, to). */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    /** Runs body over [0, n) split into at most threads() contiguous chunks of at least minChunk. */
    public static void forRange(int n, int minChunk, Range body) {
        int t = threads;
        int chunks = Math.min(t, Math.max(1, n / Math.max(1, minChunk)));
        if (chunks <= 1 || ForkJoinTask.inForkJoinPool()) {
            if (n > 0) body.run(0, n);
            return;
        }
        RecursiveAction[] tasks = new RecursiveAction[chunks];
        for (int i = 0; i < chunks; i++) {
            int from = (int) ((long) n * i / chunks), to = (int) ((long) n * (i + 1) / chunks);
            tasks[i] = new RecursiveAction() {
                @Override protected void compute() { body.run(from, to); }
            };
        }
        pool.invoke(new RecursiveAction() {
            @Override protected void compute() { invokeAll(tasks); }
        });
    }
}
