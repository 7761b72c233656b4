package dsr3d.tests.nn;

import dsr3d.nn.Tensors;
import dsr3d.nn.vq.VectorQuantizerEMA;
import dsr3d.nn.vq.VqOutput;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import dsr3d.tests.support.Fixture;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static dsr3d.tests.support.TensorAsserts.assertAllClose;
import static dsr3d.tests.support.TensorAsserts.assertNonTrivial;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * VectorQuantizerEMA against a PyTorch reference of the official class (make_nn_fixtures.py,
 * vq_ema): same initial codebook and EMA sum, three training steps (indices, straight-through
 * output, commitment loss, perplexity, input gradient, and the EMA state after each step), then
 * one eval step that must leave the state untouched.
 */
class VectorQuantizerEMATest {
    static final double TOL = 1e-10;

    @Test void matchesPyTorchOverThreeTrainingStepsAndAnEvalStep() {
        Fixture f = NnFixtures.load("vq_ema");
        VectorQuantizerEMA vq = new VectorQuantizerEMA(8, 4, new Random(0));
        vq.to(DType.F64);
        Tensors.copyInto(f.tensor("init._embedding.weight", DType.F64), vq.codebook());
        Tensors.copyInto(f.tensor("init._ema_w", DType.F64), vq.emaW());
        int totalUsed = 0;
        for (int step = 0; step < 4; step++) {
            String s = "step" + step + ".";
            if (step == 3) vq.eval();
            double[] before = vq.codebook().toDoubleArray();
            Tensor z = f.tensor(s + "z", DType.F64).requiresGrad(true);
            VqOutput out = vq.forward(z);
            assertArrayEquals(f.array(s + "indices").values(), out.indices().toDoubleArray(), 0, s + "indices");
            assertAllClose(s + "quantized", f.tensor(s + "quantized", DType.F64), out.quantized(), TOL, TOL);
            assertEquals(f.array(s + "loss").values()[0], out.loss().item(), TOL, s + "loss");
            assertEquals(f.array(s + "perplexity").values()[0], out.perplexity(), 1e-9, s + "perplexity");
            out.loss().add(out.quantized().mul(f.tensor(s + "w", DType.F64)).sum()).backward();
            assertAllClose(s + "grad z", f.tensor(s + "grad.z", DType.F64), z.grad(), TOL, TOL);
            for (var e : vq.stateDict().entrySet()) {
                Tensor want = f.tensor(s + "state." + e.getKey(), DType.F64);
                assertAllClose(s + "state " + e.getKey(), want, e.getValue(), TOL, TOL);
            }
            if (step == 3) assertArrayEquals(before, vq.codebook().toDoubleArray(), 0, "eval must not move the codebook");
            else assertTrue(!java.util.Arrays.equals(before, vq.codebook().toDoubleArray()), "a training step must move the codebook");
            totalUsed += vq.lastUsedCodes();
            long sum = 0;
            for (long c : vq.lastCounts()) sum += c;
            assertEquals(18, sum, "counts cover every vector");
        }
        assertTrue(totalUsed >= 8, "the fixture should exercise several codes, used " + totalUsed);
        assertNonTrivial("cluster sizes", vq.emaClusterSize());
    }

    /** The working dtype: the same three steps in F32 pick the same codes and stay within float
     *  rounding of the F64 reference. */
    @Test void f32FollowsTheReferenceWithinFloatRounding() {
        Fixture f = NnFixtures.load("vq_ema");
        VectorQuantizerEMA vq = new VectorQuantizerEMA(8, 4, new Random(0));
        Tensors.copyInto(f.tensor("init._embedding.weight", DType.F32), vq.codebook());
        Tensors.copyInto(f.tensor("init._ema_w", DType.F32), vq.emaW());
        for (int step = 0; step < 3; step++) {
            String s = "step" + step + ".";
            VqOutput out = vq.forward(f.tensor(s + "z", DType.F32));
            assertArrayEquals(f.array(s + "indices").values(), out.indices().toDoubleArray(), 0, s + "indices");
            assertAllClose(s + "quantized", f.tensor(s + "quantized", DType.F64), out.quantized().to(DType.F64), 1e-5, 1e-5);
            assertEquals(f.array(s + "loss").values()[0], out.loss().item(), 1e-5, s + "loss");
            for (var e : vq.stateDict().entrySet())
                assertAllClose(s + "state " + e.getKey(), f.tensor(s + "state." + e.getKey(), DType.F64), e.getValue().to(DType.F64), 1e-4, 1e-5);
        }
    }

    @Test void stateNamesShapesAndParameterCount() {
        VectorQuantizerEMA vq = new VectorQuantizerEMA(16, 3, new Random(1));
        assertEquals(List.of("_ema_w", "_ema_cluster_size", "_embedding.weight"), List.copyOf(vq.stateDict().keySet()));
        assertEquals(List.of("_ema_w", "_embedding.weight"), List.copyOf(vq.namedParameters().keySet()));
        assertEquals(2 * 16 * 3, vq.parameterCount());
        assertArrayEquals(new double[16], vq.emaClusterSize().toDoubleArray(), 0);
    }

    /** A frozen quantiser (eval + requiresGrad off, as the DADA in stage 2) passes gradients
     *  straight through to its input and never changes its state. */
    @Test void frozenEvalUseLeavesStateAndPassesGradientStraightThrough() {
        VectorQuantizerEMA vq = new VectorQuantizerEMA(6, 2, new Random(2));
        vq.eval().freeze();
        var before = snapshot(vq);
        Tensor z = Tensor.randn(new Random(3), DType.F32, 1, 2, 4, 4).requiresGrad(true);
        VqOutput out = vq.forward(z);
        out.quantized().sum().backward();
        float[] g = z.grad().toFloatArray();
        for (float v : g) assertEquals(1f, v, 0f);
        var after = snapshot(vq);
        for (String k : before.keySet()) assertArrayEquals(before.get(k), after.get(k), 0, k);
        // each output vector is a codeword
        double[] q = out.quantized().permute(0, 2, 3, 1).reshape(16, 2).toDoubleArray(), cb = vq.codebook().toDoubleArray();
        int[] idx = out.indices().toIntArray();
        for (int i = 0; i < 16; i++)
            for (int d = 0; d < 2; d++) assertEquals(cb[idx[i] * 2 + d], q[i * 2 + d], 1e-6);
    }

    @Test void rejectsAWrongChannelCount() {
        VectorQuantizerEMA vq = new VectorQuantizerEMA(6, 2, new Random(2));
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> vq.forward(Tensor.zeros(1, 3, 2, 2)));
        assertTrue(e.getMessage().contains("[B, 2, H, W]"), e.getMessage());
    }

    private static java.util.Map<String, double[]> snapshot(VectorQuantizerEMA vq) {
        java.util.Map<String, double[]> m = new java.util.LinkedHashMap<>();
        vq.stateDict().forEach((k, v) -> m.put(k, v.toDoubleArray()));
        return m;
    }
}
