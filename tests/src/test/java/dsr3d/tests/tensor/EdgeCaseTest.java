package dsr3d.tests.tensor;

import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.ops.Conv2d;
import dsr3d.tensor.ops.ConvTranspose2d;
import dsr3d.tensor.ops.Pool2d;
import dsr3d.tests.support.TensorAsserts;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Points that finite differences avoid on purpose (kinks, ties, zeros) where PyTorch defines a
 * specific subgradient, and argument errors of the spatial ops. Expected values are PyTorch's.
 */
class EdgeCaseTest {

    private static Tensor leaf(double... v) { return Tensor.of(v, v.length).requiresGrad(true); }

    private static void assertGrad(String what, Tensor leaf, double... expected) {
        TensorAsserts.assertAllClose(what, expected, leaf.grad().toDoubleArray(), 0, 1e-15);
    }

    @Test
    void reductionMaxSplitsTheGradientAmongTies() {   // torch.amax
        Tensor x = leaf(1, 3, 3);
        x.max().backward();
        assertGrad("max with a tie", x, 0, 0.5, 0.5);
        Tensor y = leaf(2, 2, 2, 5);
        y.min().backward();
        assertGrad("min with a triple tie", y, 1 / 3.0, 1 / 3.0, 1 / 3.0, 0);
    }

    @Test
    void elementwiseMaximumSplitsTiesInHalf() {       // torch.maximum
        Tensor a = leaf(1, 3), b = leaf(1, 1);
        a.maximum(b).sum().backward();
        assertGrad("a", a, 0.5, 1);
        assertGrad("b", b, 0.5, 0);
    }

    @Test
    void kinksTakeTorchsSubgradient() {
        Tensor x = leaf(0, 0, 0);
        x.relu().sum().backward();
        assertGrad("relu'(0)", x, 0, 0, 0);
        Tensor y = leaf(0, 1);
        y.abs().sum().backward();
        assertGrad("abs'(0)", y, 0, 1);
        Tensor z = leaf(-1, 1, 0.5);
        z.clamp(-1, 1).sum().backward();
        assertGrad("clamp' at the bounds (inclusive)", z, 1, 1, 1);
    }

    @Test
    void powAtZeroHasNoNaNGradients() {
        Tensor x = leaf(0, 2);
        x.pow(0).sum().backward();                    // d x^0 = 0 everywhere, also at 0
        assertGrad("d x^0 / dx", x, 0, 0);
        Tensor base = leaf(0, 2), exp = leaf(2, 2);
        base.pow(exp).sum().backward();               // d 0^2 / d exp = 0 (torch masks 0 * ln 0)
        assertGrad("d a^b / db", exp, 0, 4 * Math.log(2));
        assertGrad("d a^b / da", base, 0, 4);
        Tensor b0 = leaf(0, 3), e0 = leaf(0, 0);
        b0.pow(e0).sum().backward();                  // d a^0 / da = 0, also at a = 0
        assertGrad("d a^0 / da", b0, 0, 0);
    }

    @Test
    void poolingArgumentErrorsNameTheProblem() {
        Tensor x = Tensor.zeros(DType.F64, 1, 1, 2, 2);
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class, () -> Pool2d.max(x, 3, 1, 0));
        assertTrue(big.getMessage().contains("max_pool2d") && big.getMessage().contains("[1, 1, 2, 2]") && big.getMessage().contains("kernel 3"),
                big.getMessage());
        IllegalArgumentException pad = assertThrows(IllegalArgumentException.class, () -> Pool2d.avg(x, 2, 1, 2));
        assertTrue(pad.getMessage().contains("avg_pool2d") && pad.getMessage().contains("padding 2"), pad.getMessage());
        IllegalArgumentException stride = assertThrows(IllegalArgumentException.class, () -> Pool2d.avg(x, 2, 0, 0));
        assertTrue(stride.getMessage().contains("stride 0"), stride.getMessage());
    }

    @Test
    void convolutionsRejectMixedDtypes() {
        Tensor x = Tensor.zeros(DType.F32, 1, 2, 4, 4), w64 = Tensor.zeros(DType.F64, 3, 2, 3, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Conv2d.apply(x, w64, null, 1, 1, 1));
        assertTrue(e.getMessage().contains("conv2d") && e.getMessage().contains("F32") && e.getMessage().contains("F64"), e.getMessage());
        Tensor w32 = Tensor.zeros(DType.F32, 2, 3, 3, 3), b64 = Tensor.zeros(DType.F64, 3);
        IllegalArgumentException t = assertThrows(IllegalArgumentException.class, () -> ConvTranspose2d.apply(x, w32, b64, 1, 1, 0, 1));
        assertTrue(t.getMessage().contains("conv_transpose2d") && t.getMessage().contains("F64"), t.getMessage());
    }

    @Test
    void convTransposeRejectsAnEmptyOutput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConvTranspose2d.apply(
                Tensor.zeros(DType.F64, 1, 1, 1, 1), Tensor.zeros(DType.F64, 1, 1, 1, 1), null, 1, 1, 0, 1));
        assertTrue(e.getMessage().contains("conv_transpose2d") && e.getMessage().contains("padding 1"), e.getMessage());
        IllegalArgumentException op = assertThrows(IllegalArgumentException.class, () -> ConvTranspose2d.apply(
                Tensor.zeros(DType.F64, 1, 1, 3, 3), Tensor.zeros(DType.F64, 1, 1, 3, 3), null, 2, 1, 2, 1));
        assertTrue(op.getMessage().contains("output_padding 2"), op.getMessage());
    }
}
