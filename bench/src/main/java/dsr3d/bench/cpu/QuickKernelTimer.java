package dsr3d.bench.cpu;

import dsr3d.bench.support.ConvCase;
import dsr3d.bench.support.ConvShapes;
import dsr3d.bench.support.GemmCase;
import dsr3d.tensor.cpu.simd.Parallel;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;

/**
 * Quick, non-JMH kernel timings for the CLI ({@code ./3dsr bench gemm|conv}): each method checks
 * the kernel once against a double reference (throws if wrong), warms up (at least 2 calls and
 * 1 s, so C2 has compiled the micro-kernel), then times {@code reps} calls and returns the median
 * GFLOP/s (2 * MACs / time). Runs on {@code threads} pool threads and restores the pool size.
 * Less rigorous than the JMH benches (one JVM, no fork), good to a few percent on a quiet machine.
 *
 * <p>On a shared machine, {@code -Ddsr3d.bench.cpuTime=true} times 1-thread runs by the calling
 * thread's CPU time instead of wall time (with 1 thread the kernels run inline in the caller), which
 * discounts time the thread spent descheduled; it is ignored for more threads.
 */
public final class QuickKernelTimer {
    private QuickKernelTimer() {}

    /** Median GFLOP/s of a square n x n x n fp32 GEMM. */
    public static double gemmGflops(int n, int threads, int reps) {
        GemmCase gc = new GemmCase(n);
        return withThreads(threads, () -> {
            gc.verify();
            return medianGflops(gc::run, gc.flops(), reps, threads);
        });
    }

    /**
     * Median GFLOP/s of one pass of a 3DSR conv shape at batch 1.
     * @param shapeId c1..c54 (see {@link #convShapes()})
     * @param pass forward, backwardInput or backwardWeight
     */
    public static double convGflops(String shapeId, String pass, int threads, int reps) {
        ConvCase.Pass p;
        try {
            p = ConvCase.Pass.valueOf(pass);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("pass must be forward, backwardInput or backwardWeight, got '" + pass + "'");
        }
        ConvCase cc = new ConvCase(ConvShapes.byId(shapeId), p);
        return withThreads(threads, () -> {
            cc.verify();
            return medianGflops(cc::run, 2.0 * cc.macs(), reps, threads);
        });
    }

    /** The 3DSR conv shapes (id, description, MACs) in order of total MACs per inference. */
    public static List<ConvShapes.Shape> convShapes() { return ConvShapes.all(); }

    private static double medianGflops(Runnable kernel, double flops, int reps, int threads) {
        if (reps < 1) throw new IllegalArgumentException("reps must be >= 1, got " + reps);
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        boolean cpuTime = threads == 1 && dsr3d.tensor.Config.BENCH_CPU_TIME && cpu.isCurrentThreadCpuTimeSupported();
        long warmStart = System.nanoTime();
        for (int i = 0; i < 2 || System.nanoTime() - warmStart < 1_000_000_000L; i++) kernel.run();
        double[] g = new double[reps];
        for (int r = 0; r < reps; r++) {
            long t0 = cpuTime ? cpu.getCurrentThreadCpuTime() : System.nanoTime();
            kernel.run();
            g[r] = flops / ((cpuTime ? cpu.getCurrentThreadCpuTime() : System.nanoTime()) - t0);
        }
        Arrays.sort(g);
        return reps % 2 == 1 ? g[reps / 2] : (g[reps / 2 - 1] + g[reps / 2]) / 2;
    }

    private interface Measure { double get(); }

    private static double withThreads(int threads, Measure m) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        int saved = Parallel.threads();
        Parallel.setThreads(threads);
        try {
            return m.get();
        } finally {
            Parallel.setThreads(saved);
        }
    }

    /** java ... QuickKernelTimer gemm N THREADS REPS | conv SHAPE PASS THREADS REPS */
    public static void main(String[] args) {
        if (args.length == 4 && args[0].equals("gemm")) {
            System.out.printf("gemm n=%s threads=%s: %.1f GFLOP/s%n", args[1], args[2],
                    gemmGflops(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3])));
        } else if (args.length == 5 && args[0].equals("conv")) {
            for (String id : args[1].split(","))
                for (String pass : args[2].split(","))
                    System.out.printf("conv %s %-32s %-14s threads=%s: %.1f GFLOP/s%n", id, ConvShapes.byId(id).description(), pass,
                            args[3], convGflops(id, pass, Integer.parseInt(args[3]), Integer.parseInt(args[4])));
        } else {
            System.err.println("usage: QuickKernelTimer gemm N THREADS REPS | conv c1[,c2..] forward[,backwardInput,backwardWeight] THREADS REPS");
            System.exit(2);
        }
    }
}
