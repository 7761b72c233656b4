package dsr3d.tests.nn;

import dsr3d.nn.loss.FocalLoss;
import dsr3d.nn.loss.Losses;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import dsr3d.tests.support.Fixture;
import org.junit.jupiter.api.Test;

import static dsr3d.tests.support.TensorAsserts.assertAllClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Focal loss (official defaults, spec 4.4) and cross-entropy against PyTorch; MSE and L1 against
 *  values worked out by hand. */
class LossParityTest {
    @Test void focalLossOnSoftmaxProbabilitiesMatchesPyTorch() {
        Fixture f = NnFixtures.load("losses");
        Tensor logits = f.tensor("focal.logits", DType.F64).requiresGrad(true);
        Tensor loss = new FocalLoss().apply(logits.softmax(1), f.tensor("focal.target", DType.F64));
        assertEquals(f.array("focal.loss").values()[0], loss.item(), 1e-12);
        loss.backward();
        assertAllClose("focal grad", f.tensor("focal.grad.logits", DType.F64), logits.grad(), 1e-10, 1e-12);
    }

    @Test void crossEntropyMatchesPyTorch() {
        Fixture f = NnFixtures.load("losses");
        Tensor logits = f.tensor("ce.logits", DType.F64).requiresGrad(true);
        Tensor loss = Losses.crossEntropy(logits, f.tensor("ce.target", DType.I32));
        assertEquals(f.array("ce.loss").values()[0], loss.item(), 1e-12);
        loss.backward();
        assertAllClose("ce grad", f.tensor("ce.grad.logits", DType.F64), logits.grad(), 1e-10, 1e-12);
    }

    @Test void focalLossOfAPerfectPredictionIsNearZeroAndOfAWrongOneLarge() {
        Tensor target = Tensor.of(new double[]{0, 1}, 1, 1, 1, 2);
        Tensor right = Tensor.of(new double[]{1, 0, 0, 1}, 1, 2, 1, 2);   // [N, C, H, W]: p(class0)=(1,0), p(class1)=(0,1)
        Tensor wrong = Tensor.of(new double[]{0, 1, 1, 0}, 1, 2, 1, 2);
        // right: p_t = (1-1e-5) + 1e-5 * 0 + 1e-5 = 1, loss = 0; wrong: p_t = 1e-5 + 1e-5 = 2e-5, where the
        // clamped one-hot value is float32, as the official torch.FloatTensor one-hot is
        assertEquals(0, new FocalLoss().apply(right, target).item(), 1e-12);
        double pt = (float) 1e-5 + 1e-5;
        assertEquals(-(1 - pt) * (1 - pt) * Math.log(pt), new FocalLoss().apply(wrong, target).item(), 1e-9);
    }

    @Test void mseAndL1ByHand() {
        Tensor a = Tensor.of(new double[]{1, 2, 3, 4}, 2, 2), b = Tensor.of(new double[]{0, 2, 5, 3}, 2, 2);
        assertEquals((1 + 0 + 4 + 1) / 4.0, Losses.mse(a, b).item(), 1e-15);
        assertEquals((1 + 0 + 2 + 1) / 4.0, Losses.l1(a, b).item(), 1e-15);
        var e = assertThrows(IllegalArgumentException.class, () -> Losses.mse(a, Tensor.zeros(DType.F64, 4)));
        assertTrue(e.getMessage().contains("[2, 2]") && e.getMessage().contains("[4]"), e.getMessage());
    }
}
