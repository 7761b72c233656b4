package dsr3d.bench.cli;

import java.util.Arrays;

/**
 * Wall-clock timing of one repeated call, without JMH: warm up (JIT, caches, page faults) until
 * both a minimum count and a minimum time are reached, then measure single calls until again
 * both minimums are reached (capped). The median is the figure; min and all samples are kept.
 * Good for a quick look; for numbers to publish use the JMH benchmarks.
 */
public record CaseTimer(int warmCalls, double warmSeconds, int minReps, double minSeconds, int maxReps) {

    public static final CaseTimer QUICK = new CaseTimer(1, 0.2, 2, 0.5, 20);
    public static final CaseTimer FULL = new CaseTimer(2, 1.0, 3, 2.0, 50);

    /** Timings of one case, in milliseconds per call. */
    public record Result(double medianMs, double minMs, double[] samplesMs) {
        public int reps() { return samplesMs.length; }
    }

    /**
     * Two calls timed alternately (a, b, a, b, ...) after both are warm, so that both see the same
     * machine: on a VM whose clock or share of the core moves by a third within seconds (seen
     * here), timing one block after the other can put them in different states. Stops when both
     * minimums are reached (capped); the results are a's and b's.
     */
    public Result[] timeInterleaved(Runnable a, Runnable b) {
        long warmStart = System.nanoTime();
        for (int i = 0; i < warmCalls || System.nanoTime() - warmStart < warmSeconds * 1e9; i++) { a.run(); b.run(); }
        double[] sa = new double[maxReps], sb = new double[maxReps];
        int n = 0;
        long start = System.nanoTime();
        while (n < maxReps && (n < minReps || System.nanoTime() - start < 2 * minSeconds * 1e9)) {
            long t0 = System.nanoTime();
            a.run();
            long t1 = System.nanoTime();
            b.run();
            sa[n] = (t1 - t0) / 1e6;
            sb[n++] = (System.nanoTime() - t1) / 1e6;
        }
        return new Result[] {result(Arrays.copyOf(sa, n)), result(Arrays.copyOf(sb, n))};
    }

    public Result time(Runnable call) {
        long warmStart = System.nanoTime();
        for (int i = 0; i < warmCalls || System.nanoTime() - warmStart < warmSeconds * 1e9; i++) call.run();
        double[] samples = new double[maxReps];
        int n = 0;
        long start = System.nanoTime();
        while (n < maxReps && (n < minReps || System.nanoTime() - start < minSeconds * 1e9)) {
            long t0 = System.nanoTime();
            call.run();
            samples[n++] = (System.nanoTime() - t0) / 1e6;
        }
        return result(Arrays.copyOf(samples, n));
    }

    private static Result result(double[] s) {
        double[] sorted = s.clone();
        Arrays.sort(sorted);
        int n = s.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Result(median, sorted[0], s);
    }
}
