package dsr3d.tests.parity;

import dsr3d.tensor.backend.ConvGeom;
import dsr3d.tensor.cpu.Conv2dCpu;
import dsr3d.tensor.cpu.simd.ConvLadder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Every rung of the CPU convolution ladder ({@code ./3dsr bench ladder}) against the double reference, on awkward shapes. */
class ConvLadderTest {
    private static final List<ConvGeom> SHAPES = List.of(
            new ConvGeom(2, 5, 11, 6, 7, 3, 3, 1, 1, 0, 0, 1),
            new ConvGeom(1, 40, 9, 70, 13, 3, 3, 1, 1, 1, 1, 1),      // rows wide enough for in-place panels
            new ConvGeom(2, 16, 7, 100, 8, 3, 3, 2, 1, 1, 1, 2),      // stride (2, 1), groups
            new ConvGeom(1, 8, 15, 15, 12, 4, 4, 2, 2, 1, 1, 4),      // 4x4 stride 2 (space-to-depth in "best")
            new ConvGeom(1, 6, 13, 13, 10, 1, 1, 1, 1, 0, 0, 2),      // 1x1 (pointwise in "best")
            new ConvGeom(1, 5, 8, 10, 3, 5, 3, 1, 2, 2, 1, 1));

    @Test
    void everyRungMatchesTheReference() {
        assertEquals(List.of("loops", "im2col+gemm", "implicit-gemm", "in-place-panels", "best"),
                ConvLadder.RUNGS.stream().map(ConvLadder.Rung::name).toList());
        SplittableRandom rnd = new SplittableRandom(3);
        for (ConvGeom g : SHAPES) {
            float[] x = random(rnd, g.inputSize()), w = random(rnd, g.weightSize()), bias = random(rnd, g.cout());
            double[] ref = new double[g.outputSize()];
            Conv2dCpu.forward(g, d(x), d(w), d(bias), ref);
            int k = g.cinPerGroup() * g.kh() * g.kw();
            for (ConvLadder.Rung r : ConvLadder.RUNGS) {
                float[] y = random(rnd, g.outputSize());   // garbage: every rung must overwrite all of y
                r.forward().run(g, x, w, bias, y);
                double maxRef = 0;
                for (int i = 0; i < ref.length; i++) {
                    maxRef = Math.max(maxRef, Math.abs(ref[i]));
                    double tol = 16 * Math.ulp(1f) * Math.sqrt(k) * (Math.sqrt(k) * 0.5 + Math.abs(ref[i]));
                    if (!(Math.abs(y[i] - ref[i]) <= tol)) fail(r.name() + " on " + g + ": y[" + i + "] = " + y[i] + ", reference " + ref[i]);
                }
                assertTrue(maxRef > 0.1, "trivial reference for " + g);
            }
        }
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
        return x;
    }

    private static double[] d(float[] a) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) r[i] = a[i];
        return r;
    }
}
