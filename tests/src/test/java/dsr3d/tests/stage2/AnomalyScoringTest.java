package dsr3d.tests.stage2;

import dsr3d.models.stage2.AnomalyScoring;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import dsr3d.tests.support.Fixture;
import org.junit.jupiter.api.Test;

import static dsr3d.tests.support.TensorAsserts.assertAllClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Test-time scoring against test_dsr.py's expressions (softmax channel 1, avg_pool2d(k, 1, k // 2)
 * with count_include_pad, max) for k = 11 and 21, and the Gaussian option against scipy's
 * gaussian_filter (mode constant, truncate 4), all from make_stage2_fixtures.py.
 */
class AnomalyScoringTest {
    @Test void boxSmoothingAndScoreAsTheOfficialTestCode() {
        Fixture f = Stage2Fixtures.load("smoothing");
        for (DType dt : new DType[]{DType.F64, DType.F32}) {
            double tol = dt == DType.F64 ? 1e-12 : 1e-6;
            Tensor p = AnomalyScoring.anomalyProbability(f.tensor("logits", dt));
            assertAllClose("probability " + dt, f.tensor("prob", DType.F64), p.to(DType.F64), tol, tol);
            for (int k : new int[]{11, 21}) {
                Tensor m = AnomalyScoring.smooth(p, new AnomalyScoring.Box(k));
                assertAllClose("box " + k + " " + dt, f.tensor("box" + k, DType.F64), m.to(DType.F64), tol, tol);
                assertEquals(f.array("score" + k).values()[0], AnomalyScoring.imageScores(m)[0], tol);
            }
        }
    }

    @Test void gaussianOptionAsScipy() {
        Fixture f = Stage2Fixtures.load("smoothing");
        Tensor p = f.tensor("prob", DType.F64);
        Tensor g = AnomalyScoring.smooth(p, AnomalyScoring.Smoothing.parse("gaussian:4"));
        assertAllClose("gaussian 4", f.tensor("gauss4", DType.F64).reshape(p.shape()), g, 1e-12, 1e-14);
    }

    @Test void parsingAndDefaults() {
        assertEquals(new AnomalyScoring.Box(11), AnomalyScoring.Smoothing.official(false));
        assertEquals(new AnomalyScoring.Box(21), AnomalyScoring.Smoothing.official(true));
        assertEquals(new AnomalyScoring.Gaussian(2.5), AnomalyScoring.Smoothing.parse("gaussian:2.5"));
        assertEquals(new AnomalyScoring.Box(11), AnomalyScoring.Smoothing.parse("box:11"));
        for (String bad : new String[]{"gaussian:", "gaussian:-1", "box:4", "median:3", "gaussian:x"})
            assertThrows(IllegalArgumentException.class, () -> AnomalyScoring.Smoothing.parse(bad), bad);
        assertThrows(IllegalArgumentException.class, () -> AnomalyScoring.anomalyProbability(Tensor.zeros(DType.F64, 1, 3, 4, 4)));
    }

    /** Zero padding is counted: a constant map of ones averages to (covered cells) / k^2 at a corner. */
    @Test void zerosCountAtTheBorder() {
        Tensor ones = Tensor.full(DType.F64, 1, 1, 1, 20, 20);
        double[] m = AnomalyScoring.smooth(ones, new AnomalyScoring.Box(11)).toDoubleArray();
        assertEquals(36.0 / 121, m[0], 1e-15);
        assertEquals(1.0, m[10 * 20 + 10], 1e-15);
    }
}
