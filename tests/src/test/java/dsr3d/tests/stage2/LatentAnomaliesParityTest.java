package dsr3d.tests.stage2;

import dsr3d.models.stage2.AnomalyModes;
import dsr3d.models.stage2.LatentAnomalies;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import dsr3d.tests.support.Fixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashSet;
import java.util.Set;

import static dsr3d.tests.support.TensorAsserts.assertNonTrivial;
import static dsr3d.tests.support.TensorAsserts.assertSameValues;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The generator's deterministic core against the official generate_fake_anomalies_joined run on
 * the same z, q, codebook, mask and strengths, its random draws (torch.randint / rand / randperm)
 * recorded by make_stage2_fixtures.py and replayed here as {@link LatentAnomalies.Draws}. The five
 * cases cover "no shuffle" (codebook picks) and the patch shuffle with p = 1, 2, 4, 8, and mask
 * ratios 4 and 8. The output is a selection of existing values, so it must match exactly.
 */
class LatentAnomaliesParityTest {

    static LatentAnomalies.Draws draws(Fixture f) {
        return Stage2Fixtures.draws(f, "draw.", f.array("strength").values().length);
    }

    @ParameterizedTest @ValueSource(ints = {0, 1, 2, 3, 4})
    void replayedDrawsGiveTheOfficialOutput(int i) {
        Fixture f = Stage2Fixtures.load("anomalies_" + i);
        for (DType dt : new DType[]{DType.F64, DType.F32}) {
            Tensor out = LatentAnomalies.apply(f.tensor("z", dt), f.tensor("q", dt), f.tensor("codebook", dt),
                    f.tensor("mask", dt), f.array("strength").values(), draws(f));
            Tensor expected = f.tensor("out", dt);
            assertNonTrivial("anomalies_" + i, expected);
            assertSameValues("anomalies_" + i + " " + dt, expected, out);
        }
    }

    @Test void fixturesCoverEveryBranch() {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            LatentAnomalies.Draws d = draws(Stage2Fixtures.load("anomalies_" + i));
            seen.add(d.shuffle() ? d.patchSize() : 0);
        }
        assertEquals(Set.of(0, 1, 2, 4, 8), seen);
    }

    /** The training loop's mixing of inputs and ground truth for the three cases. */
    @Test void modesAndGroundTruthAsTheOfficialLoop() {
        Fixture f = Stage2Fixtures.load("gt_modes");
        double[] both = f.array("use_both").values(), lo = f.array("use_lo").values();
        boolean[] b = new boolean[both.length], l = new boolean[lo.length];
        for (int i = 0; i < b.length; i++) { b[i] = both[i] == 1; l[i] = lo[i] == 1; }
        AnomalyModes modes = new AnomalyModes(b, l);
        DType dt = DType.F64;
        assertSameValues("lo input", f.tensor("out.lo", dt), modes.loInput(f.tensor("a_lo", dt), f.tensor("q_lo", dt)));
        assertSameValues("hi input", f.tensor("out.hi", dt),
                modes.hiInput(f.tensor("a_hi", dt), f.tensor("a_hi_only", dt), f.tensor("q_hi_real", dt)));
        assertSameValues("ground truth", f.tensor("out.gt", dt), modes.groundTruth(f.tensor("mask", dt), 8, 4));
    }
}
