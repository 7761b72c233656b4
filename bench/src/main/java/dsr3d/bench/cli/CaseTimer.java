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
     * Several calls timed in turn (a, b, ..., a, b, ...) after all are warm, so that all see the
     * same machine: on a VM whose clock or share of the core moves by a third within seconds (seen
     * here), timing one block after the other can put them in different states. Stops when every
     * call has minReps samples and the minimum time (per call) has passed, or at maxReps; the
     * results are in the order of the calls.
     */
    public Result[] timeInterleaved(Runnable... calls) {
        long warmStart = System.nanoTime();
        for (int i = 0; i < warmCalls || System.nanoTime() - warmStart < warmSeconds * calls.length * 1e9; i++)
            for (Runnable c : calls) c.run();
        double[][] samples = new double[calls.length][maxReps];
        int n = 0;
        long start = System.nanoTime();
        while (n < maxReps && (n < minReps || System.nanoTime() - start < minSeconds * calls.length * 1e9)) {
            for (int k = 0; k < calls.length; k++) {
                long t0 = System.nanoTime();
                calls[k].run();
                samples[k][n] = (System.nanoTime() - t0) / 1e6;
            }
            n++;
        }
        Result[] out = new Result[calls.length];
        for (int k = 0; k < calls.length; k++) out[k] = result(Arrays.copyOf(samples[k], n));
        return out;
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
