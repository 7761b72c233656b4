package dsr3d.tests.dsr;

import dsr3d.models.dada.DecoderBot;
import dsr3d.models.dada.EncoderBot;
import dsr3d.models.dada.EncoderTop;
import dsr3d.nn.Layer;
import dsr3d.nn.layers.Residual;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import dsr3d.tests.nn.ModuleGradCheck;
import org.junit.jupiter.api.Test;

import java.util.Random;

/** Finite-difference gradient checks (F64) of DSR's VQ-VAE blocks with the in-place-ReLU residual
 *  form (relu(x) + f(x)), at tiny widths, for the input and every parameter: the official class
 *  cannot back-propagate, so this is what vouches for our training of it. */
class DsrGradCheckTest {
    private static void check(String what, Layer l, Tensor x) {
        l.to(DType.F64);
        ModuleGradCheck.check(what, l, x, 1e-6, 1e-5, 11);
    }

    @Test void encoderBot() {
        check("EncoderBot (DSR)", new EncoderBot(3, 8, 2, 4, 1, Residual.Skip.RELU_INPUT, new Random(1)), Tensor.randn(new Random(2), DType.F64, 1, 3, 8, 8));
    }

    @Test void encoderTop() {
        check("EncoderTop (DSR)", new EncoderTop(8, 2, 4, 1, Residual.Skip.RELU_INPUT, new Random(3)), Tensor.randn(new Random(4), DType.F64, 1, 8, 4, 4));
    }

    @Test void decoderBot() {
        check("DecoderBot (DSR)", new DecoderBot(8, 8, 2, 4, 3, 1, Residual.Skip.RELU_INPUT, new Random(5)), Tensor.randn(new Random(6), DType.F64, 1, 8, 2, 2));
    }
}
