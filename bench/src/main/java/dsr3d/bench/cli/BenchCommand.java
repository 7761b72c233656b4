package dsr3d.bench.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code ./3dsr bench [gemm|conv|vq|infer|ladder] [--threads N,..] [--quick] [--json FILE]}: a quick look at
 * the speed of the fast CPU kernels on 3DSR's shapes, without JMH. No subcommand = gemm, conv and vq.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Time the fast CPU kernels (SGEMM, 3DSR convolutions, VQ search) and print GFLOP/s.",
                "Without a subcommand runs gemm, conv and vq. A progress bar with ETA goes to stderr.",
                "For published figures use the JMH benchmarks (see README)."},
        subcommands = {BenchCommand.Gemm.class, BenchCommand.Conv.class, BenchCommand.Vq.class, BenchCommand.Infer.class, BenchCommand.Ladder.class})
public final class BenchCommand implements Callable<Integer> {

    @Mixin
    BenchOptions options;

    @Override
    public Integer call() {
        List<BenchCase> cases = new ArrayList<>(Gemm.cases(null, options.quick));
        cases.addAll(Conv.cases(null, null, options.quick));
        cases.addAll(Vq.cases(options.quick, null, null, null));
        BenchRunner.run(cases, options, System.out);
        return 0;
    }

    @Command(name = "gemm", mixinStandardHelpOptions = true,
            description = "Square SGEMM C = A*B (row-major) for n in 256..2048 (quick: 256..1024).")
    static final class Gemm implements Callable<Integer> {
        @ParentCommand BenchCommand parent;
        @Mixin BenchOptions options;

        @Option(names = "--sizes", split = ",", paramLabel = "N", description = "Matrix sizes n to measure.")
        List<Integer> sizes;

        static List<BenchCase> cases(List<Integer> sizes, boolean quick) {
            List<Integer> ns = sizes != null ? sizes : quick ? GemmCases.QUICK_SIZES : GemmCases.FULL_SIZES;
            return ns.stream().map(GemmCases::of).toList();
        }

        @Override
        public Integer call() {
            BenchOptions o = options.orParent(parent.options);
            BenchRunner.run(cases(sizes, o.quick), o, System.out);
            return 0;
        }
    }

    @Command(name = "conv", mixinStandardHelpOptions = true,
            description = {"Convolutions of one 3DSR inference: forward, input and weight gradient.",
                    "Shapes from 3dsr-conv-shapes.csv, batch 1. Default: all 54 shapes at full size.",
                    "--quick: c1-c4, c7, c12, c13, c37 with height and width divided until <= 3 GMAC."})
    static final class Conv implements Callable<Integer> {
        @ParentCommand BenchCommand parent;
        @Mixin BenchOptions options;

        @Option(names = "--shapes", split = ",", paramLabel = "ID", description = "Shape ids, e.g. c1,c13 (see the CSV).")
        List<String> shapes;

        @Option(names = "--passes", split = ",", paramLabel = "PASS",
                description = "Any of forward, backward-input, backward-weight (default: all three).")
        List<String> passes;

        static List<BenchCase> cases(List<String> ids, List<String> passNames, boolean quick) {
            List<ConvShape> chosen = ids != null ? ConvShape.byIds(ids) : quick ? ConvShape.byIds(ConvCases.QUICK_IDS) : ConvShape.all();
            if (quick) chosen = chosen.stream().map(s -> s.scaledTo(ConvCases.QUICK_MAX_MACS)).toList();
            List<ConvCases.Pass> ps = passNames == null ? List.of(ConvCases.Pass.values())
                    : passNames.stream().map(ConvCases.Pass::parse).toList();
            return ConvCases.of(chosen, ps);
        }

        @Override
        public Integer call() {
            BenchOptions o = options.orParent(parent.options);
            BenchRunner.run(cases(shapes, passes, o.quick), o, System.out);
            return 0;
        }
    }

    @Command(name = "ladder", mixinStandardHelpOptions = true,
            description = {"The CPU convolution kernel ladder (dsr3d.tensor.cpu.simd.ConvLadder), forward pass:",
                    "plain loops -> im2col + GEMM -> implicit GEMM -> in-place panels -> today's kernel,",
                    "each checked against the double reference, then timed, with its %% of the FMA peak.",
                    "Shapes scaled down to <= 1.5 G multiply-adds per call (the loops run at about 2-3 GFLOP/s)."})
    static final class Ladder implements Callable<Integer> {
        @ParentCommand BenchCommand parent;
        @Mixin BenchOptions options;

        @Option(names = "--shapes", split = ",", paramLabel = "ID", description = "Forward shape ids (default: c3, c7, c12; see the CSV).")
        List<String> shapes;

        @Override
        public Integer call() {
            BenchOptions o = options.orParent(parent.options);
            BenchRunner.run(LadderCases.of(shapes != null ? shapes : LadderCases.DEFAULT_IDS), o, System.out);
            return 0;
        }
    }

    @Command(name = "vq", mixinStandardHelpOptions = true,
            description = {"VQ nearest-codeword search at 3DSR's sizes.",
                    "k=2048 codewords of d=256; n=2304 (top, 48x48) and n=9216 (bottom, 96x96); quick: top only."})
    static final class Vq implements Callable<Integer> {
        @ParentCommand BenchCommand parent;
        @Mixin BenchOptions options;

        @Option(names = "--n", description = "Custom shape: number of vectors (needs --k and --d too).") Integer n;
        @Option(names = "--k", description = "Custom shape: number of codewords.") Integer k;
        @Option(names = "--d", description = "Custom shape: vector length.") Integer d;

        static List<BenchCase> cases(boolean quick, Integer n, Integer k, Integer d) {
            if (n == null && k == null && d == null)
                return (quick ? VqCases.QUICK : VqCases.FULL).stream().map(VqCases::of).toList();
            if (n == null || k == null || d == null)
                throw new IllegalArgumentException("--n, --k and --d go together (custom VQ shape); got n=" + n + " k=" + k + " d=" + d);
            if (n < 1 || k < 1 || d < 1 || (long) n * d > Integer.MAX_VALUE || (long) k * d > Integer.MAX_VALUE)
                throw new IllegalArgumentException("--n, --k, --d must be >= 1 with n*d and k*d < 2^31; got n=" + n + " k=" + k + " d=" + d);
            return List.of(VqCases.of(new VqCases.VqShape("custom", n, k, d)));
        }

        @Override
        public Integer call() {
            BenchOptions o = options.orParent(parent.options);
            BenchRunner.run(cases(o.quick, n, k, d), o, System.out);
            return 0;
        }
    }

    @Command(name = "infer", mixinStandardHelpOptions = true,
            description = {"The whole 3DSR inference of one image (preprocessed input -> smoothed map), random weights.",
                    "Prints the JVM heap peak after the run (java.lang.management)."})
    static final class Infer implements Callable<Integer> {
        @ParentCommand BenchCommand parent;
        @Mixin BenchOptions options;

        @Option(names = "--size", defaultValue = "384", description = "Image side (default: ${DEFAULT-VALUE}).") int size;
        @Option(names = "--modality", defaultValue = "rgbd", description = "rgbd, depth or rgb (default: ${DEFAULT-VALUE}).") String modality;
        @Option(names = "--preset", defaultValue = "paper", description = "paper or small (default: ${DEFAULT-VALUE}).") String preset;
        @Option(names = "--profile", description = {"After timing, run one more inference per thread count with the kernel profile on",
                "(dsr3d.tensor.backend.OpProfile) and print seconds, share, GFLOP/s and %% of the FMA peak per convolution",
                "pass and shape and per matmul shape; the remaining time (elementwise, norms, pooling, VQ search) is the",
                "difference to the wall time printed beside it."}) boolean profile;

        @Override
        public Integer call() {
            BenchOptions o = options.orParent(parent.options);
            if (size <= 0 || size % 32 != 0) throw new IllegalArgumentException("--size must be a positive multiple of 32, got " + size);
            BenchCase infer = InferCases.of(preset, dsr3d.models.dada.Modality.parse(modality), size);
            BenchRunner.run(java.util.List.of(infer), o, System.out);
            if (profile) profile(infer, o);
            long peak = 0;
            for (java.lang.management.MemoryPoolMXBean b : java.lang.management.ManagementFactory.getMemoryPoolMXBeans())
                if (b.getType() == java.lang.management.MemoryType.HEAP && b.getPeakUsage() != null) peak += b.getPeakUsage().getUsed();
            System.out.printf(java.util.Locale.ROOT, "heap peak (sum of heap pool peaks): %.0f MB, max heap %.0f MB%n",
                    peak / 1048576.0, Runtime.getRuntime().maxMemory() / 1048576.0);
            return 0;
        }

        /** One profiled inference per thread count (after the timed ones, so the JIT is warm). */
        private static void profile(BenchCase infer, BenchOptions o) {
            Runnable call = infer.prepare().get();
            int before = dsr3d.tensor.cpu.simd.Parallel.threads();
            try {
                for (int t : o.threadCounts()) {
                    dsr3d.tensor.cpu.simd.Parallel.setThreads(t);
                    call.run();   // warm at this thread count
                    dsr3d.tensor.backend.OpProfile.reset();
                    dsr3d.tensor.backend.OpProfile.enable(true);
                    long start = System.nanoTime();
                    call.run();
                    double wall = (System.nanoTime() - start) / 1e9;
                    dsr3d.tensor.backend.OpProfile.enable(false);
                    System.out.printf(java.util.Locale.ROOT, "%nprofile, %s %s, %d thread(s): wall %.3f s%n", infer.shape(), infer.pass(), t, wall);
                    System.out.print(dsr3d.tensor.backend.OpProfile.table(dsr3d.tensor.backend.OpProfile.lines(),
                            dsr3d.bench.support.FmaPeak.gflopsPerCore() * t));
                }
            } finally {
                dsr3d.tensor.cpu.simd.Parallel.setThreads(before);
            }
        }
    }
}
