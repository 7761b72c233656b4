package dsr3d.tests.nn;

import dsr3d.nn.Layer;
import dsr3d.nn.layers.Conv2d;
import dsr3d.nn.layers.ConvTranspose2d;
import dsr3d.nn.layers.InstanceNorm2d;
import dsr3d.nn.layers.ReLU;
import dsr3d.nn.layers.Residual;
import dsr3d.nn.layers.ResidualStack;
import dsr3d.nn.layers.Sequential;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

/** Finite-difference gradient checks (F64) of composite layers, with respect to the input and to
 *  every parameter. */
class CompositeGradCheckTest {
    static Tensor input(long seed, int... shape) { return Tensor.randn(new Random(seed), DType.F64, shape); }

    @Test void groupedResidualStackPlainSkip() {
        Layer s = new ResidualStack(4, 2, 2, 2, Residual.Skip.INPUT, new Random(1));
        s.to(DType.F64);
        ModuleGradCheck.check("ResidualStack(x + f(x), g2)", s, input(2, 1, 4, 4, 3), 1e-6, 1e-6, 3);
    }

    @Test void residualStackInPlaceReluForm() {
        Layer s = new ResidualStack(3, 2, 2, 1, Residual.Skip.RELU_INPUT, new Random(4));
        s.to(DType.F64);
        ModuleGradCheck.check("ResidualStack(relu(x) + f(x))", s, input(5, 1, 3, 3, 4), 1e-6, 1e-6, 6);
    }

    @Test void convInstanceNormReluConvTransposeBlock() {
        Layer b = new Sequential(
                new Conv2d(2, 4, 3, 2, 1, 2, true, new Random(7)),
                new InstanceNorm2d(4),
                new ReLU(),
                new ConvTranspose2d(4, 2, 4, 2, 1, 0, 2, true, new Random(8)));
        b.to(DType.F64);
        ModuleGradCheck.check("conv->instnorm->relu->convT", b, input(9, 2, 2, 6, 5), 1e-6, 1e-6, 10);
    }
}
