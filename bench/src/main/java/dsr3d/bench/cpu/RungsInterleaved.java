package dsr3d.bench.cpu;

import dsr3d.bench.cli.BenchData;
import dsr3d.bench.cli.CaseTimer;
import dsr3d.tensor.backend.ConvGeom;
import dsr3d.tensor.cpu.simd.ConvLadder;
import dsr3d.tensor.cpu.simd.ConvPlan;

import java.util.List;
import java.util.Locale;

/**
 * The three fast rungs of {@link ConvLadder} (implicit GEMM with packed panels, interior panels in
 * place, today's {@code Conv2dSimd.forward}) on 3DSR forward shapes, called in turn call by call,
 * so that all three see the same machine: on a VM whose clock moves by a third within seconds,
 * {@code ./3dsr bench ladder}'s one-rung-after-another medians cannot separate a 10 % difference.
 * Prints the median GFLOP/s per rung and the ratio of each to today's kernel, with today's plan;
 * rungs whose outputs disagree are refused before anything is timed.
 * This is how {@link ConvPlan#PACK_FROM_COUT} was chosen. Shapes: spatial sizes reduced so that a
 * call takes tens of milliseconds on one core.
 *
 * <pre>./3dsr main dsr3d.bench.cpu.RungsInterleaved [calls]   (default 30; threads: -Ddsr3d.threads)</pre>
 */
public final class RungsInterleaved {
    private RungsInterleaved() {}

    private record Shape(String label, ConvGeom g) {}

    private static final List<Shape> SHAPES = List.of(
            new Shape("c1 512>1024 @32", ConvGeom.square(1, 512, 32, 1024, 3, 1, 1, 1)),
            new Shape("c2 1024>2048 @24", ConvGeom.square(1, 1024, 24, 2048, 3, 1, 1, 1)),
            new Shape("c3 512>512 @48", ConvGeom.square(1, 512, 48, 512, 3, 1, 1, 1)),
            new Shape("c4 1024>1024 @24", ConvGeom.square(1, 1024, 24, 1024, 3, 1, 1, 1)),
            new Shape("c14 256>256 @48", ConvGeom.square(1, 256, 48, 256, 3, 1, 1, 1)),
            new Shape("c16 512>256 @48", ConvGeom.square(1, 512, 48, 256, 3, 1, 1, 1)),
            new Shape("c5 256>128 @96", ConvGeom.square(1, 256, 96, 128, 3, 1, 1, 1)),
            new Shape("c6 128>128 @96", ConvGeom.square(1, 128, 96, 128, 3, 1, 1, 1)),
            new Shape("c7 256>128 g2 @96", ConvGeom.square(1, 256, 96, 128, 3, 1, 1, 2)),
            new Shape("c11 64>32 @192", ConvGeom.square(1, 64, 192, 32, 3, 1, 1, 1)));

    public static void main(String[] args) {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        List<ConvLadder.Rung> rungs = ConvLadder.RUNGS.stream().filter(r -> !r.name().equals("loops") && !r.name().equals("im2col+gemm")).toList();
        System.out.printf(Locale.ROOT, "median GFLOP/s of %d calls per rung, rungs called in turn; ratio = rung time / best's%n", calls);
        System.out.printf(Locale.ROOT, "%-20s %-14s", "shape", "best's plan");
        for (ConvLadder.Rung r : rungs) System.out.printf(Locale.ROOT, " %16s", r.name());
        System.out.println();
        for (Shape s : SHAPES) {
            ConvGeom g = s.g();
            float[] x = BenchData.random(g.inputSize(), 1), w = BenchData.random(g.weightSize(), 2), bias = BenchData.random(g.cout(), 3);
            float[] y = new float[g.outputSize()];
            agree(s.label(), g, rungs, x, w, bias);
            // 3 warm-up rounds, then exactly `calls` rounds of one call per rung
            CaseTimer.Result[] t = new CaseTimer(3, 0, calls, 0, calls).timeInterleaved(
                    rungs.stream().map(r -> (Runnable) () -> r.forward().run(g, x, w, bias, y)).toArray(Runnable[]::new));
            double flops = 2.0 * g.macs(), best = t[t.length - 1].medianMs();
            System.out.printf(Locale.ROOT, "%-20s %-14s", s.label(), ConvPlan.of(g, ConvPlan.Pass.FORWARD));
            for (CaseTimer.Result r : t) System.out.printf(Locale.ROOT, " %7.1f (x%5.2f)", flops / (r.medianMs() * 1e6), r.medianMs() / best);
            System.out.println();
        }
    }

    /**
     * Refuses to time rungs that disagree: each rung's output against the first's, to 1e-4 of the
     * largest output (they run the same micro-kernels in the same k order; ConvLadderTest checks
     * every rung against the double reference on awkward shapes).
     */
    private static void agree(String label, ConvGeom g, List<ConvLadder.Rung> rungs, float[] x, float[] w, float[] bias) {
        float[] first = new float[g.outputSize()];
        rungs.get(0).forward().run(g, x, w, bias, first);
        double scale = 0;
        for (float v : first) scale = Math.max(scale, Math.abs(v));
        for (ConvLadder.Rung r : rungs.subList(1, rungs.size())) {
            float[] y = new float[g.outputSize()];
            r.forward().run(g, x, w, bias, y);
            for (int i = 0; i < y.length; i++)
                if (!(Math.abs(y[i] - first[i]) <= 1e-4 * scale))
                    throw new IllegalStateException(label + ": rung " + r.name() + " disagrees with " + rungs.get(0).name()
                            + " at output " + i + ": " + y[i] + " vs " + first[i]);
        }
    }
}
