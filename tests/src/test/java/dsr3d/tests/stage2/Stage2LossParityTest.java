package dsr3d.tests.stage2;

import dsr3d.models.stage2.Stage2Loss;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import dsr3d.tests.support.Fixture;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dsr3d.tests.support.TensorAsserts.assertAllClose;
import static dsr3d.tests.support.TensorAsserts.assertNonTrivial;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The stage-2 loss terms against the official training loop's expressions on fixed tensors, with
 * the official FocalLoss class of loss.py (make_stage2_fixtures.py): every term, the total and the
 * gradients of the total for the SR features, the reconstruction and the U-Net logits (F64).
 *
 * <p>One known difference, F64 only: the official FocalLoss builds its clamped one-hot target as a
 * torch.FloatTensor, so the smoothed target values are float32 roundings of 1e-5 and 1 - 1e-5;
 * nn's FocalLoss uses them in the input's dtype. In F32 (training) both are the same; in F64 the
 * focal term differs by about 1e-8 relative, which {@link #focalDifferenceIsTheFloat32Target}
 * pins down exactly.
 */
class Stage2LossParityTest {
    @Test void termsAndGradientsMatchTheOfficialLoss() {
        Fixture f = Stage2Fixtures.load("loss");
        DType dt = DType.F64;
        Tensor featHi = f.tensor("feat_hi", dt).requiresGrad(true), featLo = f.tensor("feat_lo", dt).requiresGrad(true);
        Tensor recon = f.tensor("recon", dt).requiresGrad(true), logits = f.tensor("logits", dt).requiresGrad(true);
        Stage2Loss.Terms t = Stage2Loss.compute(featLo, f.tensor("q_lo", dt), featHi, f.tensor("q_hi", dt),
                f.tensor("image", dt), recon, logits, f.tensor("gt", dt));
        assertEquals(List.of("feature_lo", "feature_hi", "image", "focal", "mask_l1", "total"), List.copyOf(t.byName().keySet()));
        for (String name : t.byName().keySet()) {
            double tol = name.equals("focal") || name.equals("total") ? 1e-7 : 1e-12;   // float32 target, see above
            assertAllClose(name, f.tensor("loss." + name, dt).reshape(), t.get(name), tol, 1e-14);
        }
        t.total().backward();
        for (String[] g : new String[][]{{"feat_hi", null}, {"feat_lo", null}, {"recon", null}, {"logits", null}}) {
            Tensor expected = f.tensor("grad." + g[0], dt);
            assertNonTrivial("grad " + g[0], expected);
        }
        assertAllClose("grad feat_hi", f.tensor("grad.feat_hi", dt), featHi.grad(), 1e-10, 1e-14);
        assertAllClose("grad feat_lo", f.tensor("grad.feat_lo", dt), featLo.grad(), 1e-10, 1e-14);
        assertAllClose("grad recon", f.tensor("grad.recon", dt), recon.grad(), 1e-10, 1e-14);
        assertAllClose("grad logits", f.tensor("grad.logits", dt), logits.grad(), 1e-6, 1e-10);
        assertThrows(IllegalArgumentException.class, () -> t.get("nope"));
    }

    /** With the target clamped to the float32 values the official code uses, the focal term
     *  matches to 1e-12: the only difference is that rounding. */
    @Test void focalDifferenceIsTheFloat32Target() {
        Fixture f = Stage2Fixtures.load("loss");
        Tensor p = f.tensor("logits", DType.F64).softmax(1);
        Tensor gt = f.tensor("gt", DType.F64);
        double lo = (float) 1e-5, hi = (float) (1 - 1e-5);
        Tensor t = Tensor.concat(1, gt.neg().add(1), gt).clamp(lo, hi);
        Tensor pt = t.mul(p).sum(1, false).add(1e-5);
        double focal = pt.neg().add(1).pow(2).mul(pt.log()).neg().mean().item();
        assertEquals(f.array("loss.focal").values()[0], focal, 1e-12);
    }

    @Test void badShapesAreRejected() {
        Tensor a = Tensor.zeros(DType.F64, 1, 2, 2, 2);
        assertThrows(IllegalArgumentException.class,
                () -> Stage2Loss.compute(a, a, a, a, a, a, Tensor.zeros(DType.F64, 1, 3, 2, 2), Tensor.zeros(DType.F64, 1, 1, 2, 2)));
    }
}
