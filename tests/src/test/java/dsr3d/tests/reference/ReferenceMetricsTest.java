package dsr3d.tests.reference;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dsr3d.models.eval.AuPro;
import dsr3d.models.eval.Auroc;
import dsr3d.models.eval.AveragePrecision;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * AUROC and average precision against scikit-learn (roc_auc_score, average_precision_score,
 * with tied scores), and AU-PRO (limit 0.3, 100 thresholds) against the official MVTec 3D-AD
 * utility au_pro_util.calculate_au_pro. Expected values: metrics.json from
 * tests/fixtures/make_reference_fixtures.py.
 */
class ReferenceMetricsTest {
    private static final JsonObject FIXTURE = ReferenceFixtures.load("metrics.json");

    @Test
    void aurocAndAveragePrecisionMatchScikitLearn() {
        int n = 0;
        for (JsonElement e : FIXTURE.getAsJsonArray("ranking")) {
            JsonObject c = e.getAsJsonObject();
            double[] s = ReferenceFixtures.doubles(c, "scores");
            int[] y = ReferenceFixtures.ints(c, "labels");
            boolean[] pos = new boolean[y.length];
            for (int i = 0; i < y.length; i++) pos[i] = y[i] == 1;
            assertEquals(c.get("auroc").getAsDouble(), Auroc.of(s, pos), 1e-12, "AUROC, " + s.length + " scores");
            assertEquals(c.get("ap").getAsDouble(), AveragePrecision.of(s, pos), 1e-12, "AP, " + s.length + " scores");
            n++;
        }
        assertTrue(n >= 5, "only " + n + " ranking cases");
    }

    @Test
    void auProMatchesTheOfficialUtility() {
        int n = 0;
        for (JsonElement e : FIXTURE.getAsJsonArray("au_pro")) {
            JsonObject c = e.getAsJsonObject();
            int h = c.get("h").getAsInt(), w = c.get("w").getAsInt();
            JsonArray gts = c.getAsJsonArray("gts"), maps = c.getAsJsonArray("maps");
            AuPro pro = new AuPro();
            for (int i = 0; i < gts.size(); i++) {
                JsonArray g = gts.get(i).getAsJsonArray(), m = maps.get(i).getAsJsonArray();
                boolean[] defect = new boolean[h * w];
                float[] scores = new float[h * w];
                for (int p = 0; p < h * w; p++) {
                    defect[p] = g.get(p).getAsInt() != 0;
                    scores[p] = (float) m.get(p).getAsDouble();
                }
                pro.addImage(scores, defect, w, h);
            }
            assertEquals(c.get("au_pro_0.3").getAsDouble(), pro.official(0.3).area(), 1e-9, "AU-PRO of " + gts.size() + " images " + w + "x" + h);
            n++;
        }
        assertTrue(n >= 3, "only " + n + " AU-PRO cases");
    }
}
