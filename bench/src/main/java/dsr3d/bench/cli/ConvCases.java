package dsr3d.bench.cli;

import dsr3d.tensor.backend.ConvGeom;
import dsr3d.tensor.cpu.simd.Conv2dSimd;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Convolution cases from the 3DSR shape list, batch 1, three passes each. For a transposed row
 * the passes of the module map onto the kernels of its adjoint convolution G (see ConvShape):
 * forward = G.backwardInput, backward-input = G.forward, backward-weight = G.backwardWeight
 * with the roles of x and dy swapped.
 */
public final class ConvCases {
    private ConvCases() {}

    public enum Pass {
        FORWARD, BACKWARD_INPUT, BACKWARD_WEIGHT;

        public String label() { return name().toLowerCase(Locale.ROOT).replace('_', '-'); }

        public static Pass parse(String s) {
            for (Pass p : values()) if (p.label().equals(s.trim()) || p.name().equalsIgnoreCase(s.trim())) return p;
            throw new IllegalArgumentException("--passes: unknown pass '" + s + "'; expected forward, backward-input, backward-weight");
        }
    }

    /** The quick set: the four biggest shapes plus one each of grouped, stride-2, transposed and 1x1. */
    public static final List<String> QUICK_IDS = List.of("c1", "c2", "c3", "c4", "c7", "c12", "c13", "c37");
    /** Quick mode divides spatial sizes until one pass costs at most this many MACs (~3 GMAC). */
    public static final long QUICK_MAX_MACS = 3_000_000_000L;

    public static List<BenchCase> of(List<ConvShape> shapes, List<Pass> passes) {
        List<BenchCase> out = new ArrayList<>();
        for (ConvShape s : shapes)
            for (Pass p : passes) out.add(of(s, p));
        return out;
    }

    public static BenchCase of(ConvShape s, Pass pass) {
        ConvGeom g = s.kernelGeom();
        return new BenchCase("conv", s.label(), pass.label(), 2.0 * s.macs(), () -> {
            // G's operands: x [1, g.cin, h, w], w [g.cout, g.cin/groups, k, k], y [1, g.cout, hout, wout]
            float[] w = BenchData.random(g.weightSize(), 5);
            float[] x = BenchData.random(g.inputSize(), 6);
            float[] y = BenchData.random(g.outputSize(), 7);
            float[] bias = s.bias() && !s.transposed() ? BenchData.random(g.cout(), 8) : null;
            float[] dw = new float[g.weightSize()];
            Pass kernel = s.transposed() ? adjoint(pass) : pass;
            return switch (kernel) {
                case FORWARD -> () -> Conv2dSimd.forward(g, x, w, bias, y);
                case BACKWARD_INPUT -> () -> Conv2dSimd.backwardInput(g, y, w, x);
                // for convT, G's x plays convT's upstream gradient and G's y convT's input
                case BACKWARD_WEIGHT -> () -> Conv2dSimd.backwardWeight(g, x, y, dw);
            };
        });
    }

    /** Which kernel of G computes a given pass of the transposed convolution. */
    private static Pass adjoint(Pass p) {
        return switch (p) {
            case FORWARD -> Pass.BACKWARD_INPUT;
            case BACKWARD_INPUT -> Pass.FORWARD;
            case BACKWARD_WEIGHT -> Pass.BACKWARD_WEIGHT;
        };
    }
}
