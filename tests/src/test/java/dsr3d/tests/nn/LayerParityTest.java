package dsr3d.tests.nn;

import dsr3d.nn.Layer;
import dsr3d.nn.layers.Conv2d;
import dsr3d.nn.layers.ConvTranspose2d;
import dsr3d.nn.layers.InstanceNorm2d;
import dsr3d.nn.layers.Residual;
import dsr3d.nn.layers.ResidualStack;
import dsr3d.nn.layers.Upsample;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import dsr3d.tests.support.Fixture;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import static dsr3d.tests.support.TensorAsserts.assertAllClose;
import static dsr3d.tests.support.TensorAsserts.assertNonTrivial;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each layer against PyTorch 1.13 (fixtures/nn, make_nn_fixtures.py): the fixture's weights are
 * loaded by name through loadStateDict (strict), so the test also proves the parameter names and
 * layouts match; then output, input gradient and every parameter gradient of sum(out * lossw)
 * are compared in F64.
 */
class LayerParityTest {
    static final double TOL = 1e-10;

    /** Runs the fixture through the layer (converted to F64) and compares everything. */
    static Tensor runCase(String name, Layer layer) {
        Fixture f = NnFixtures.load(name);
        layer.to(DType.F64);
        var report = layer.loadStateDict(NnFixtures.state(f, layer, ""), true);
        assertTrue(report.clean(), report.toString());
        Tensor x = f.tensor("x", DType.F64).requiresGrad(true);
        Tensor out = layer.forward(x);
        Tensor expected = f.tensor("out", DType.F64);
        assertNonTrivial(name + " expected output", expected);
        assertAllClose(name + " output", expected, out, TOL, TOL);
        out.mul(f.tensor("lossw", DType.F64)).sum().backward();
        assertAllClose(name + " grad x", f.tensor("grad.x", DType.F64), x.grad(), TOL, TOL);
        for (Map.Entry<String, Tensor> e : layer.namedParameters().entrySet()) {
            Tensor g = f.tensor("grad." + e.getKey(), DType.F64);
            assertNonTrivial(name + " expected grad " + e.getKey(), g);
            assertAllClose(name + " grad " + e.getKey(), g, e.getValue().grad(), TOL, TOL);
        }
        return out;
    }

    @Test void groupedConv2d() {
        runCase("conv2d_g2_s2_p1", new Conv2d(4, 6, 3, 2, 1, 2, true, new Random(1)));
    }

    @Test void groupedConvTranspose2d() {
        runCase("conv_transpose2d_g2_k4_s2_p1", new ConvTranspose2d(4, 6, 4, 2, 1, 0, 2, true, new Random(2)));
    }

    @Test void instanceNorm() {
        runCase("instance_norm", new InstanceNorm2d(3));
    }

    @Test void bilinearAlignCornersUpsample() {
        runCase("upsample_bilinear_x2", new Upsample(2, Upsample.Mode.BILINEAR_ALIGN_CORNERS));
    }

    @Test void groupedResidualStackPlainSkip() {
        runCase("residual_stack_g2", new ResidualStack(4, 2, 6, 2, Residual.Skip.INPUT, new Random(3)));
    }

    /** The in-place-ReLU form matches PyTorch's in-place module; the plain form does not, so the
     *  quirk is real for this input (it has negative values on the skip path). */
    @Test void residualStackInPlaceReluQuirk() {
        runCase("residual_stack_inplace", new ResidualStack(4, 2, 3, 1, Residual.Skip.RELU_INPUT, new Random(4)));
        Fixture f = NnFixtures.load("residual_stack_inplace");
        ResidualStack plain = new ResidualStack(4, 2, 3, 1, Residual.Skip.INPUT, new Random(4));
        plain.to(DType.F64).loadStateDict(NnFixtures.state(f, plain, ""), true);
        double[] got = plain.forward(f.tensor("x", DType.F64)).toDoubleArray(), want = f.array("out").values();
        double maxDiff = 0;
        for (int i = 0; i < got.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i] - want[i]));
        assertTrue(maxDiff > 1e-3, "x + f(x) should differ from the in-place module's output, max diff " + maxDiff);
    }

    @Test void residualStateDictNamesAreOfficial() {
        ResidualStack s = new ResidualStack(4, 2, 6, 2, Residual.Skip.INPUT, new Random(5));
        assertEquals(java.util.List.of("_layers.0._block.1.weight", "_layers.0._block.3.weight",
                "_layers.1._block.1.weight", "_layers.1._block.3.weight"), java.util.List.copyOf(s.stateDict().keySet()));
        assertEquals(Arrays.toString(new int[]{6, 2, 3, 3}), Arrays.toString(s.stateDict().get("_layers.0._block.1.weight").shape()));
    }
}
