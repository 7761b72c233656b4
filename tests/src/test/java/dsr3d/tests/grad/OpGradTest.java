package dsr3d.tests.grad;

import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import dsr3d.tests.support.GradCheck;
import dsr3d.tests.support.OpCase;
import dsr3d.tests.support.OpCases;
import dsr3d.tests.support.TensorAsserts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Finite-difference gradient checks (F64, reference kernels) of every case in {@link OpCases},
 * and the F32 path (fast kernels where they exist) against the F64 path for the same cases.
 */
class OpGradTest {
    private static final long SEED = 20261128L;

    static Stream<OpCase> cases() { return OpCases.all().stream(); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void gradientMatchesFiniteDifferences(OpCase c) {
        GradCheck.check(c, SEED);
    }

    /** Same values in F32 and F64: outputs and gradients agree to float precision. The F32 run
     *  exercises the fast kernels' forward and backward through the op layer. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void float32AgreesWithFloat64(OpCase c) {
        Tensor[] in64 = c.makeInputs(DType.F64, SEED);
        Tensor[] in32 = new Tensor[in64.length];
        for (int i = 0; i < in64.length; i++)   // round once, then use the same values in both runs
            in32[i] = OpCase.leaf(in64[i].detach().to(DType.F32).toDoubleArray(), in64[i].shape(), DType.F32);
        for (int i = 0; i < in64.length; i++)
            in64[i] = OpCase.leaf(in32[i].toDoubleArray(), in64[i].shape(), DType.F64);
        Tensor out64 = c.fn().apply(in64), out32 = c.fn().apply(in32);
        assertEquals(DType.F32, out32.dtype(), c.name() + ": F32 inputs must give an F32 output");
        double[] w = GradCheck.lossWeights(out64.numel(), SEED);
        out64.mul(Tensor.of(w, out64.shape())).sum().backward();
        out32.mul(Tensor.of(w, out32.shape()).to(DType.F32)).sum().backward();
        double scale = maxAbs(out64.toDoubleArray());
        TensorAsserts.assertAllClose(c.name() + ": F32 output", out64, out32, 1e-5, 1e-5 * scale);
        for (int i = 0; i < in64.length; i++) {
            double gscale = maxAbs(in64[i].grad().toDoubleArray());
            TensorAsserts.assertAllClose(c.name() + ": F32 gradient of input " + i, in64[i].grad(), in32[i].grad(), 1e-4, 1e-5 * gscale);
        }
    }

    /** The VQ straight-through estimator y = x + (q - x).detach(): forward gives q, backward is the
     *  identity (dL/dx = dL/dy). Finite differences cannot see this (y does not depend on x), so
     *  the gradient is compared with the loss weights directly. */
    @Test
    void straightThroughPassesTheGradientUnchanged() {
        Random rng = new Random(3);
        Tensor x = Tensor.randn(rng, DType.F64, 4, 6).requiresGrad(true);
        Tensor q = Tensor.randn(rng, DType.F64, 4, 6);
        Tensor y = x.add(q.sub(x).detach());
        TensorAsserts.assertAllClose("straight-through forward", q, y, 1e-15, 1e-15);
        double[] w = GradCheck.lossWeights(24, 5);
        y.mul(Tensor.of(w, 4, 6)).sum().backward();
        TensorAsserts.assertAllClose("straight-through gradient", new int[]{4, 6}, w, x.grad().toDoubleArray(), 0, 0);
    }

    @Test
    void registryCoversEveryOpFamily() {
        String[] families = {"add", "sub", "mul", "div", "pow", "neg", "exp", "log", "sqrt", "abs", "relu", "sigmoid",
                "clamp", "maximum", "minimum", "where", "sum", "mean", "max", "min", "softmax", "log_softmax", "matmul",
                "conv2d", "conv_transpose2d", "max_pool2d", "avg_pool2d", "upsample_bilinear", "upsample_nearest",
                "instance_norm", "reshape", "permute", "transpose", "slice", "expand", "pad", "concat", "split", "cast",
                "gather", "index_select"};
        for (String f : families)
            assertTrue(OpCases.all().stream().anyMatch(c -> c.name().equals(f) || c.name().startsWith(f + "/")),
                    "no gradient case for " + f);
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double d : v) m = Math.max(m, Math.abs(d));
        return Math.max(m, 1e-30);
    }
}
