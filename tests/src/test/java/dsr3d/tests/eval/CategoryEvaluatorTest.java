package dsr3d.tests.eval;

import dsr3d.models.eval.CategoryEvaluator;
import dsr3d.models.eval.CategoryMetrics;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The per-category evaluator: image score = map max, shared vs separate pixel labels, edge cases. */
class CategoryEvaluatorTest {

    @Test
    void imageScoreIsTheMapMaximumAndPixelLabelsMayDifferFromTheRegions() {
        // Two 2x2 images. Good: scores 0.1 0.2 / 0.3 0.4 (image score 0.4). Defective: defect at
        // pixel 3 with score 0.9 (image score 0.9), the others 0 0.5 0.6.
        // Separate pixel labels: only pixel 2 (score 0.6) is a pixel-ROC positive, pixel 3 is a
        // negative there. Pixel AUROC by hand: the positive 0.6 beats 0, 0.1, 0.2, 0.3, 0.4, 0.5
        // and loses to 0.9 -> 6/7. AU-PRO uses the defect mask: 0.9 above every OK score -> 1.
        CategoryEvaluator ev = new CategoryEvaluator("toy");
        boolean[] none = new boolean[4];
        ev.addImage("good", new float[]{0.1f, 0.2f, 0.3f, 0.4f}, 2, 2, none, new boolean[4], false);
        ev.addImage("bad", new float[]{0f, 0.5f, 0.6f, 0.9f}, 2, 2, new boolean[]{false, false, false, true},
                new boolean[]{false, false, true, false}, true);
        CategoryMetrics m = ev.finish(0.3, CategoryEvaluator.ProVariant.OFFICIAL);
        assertEquals(1.0, m.imageAuroc(), 0);
        assertEquals(6.0 / 7, m.pixelAuroc(), 1e-15);
        double[] s = {0.1, 0.2, 0.3, 0.4, 0, 0.5, 0.6, 0.9};
        boolean[] y = {false, false, false, false, false, false, true, false};
        assertEquals(BruteForce.auroc(s, y), m.pixelAuroc(), 1e-15);
        assertEquals(BruteForce.averagePrecision(s, y), m.pixelAp(), 1e-15);
        assertEquals(1.0, m.auPro(), 1e-12);
        assertEquals(1, m.components());
        assertEquals(2, m.images());
        assertEquals(1, m.defectImages());
    }

    @Test
    void edgeCasesAreErrorsNamingTheCategory() {
        CategoryEvaluator onlyDefective = new CategoryEvaluator("cable");
        boolean[] d = {true, false};
        onlyDefective.addImage("a", new float[]{1, 0}, 2, 1, d, d, true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> onlyDefective.finish(0.3, CategoryEvaluator.ProVariant.OFFICIAL));
        assertTrue(e.getMessage().contains("cable") && e.getMessage().contains("0 good"), e.getMessage());

        CategoryEvaluator empty = new CategoryEvaluator("rope");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> empty.finish(0.3, CategoryEvaluator.ProVariant.OFFICIAL))
                .getMessage().contains("rope"));

        CategoryEvaluator mixed = new CategoryEvaluator("tire");
        mixed.addImage("a", new float[]{1, 0}, 2, 1, d, d, true);
        assertThrows(IllegalStateException.class, () -> mixed.addImage("b", new float[]{1, 0}, 2, 1, d, new boolean[2], true));

        CategoryEvaluator nan = new CategoryEvaluator("foam");
        IllegalArgumentException n = assertThrows(IllegalArgumentException.class,
                () -> nan.addImage("foam/test/cut/003.tiff", new float[]{0, Float.NaN}, 2, 1, d, d, true));
        assertTrue(n.getMessage().contains("foam/test/cut/003.tiff") && n.getMessage().contains("NaN"), n.getMessage());
    }
}
