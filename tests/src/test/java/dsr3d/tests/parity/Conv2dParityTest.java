package dsr3d.tests.parity;

import dsr3d.tensor.backend.ConvGeom;
import dsr3d.tensor.cpu.Conv2dCpu;
import dsr3d.tensor.cpu.simd.Conv2dSimd;
import dsr3d.tensor.cpu.simd.ConvPlan;
import dsr3d.tensor.cpu.simd.Parallel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Conv2dSimd (implicit-GEMM float convolution) against Conv2dCpu (double loops): forward with and
 * without bias, backwardInput and backwardWeight, on odd sizes, groups 2 and 4, stride 2, padding
 * 0/1/2, 1x1, 3x3, 4x4 and 5x3 kernels, batch 1 and 2, channel counts that are not multiples of 16,
 * and scaled-down 3DSR shapes; on 1 and 2 threads.
 */
class Conv2dParityTest {
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() { Parallel.setThreads(savedThreads); }

    private static final ConvGeom[] SHAPES = {
            // n, cin, h, w, cout, kh, kw, sh, sw, ph, pw, groups
            new ConvGeom(1, 3, 7, 9, 5, 3, 3, 1, 1, 1, 1, 1),
            new ConvGeom(2, 5, 11, 6, 7, 3, 3, 1, 1, 0, 0, 1),
            new ConvGeom(1, 6, 13, 13, 10, 1, 1, 1, 1, 0, 0, 2),
            new ConvGeom(2, 17, 9, 10, 19, 1, 1, 1, 1, 0, 0, 1),
            new ConvGeom(1, 8, 15, 15, 12, 4, 4, 2, 2, 1, 1, 4),
            new ConvGeom(2, 6, 10, 9, 4, 4, 4, 2, 2, 1, 1, 2),
            new ConvGeom(1, 4, 12, 11, 6, 3, 3, 2, 2, 1, 1, 2),
            new ConvGeom(1, 3, 9, 8, 5, 1, 1, 2, 2, 0, 0, 1),
            new ConvGeom(1, 5, 8, 10, 3, 5, 3, 1, 2, 2, 1, 1),
            new ConvGeom(1, 4, 6, 6, 4, 3, 3, 1, 1, 2, 2, 1),
            new ConvGeom(1, 2, 5, 5, 3, 1, 1, 1, 1, 1, 1, 1),
            new ConvGeom(1, 20, 33, 31, 24, 3, 3, 1, 1, 1, 1, 1),
            // rows wider than two vector widths: interior pixel blocks are read in place (no packing)
            new ConvGeom(1, 40, 9, 70, 13, 3, 3, 1, 1, 1, 1, 1),
            new ConvGeom(2, 16, 7, 100, 8, 3, 3, 2, 1, 1, 1, 2),
            new ConvGeom(1, 6, 8, 81, 4, 5, 5, 1, 1, 2, 2, 2),
            new ConvGeom(1, 8, 5, 130, 6, 4, 4, 2, 2, 1, 1, 1),
            // many output (or, for backwardInput, input) channels: several row blocks of the GEMM
            new ConvGeom(1, 5, 4, 70, 150, 3, 3, 1, 1, 1, 1, 1),
            new ConvGeom(1, 150, 4, 70, 5, 3, 3, 1, 1, 1, 1, 1),
            // small planes with a batch: one GEMM over the batch (ConvPlan.BATCHED_IM2COL), 2x2 .. 8x8, groups, stride 2
            new ConvGeom(3, 19, 8, 8, 21, 3, 3, 1, 1, 1, 1, 1),
            new ConvGeom(2, 12, 4, 5, 10, 3, 3, 1, 1, 1, 1, 2),
            new ConvGeom(4, 9, 2, 2, 7, 3, 3, 1, 1, 1, 1, 1),
            new ConvGeom(2, 8, 9, 7, 6, 4, 4, 2, 2, 1, 1, 2),
            new ConvGeom(2, 10, 3, 3, 5, 1, 1, 1, 1, 0, 0, 1),
            // scaled-down 3DSR shapes: c1/c3 (3x3 s1 p1), c7/c15 (groups 2), c12 (4x4 s2 groups 2)
            ConvGeom.square(1, 64, 24, 96, 3, 1, 1, 1),
            ConvGeom.square(1, 48, 24, 40, 3, 1, 1, 2),
            ConvGeom.square(1, 32, 48, 32, 4, 2, 1, 2),
            ConvGeom.square(2, 33, 20, 18, 4, 2, 1, 1),
            // plane 1600 > GEMM NC and cout > MC: the weights packed whole once, several equal column blocks
            ConvGeom.square(1, 20, 40, 150, 3, 1, 1, 1),
            // 256+ output channels per group: ConvPlan.PACKED_PANELS where -Ddsr3d.conv.packFromCout (auto: 256 on AVX2) applies
            new ConvGeom(1, 7, 9, 37, 260, 3, 3, 1, 1, 1, 1, 1),
            ConvGeom.square(1, 12, 10, 512, 3, 2, 1, 2),
            new ConvGeom(1, 260, 6, 20, 5, 3, 3, 1, 1, 1, 1, 1),   // the input gradient's flipped conv with 260 rows (always read in place)
    };

    /** The shapes reach every plan of every pass, so the parity test below checks each code path. */
    @Test
    void shapesReachEveryPlan() {
        java.util.Map<ConvPlan.Pass, java.util.Set<ConvPlan>> seen = new java.util.EnumMap<>(ConvPlan.Pass.class);
        for (ConvGeom g : SHAPES)
            for (ConvPlan.Pass p : ConvPlan.Pass.values()) seen.computeIfAbsent(p, k -> java.util.EnumSet.noneOf(ConvPlan.class)).add(ConvPlan.of(g, p));
        java.util.Map<ConvPlan.Pass, java.util.Set<ConvPlan>> expected = java.util.Map.of(
                ConvPlan.Pass.FORWARD, forwardPlans(),
                ConvPlan.Pass.INPUT_GRADIENT, java.util.EnumSet.of(ConvPlan.BATCHED_IM2COL, ConvPlan.POINTWISE, ConvPlan.SPACE_TO_DEPTH,
                        ConvPlan.FLIPPED_STRIDE1, ConvPlan.COL2IM),
                ConvPlan.Pass.WEIGHT_GRADIENT, java.util.EnumSet.of(ConvPlan.BATCHED_IM2COL, ConvPlan.POINTWISE, ConvPlan.TAPS_BY_PIXELS, ConvPlan.GATHER));
        for (ConvPlan.Pass p : ConvPlan.Pass.values())
            assertTrue(seen.get(p).containsAll(expected.get(p)), p + ": the shapes reach " + seen.get(p) + ", expected at least " + expected.get(p));
    }

    /** The forward plans the shapes must reach under this JVM's -Ddsr3d.conv.packFromCout (1 packs every PANELS shape; 0 none). */
    private static java.util.Set<ConvPlan> forwardPlans() {
        java.util.Set<ConvPlan> s = java.util.EnumSet.of(ConvPlan.BATCHED_IM2COL, ConvPlan.POINTWISE, ConvPlan.SPACE_TO_DEPTH);
        if (ConvPlan.PACK_FROM_COUT != 1) s.add(ConvPlan.PANELS);
        if (ConvPlan.PACK_FROM_COUT > 0 && ConvPlan.PACK_FROM_COUT <= 256) s.add(ConvPlan.PACKED_PANELS);
        return s;
    }

    @Test
    void packFromCoutAutoPicksByVectorWidthAndABadValueNamesTheSwitch() {
        assertEquals(256, ConvPlan.packFromCout("auto", 256));
        assertEquals(0, ConvPlan.packFromCout("auto", 512));
        assertEquals(64, ConvPlan.packFromCout("64", 512));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConvPlan.packFromCout("-1", 256));
        assertTrue(e.getMessage().contains("-Ddsr3d.conv.packFromCout=-1"), e.getMessage());
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2})
    void allPassesMatchReference(int threads) {
        Parallel.setThreads(threads);
        SplittableRandom rnd = new SplittableRandom(7 + threads);
        for (ConvGeom g : SHAPES) {
            float[] x = random(rnd, g.inputSize()), w = random(rnd, g.weightSize()),
                    bias = random(rnd, g.cout()), dy = random(rnd, g.outputSize());
            int kk = g.cinPerGroup() * g.kh() * g.kw();
            int coutTaps = g.coutPerGroup() * g.kh() * g.kw();
            int pixels = g.n() * g.hout() * g.wout();

            double[] ref = new double[g.outputSize()];
            Conv2dCpu.forward(g, d(x), d(w), d(bias), ref);
            float[] y = random(rnd, g.outputSize()); // garbage in y must be overwritten
            Conv2dSimd.forward(g, x, w, bias, y);
            compare(g, "forward+bias", ref, y, kk);

            Conv2dCpu.forward(g, d(x), d(w), null, ref);
            Conv2dSimd.forward(g, x, w, null, y);
            compare(g, "forward", ref, y, kk);

            double[] refDx = new double[g.inputSize()];
            Conv2dCpu.backwardInput(g, d(dy), d(w), refDx);
            float[] dx = random(rnd, g.inputSize());
            Conv2dSimd.backwardInput(g, dy, w, dx);
            compare(g, "backwardInput", refDx, dx, coutTaps);

            double[] refDw = new double[g.weightSize()];
            Conv2dCpu.backwardWeight(g, d(x), d(dy), refDw);
            float[] dw = random(rnd, g.weightSize());
            Conv2dSimd.backwardWeight(g, x, dy, dw);
            compare(g, "backwardWeight", refDw, dw, pixels);
        }
    }

    /**
     * The weight gradient of stride-2 convs with more than 128 output channels per group: past
     * the swap heuristic's limit (Conv2dSimd.useTapsByPixels, coutG <= 128), so not the swapped
     * GEMM. The 4x4 stride-2 case (space-to-depth) is the path of 3DSR's c13 (the weight gradient
     * of convT 256->128, i.e. a conv 128->256 4x4 s2 p1), scaled down; the 3x3 stride-2 one the
     * plain strided GEMM, with groups.
     */
    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2})
    void weightGradientOfStride2ConvsWithManyOutputChannelsMatchesReference(int threads) {
        Parallel.setThreads(threads);
        SplittableRandom rnd = new SplittableRandom(31 + threads);
        for (ConvGeom g : new ConvGeom[] {ConvGeom.square(1, 16, 20, 256, 4, 2, 1, 1), new ConvGeom(2, 6, 11, 10, 262, 3, 3, 2, 2, 1, 1, 2)}) {
            assertTrue(g.coutPerGroup() > 128 && g.strideH() == 2, g.toString());
            float[] x = random(rnd, g.inputSize()), dy = random(rnd, g.outputSize());
            double[] refDw = new double[g.weightSize()];
            Conv2dCpu.backwardWeight(g, d(x), d(dy), refDw);
            float[] dw = random(rnd, g.weightSize());
            Conv2dSimd.backwardWeight(g, x, dy, dw);
            compare(g, "backwardWeight", refDw, dw, g.n() * g.hout() * g.wout());
        }
    }

    @Test
    void rejectsShortArraysNamingTheArgument() {
        ConvGeom g = ConvGeom.square(1, 2, 5, 3, 3, 1, 1, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                Conv2dSimd.forward(g, new float[g.inputSize()], new float[g.weightSize() - 1], null, new float[g.outputSize()]));
        assertTrue(e.getMessage().contains("weight"), e.getMessage());
    }

    private static void compare(ConvGeom g, String pass, double[] ref, float[] got, int reduction) {
        double tol = 16 * Math.ulp(1f) * Math.sqrt(reduction), maxRef = 0, minRef = Double.MAX_VALUE;
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < ref.length; i++) {
            maxRef = Math.max(maxRef, ref[i]);
            minRef = Math.min(minRef, ref[i]);
            double scale = 0.5 * Math.sqrt(reduction) + Math.abs(ref[i]);
            if (!(Math.abs(got[i] - ref[i]) <= tol * scale) && bad.size() < 5)
                bad.add("[" + i + "] got " + got[i] + " want " + ref[i]);
        }
        assertTrue(maxRef - minRef > 0.01, "reference " + pass + " is constant for " + g);
        if (!bad.isEmpty()) fail(pass + " mismatch for " + g + " [" + ConvPlan.describe(g) + "] (threads=" + Parallel.threads() + "): " + bad);
    }

    private static double[] d(float[] x) {
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) r[i] = x[i];
        return r;
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
        return x;
    }
}
