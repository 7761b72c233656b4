package dsr3d.tests.stage2;

import dsr3d.models.stage2.ImageReconstructionNetwork;
import dsr3d.models.stage2.SubspaceRestrictionNetwork;
import dsr3d.models.stage2.UnetModel;
import dsr3d.nn.Layer;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import dsr3d.tests.nn.ModuleGradCheck;
import org.junit.jupiter.api.Test;

import java.util.Random;

/** Finite-difference gradient checks (F64) of the stage-2 networks at tiny widths, for the input
 *  and every parameter. */
class Stage2GradCheckTest {
    static Tensor input(long seed, int... shape) { return Tensor.randn(new Random(seed), DType.F64, shape); }

    private static void check(String what, Layer l, Tensor x) {
        l.to(DType.F64);
        ModuleGradCheck.check(what, l, x, 1e-6, 1e-5, 7);
    }

    @Test void subspaceRestrictionNetwork() {
        check("SubspaceRestrictionNetwork", new SubspaceRestrictionNetwork(3, 3, 2, new Random(1)), input(2, 1, 3, 8, 8));
    }

    @Test void imageReconstructionNetwork() {
        check("ImageReconstructionNetwork", new ImageReconstructionNetwork(2, 4, 1, 2, 1, 2, new Random(3)), input(4, 1, 2, 8, 8));
    }

    @Test void unetModel() {
        check("UnetModel", new UnetModel(2, 2, 2, new Random(5)), input(6, 1, 2, 16, 16));
    }
}
