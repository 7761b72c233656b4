package dsr3d.bench.cli;

import dsr3d.tensor.backend.ConvGeom;
import dsr3d.tensor.cpu.Conv2dCpu;
import dsr3d.tensor.cpu.simd.ConvLadder;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code ./3dsr bench ladder}: every rung of {@link ConvLadder} on a few forward 3DSR convolutions,
 * each rung first checked against the double-precision reference (Conv2dCpu; a wrong rung is an
 * error, not a row), then timed. Shapes are scaled down (ConvShape.scaledTo) so that the plain
 * loops finish in seconds.
 */
final class LadderCases {
    private LadderCases() {}

    /** A 3x3 convolution (c3: 512->512), a grouped one (c7) and a 4x4 stride-2 one (c12). */
    static final List<String> DEFAULT_IDS = List.of("c3", "c7", "c12");
    /** Spatial sizes divided until one call is at most this many MACs: big enough that the fast rungs
     *  are not dominated by call overheads, small enough for the loops (~2 GFLOP/s: about a second a call). */
    static final long MAX_MACS = 1_500_000_000L;

    static List<BenchCase> of(List<String> ids) {
        List<BenchCase> out = new ArrayList<>();
        for (ConvShape s : ConvShape.byIds(ids)) {
            if (s.transposed()) throw new IllegalArgumentException("--shapes: " + s.id() + " is a transposed convolution; the ladder runs forward convolutions");
            ConvShape small = s.scaledTo(MAX_MACS);
            Reference ref = new Reference(small.kernelGeom());
            for (ConvLadder.Rung r : ConvLadder.RUNGS) out.add(of(small, r, ref));
        }
        return out;
    }

    /** The operands of one shape (the same random data for every rung) and, computed once, the double reference output. */
    private static final class Reference {
        final ConvGeom g;
        final float[] w, x, bias;
        private double[] y;

        Reference(ConvGeom g) {
            this.g = g;
            w = BenchData.random(g.weightSize(), 5);
            x = BenchData.random(g.inputSize(), 6);
            bias = BenchData.random(g.cout(), 8);
        }

        double[] output() {
            if (y == null) {
                y = new double[g.outputSize()];
                Conv2dCpu.forward(g, toDouble(x), toDouble(w), toDouble(bias), y);
            }
            return y;
        }
    }

    static BenchCase of(ConvShape s, ConvLadder.Rung rung, Reference ref) {
        ConvGeom g = ref.g;
        return new BenchCase("ladder", s.label(), rung.name(), 2.0 * s.macs(), () -> {
            float[] y = new float[g.outputSize()];
            rung.forward().run(g, ref.x, ref.w, ref.bias, y);
            check(ref.output(), y, g, s.label() + " " + rung.name());
            return () -> rung.forward().run(g, ref.x, ref.w, ref.bias, y);
        });
    }

    /** Throws unless y equals the double reference within float rounding of a k-term sum. */
    private static void check(double[] ref, float[] y, ConvGeom g, String what) {
        int k = g.cinPerGroup() * g.kh() * g.kw();
        double tol = 16 * Math.ulp(1f) * Math.sqrt(k);
        for (int i = 0; i < ref.length; i++) {
            double err = Math.abs(y[i] - ref[i]) / (Math.sqrt(k) * 0.5 + Math.abs(ref[i]));
            if (!(err <= tol)) throw new IllegalStateException(String.format(Locale.ROOT,
                    "ladder rung %s is wrong at output %d: %s, reference %s", what, i, y[i], ref[i]));
        }
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }
}
