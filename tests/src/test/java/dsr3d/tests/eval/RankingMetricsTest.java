package dsr3d.tests.eval;

import dsr3d.models.eval.Auroc;
import dsr3d.models.eval.AveragePrecision;
import dsr3d.models.eval.Trapezoid;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** AUROC (ties 1/2, and the official stable-order variant), sklearn AP and the limited trapezoid. */
class RankingMetricsTest {

    @Test
    void aurocCountsTiesAsHalf() {
        // negatives 0.1, 0.4, 0.4; positives 0.4, 0.8. 6 pairs:
        // 0.8 beats all three negatives -> 3; 0.4 beats 0.1 -> 1 and ties two 0.4s -> 2 x 1/2 = 1.
        // AUROC = 5/6.
        double[] s = {0.1, 0.4, 0.4, 0.4, 0.8};
        boolean[] y = {false, false, false, true, true};
        assertEquals(5.0 / 6, Auroc.of(s, y), 1e-15);
        assertEquals(BruteForce.auroc(s, y), Auroc.of(s, y), 1e-15);
        // Order must not matter for the tie-aware version.
        assertEquals(5.0 / 6, Auroc.of(new double[]{0.8, 0.4, 0.4, 0.1, 0.4}, new boolean[]{true, false, true, false, false}), 1e-15);
    }

    @Test
    void averagePrecisionIsStepwiseOverDistinctThresholds() {
        // Same data. Threshold 0.8: tp 1, fp 0 -> P = 1, R = 1/2. Threshold 0.4: tp 2, fp 2 -> P = 1/2, R = 1.
        // Threshold 0.1 adds no recall. AP = 1/2 * 1 + 1/2 * 1/2 = 0.75 (no interpolation).
        double[] s = {0.1, 0.4, 0.4, 0.4, 0.8};
        boolean[] y = {false, false, false, true, true};
        assertEquals(0.75, AveragePrecision.of(s, y), 1e-15);
        assertEquals(BruteForce.averagePrecision(s, y), AveragePrecision.of(s, y), 1e-15);
    }

    @Test
    void officialStableOrderDependsOnInputOrderOnlyForTies() {
        // One negative and one positive, both 0.5. Stable ascending order keeps input order.
        // (neg, pos): start (1,1); drop neg -> (0,1); drop pos -> (0,0). Reversed (0,0),(0,1),(1,1): area 1.
        // (pos, neg): drop pos -> (1,0); drop neg -> (0,0). Reversed (0,0),(1,0),(1,1): area 0.
        assertEquals(1.0, Auroc.officialStableOrder(new double[]{0.5, 0.5}, new boolean[]{false, true}), 0);
        assertEquals(0.0, Auroc.officialStableOrder(new double[]{0.5, 0.5}, new boolean[]{true, false}), 0);
        assertEquals(0.5, Auroc.of(new double[]{0.5, 0.5}, new boolean[]{true, false}), 0);
        // Without cross-class ties it is the Mann-Whitney value.
        Random r = new Random(3);
        for (int rep = 0; rep < 20; rep++) {
            double[] s = new double[30];
            boolean[] y = new boolean[30];
            for (int i = 0; i < s.length; i++) { s[i] = r.nextDouble(); y[i] = i % 3 == 0; }
            assertEquals(Auroc.of(s, y), Auroc.officialStableOrder(s, y), 1e-12);
        }
    }

    @Test
    void randomScoresWithManyTiesMatchBruteForce() {
        Random r = new Random(11);
        for (int rep = 0; rep < 50; rep++) {
            int n = 2 + r.nextInt(60);
            double[] s = new double[n];
            boolean[] y = new boolean[n];
            for (int i = 0; i < n; i++) { s[i] = r.nextInt(6) * 0.25 - 0.5; y[i] = r.nextInt(3) == 0; }
            y[0] = true; y[1] = false;
            double auc = Auroc.of(s, y);
            assertEquals(BruteForce.auroc(s, y), auc, 1e-12, Arrays.toString(s));
            assertEquals(BruteForce.averagePrecision(s, y), AveragePrecision.of(s, y), 1e-12);
            assertTrue(auc >= 0 && auc <= 1);
        }
    }

    @Test
    void sortedFloatEntryPointsAgreeWithTheDoubleOnes() {
        Random r = new Random(5);
        float[] neg = new float[500], pos = new float[120];
        double[] s = new double[620];
        boolean[] y = new boolean[620];
        for (int i = 0; i < 500; i++) { neg[i] = r.nextInt(50) / 7f; s[i] = neg[i]; }
        for (int i = 0; i < 120; i++) { pos[i] = r.nextInt(60) / 7f; s[500 + i] = pos[i]; y[500 + i] = true; }
        Arrays.sort(neg);
        Arrays.sort(pos);
        double auc = Auroc.ofSorted(neg, pos);
        assertNotEquals(0.5, auc, 0.02, "non-trivial case");
        assertEquals(BruteForce.auroc(s, y), auc, 1e-12);
        assertEquals(BruteForce.averagePrecision(s, y), AveragePrecision.ofSorted(neg, pos), 1e-12);
    }

    @Test
    void perfectAndInvertedRankings() {
        double[] s = {0.1, 0.2, 0.3, 0.9};
        assertEquals(1.0, Auroc.of(s, new boolean[]{false, false, true, true}), 0);
        assertEquals(0.0, Auroc.of(s, new boolean[]{true, true, false, false}), 0);
        assertEquals(1.0, AveragePrecision.of(s, new boolean[]{false, false, true, true}), 0);
        // Inverted: thresholds 0.9 (P 0), 0.3 (P 0), 0.2 (tp 1 of 3 -> P 1/3, R 1/2), 0.1 (2/4, R 1):
        // AP = 1/2 * 1/3 + 1/2 * 1/2 = 5/12.
        assertEquals(5.0 / 12, AveragePrecision.of(s, new boolean[]{true, true, false, false}), 1e-15);
    }

    @Test
    void undefinedCasesAreErrors() {
        IllegalArgumentException one = assertThrows(IllegalArgumentException.class,
                () -> Auroc.of(new double[]{1, 2}, new boolean[]{true, true}));
        assertTrue(one.getMessage().contains("one class"), one.getMessage());
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> Auroc.of(new double[]{1, Double.NaN}, new boolean[]{true, false}));
        assertTrue(nan.getMessage().contains("NaN"), nan.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Auroc.of(new double[]{1}, new boolean[]{true, false}));
        assertThrows(IllegalArgumentException.class, () -> AveragePrecision.ofSorted(new float[]{1}, new float[0]));
    }

    @Test
    void limitedTrapezoidInterpolatesAtTheLimit() {
        // x = 0, 0.2, 0.4, 1; y = 0, 0.5, 1, 1; limit 0.3 (not one of the x):
        // [0, 0.2]: 0.5 (0 + 0.5) 0.2 = 0.05; y(0.3) = 0.5 + 0.5 (0.1/0.2) = 0.75;
        // correction = 0.5 (0.75 + 0.5) 0.1 = 0.0625; total 0.1125.
        double[] x = {0, 0.2, 0.4, 1}, y = {0, 0.5, 1, 1};
        assertEquals(0.1125, Trapezoid.limited(x, y, 0.3), 1e-15);
        assertEquals(BruteForce.trapezoid(x, y, 0.3), Trapezoid.limited(x, y, 0.3), 1e-15);
        // Limit equal to a point: no correction; 0.05.
        assertEquals(0.05, Trapezoid.limited(x, y, 0.2), 1e-15);
        // No limit: 0.05 + 0.5 (0.5 + 1) 0.2 + 0.6 = 0.8.
        assertEquals(0.8, Trapezoid.area(x, y), 1e-15);
        // Non-finite points are dropped (as the official code does, with a warning there).
        assertEquals(0.8, Trapezoid.area(new double[]{0, 0.2, Double.NaN, 0.4, 1}, new double[]{0, 0.5, 7, 1, 1}), 1e-15);
        // Limit outside the curve: the official assertion 0 < ins < len.
        assertThrows(IllegalArgumentException.class, () -> Trapezoid.limited(new double[]{0.5, 1}, new double[]{1, 1}, 0.3));
        assertThrows(IllegalStateException.class, () -> Trapezoid.limited(new double[]{0, 0.2}, new double[]{1, 1}, 0.3));
        assertThrows(IllegalArgumentException.class, () -> Trapezoid.area(new double[]{0, 1, 0.5}, new double[]{0, 1, 1}));
    }
}
