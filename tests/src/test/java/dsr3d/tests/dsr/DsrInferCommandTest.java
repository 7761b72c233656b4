package dsr3d.tests.dsr;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import dsr3d.models.cli.Main;
import dsr3d.models.dsr.DsrModel;
import dsr3d.models.infer.DadaWeights;
import dsr3d.nn.io.SafeTensors;
import dsr3d.simulate.io.FloatImage;
import dsr3d.simulate.io.Tiff;
import dsr3d.tensor.Tensor;
import dsr3d.tests.support.Fixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dsr3d.tests.support.TensorAsserts.assertAllClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./3dsr infer --method dsr} on the official-format files and the toy MVTec AD tree of
 * make_dsr_fixtures.py: the maps (TIFF) and scores.json reproduce test_dsr.py's loop to float32
 * accuracy (the run is in float32, the reference in float64), intermediates carry the official
 * code indices; our model file round-trips (save, infer again: same scores); the bad cases fail
 * with one line (exit 1 for a bad file, 2 for a bad command line).
 */
class DsrInferCommandTest {
    @TempDir Path tmp;

    @Test void reproducesTheOfficialTestLoopAndRoundTripsOurFile() throws Exception {
        Fixture f = DsrFixtures.load("pipeline");
        Path dir = DsrFixtures.resource("pipeline/vq_model.pckl").getParent();
        Path out = tmp.resolve("out");
        assertEquals(0, Main.execute("infer", "--method", "dsr", "--dataset-base-dir", dir.resolve("mvtec").toString(), "--category", "toy",
                "--dada", dir.resolve("vq_model.pckl").toString(), "--model", dir.toString(), "--out", out.toString(),
                "--image-size", "64", "--save-intermediates", "--overlays", "--threads", "1"));
        JsonArray scores = JsonParser.parseString(Files.readString(out.resolve("toy/scores.json"))).getAsJsonArray();
        List<String> order = List.of("crack/000", "crack/001", "good/000");
        assertEquals(3, scores.size());
        for (int i = 0; i < 3; i++) {
            var s = scores.get(i).getAsJsonObject();
            assertEquals(order.get(i), s.get("type").getAsString() + "/" + s.get("stem").getAsString());
            assertEquals(f.array(i + ".score").values()[0], s.get("score").getAsDouble(), 2e-5, "score " + i);
            FloatImage map = Tiff.readFloat(out.resolve("toy/test/" + order.get(i) + ".tiff"));
            double[] got = new double[map.data().length];
            for (int j = 0; j < got.length; j++) got[j] = map.data()[j];
            assertAllClose("map " + i, f.array(i + ".anomaly_map").values(), got, 2e-4, 2e-4);
            Map<String, Tensor> inter = SafeTensors.read(out.resolve("toy/intermediates/" + order.get(i) + ".safetensors")).tensors();
            assertArrayEquals(DsrFixtures.ints(f, i + ".indices_hi"), inter.get("indices_hi").toIntArray(), "indices_hi " + i);
            assertArrayEquals(DsrFixtures.ints(f, i + ".indices_lo_restricted"), inter.get("indices_lo_restricted").toIntArray());
            assertTrue(Files.size(out.resolve("toy/overlays/" + order.get(i) + ".png")) > 0);
        }

        // our file: the same networks saved as model.safetensors give the same scores
        DadaWeights.Loaded vq = DadaWeights.loadDsr(dir.resolve("vq_model.pckl"));
        DsrModel m = DsrModel.load(dir, "toy", vq.model().config(), 64);
        Path ours = tmp.resolve("model.safetensors");
        new DsrModel(m.config(), m.nets(), m.upsample(), vq.sha256()).save(ours);
        Path out2 = tmp.resolve("out2");
        assertEquals(0, Main.execute("infer", "--method", "dsr", "--dataset-base-dir", dir.resolve("mvtec").toString(), "--category", "toy",
                "--dada", dir.resolve("vq_model.pckl").toString(), "--model", ours.toString(), "--out", out2.toString(), "--threads", "1"));
        assertEquals(Files.readString(out.resolve("toy/scores.json")), Files.readString(out2.resolve("toy/scores.json")));

        // evaluate reads the MVTec AD layout; the dsr protocol takes the image scores from scores.json
        Path metrics = tmp.resolve("metrics");
        assertEquals(0, Main.execute("evaluate", "--layout", "mvtec-ad", "--protocol", "dsr", "--resolution", "64", "--no-plots",
                "--dataset-base-dir", dir.resolve("mvtec").toString(), "--anomaly-maps-dir", out.toString(), "--output-dir", metrics.toString()));
        var toy = JsonParser.parseString(Files.readString(metrics.resolve("metrics.json"))).getAsJsonObject().getAsJsonObject("toy");
        double good = f.array("2.score").values()[0];
        double expected = ((f.array("0.score").values()[0] > good ? 1 : 0) + (f.array("1.score").values()[0] > good ? 1 : 0)) / 2.0;
        assertEquals(expected, toy.get("image_auroc").getAsDouble(), 1e-12, "image AUROC of the official scores: " + toy);
        assertEquals(0, Main.execute("evaluate", "--layout", "mvtec-ad", "--no-plots",
                "--dataset-base-dir", dir.resolve("mvtec").toString(), "--anomaly-maps-dir", out.toString(), "--output-dir", tmp.resolve("m2").toString()));
        assertEquals(2, Main.execute("evaluate", "--protocol", "dsr", "--no-plots",
                "--dataset-base-dir", dir.resolve("mvtec").toString(), "--anomaly-maps-dir", out.toString(), "--output-dir", tmp.resolve("m3").toString()));
    }

    @Test void badInputsFailWithOneLine() throws Exception {
        Path dir = DsrFixtures.resource("pipeline/vq_model.pckl").getParent();
        String vq = dir.resolve("vq_model.pckl").toString(), data = dir.resolve("mvtec").toString();
        // a class without official files: exit 1 naming what is missing
        assertEquals(1, Main.execute("infer", "--method", "dsr", "--dataset-base-dir", data, "--category", "toy",
                "--dada", vq, "--model", tmp.toString(), "--out", tmp.resolve("o").toString()));
        // a bad method: exit 2
        assertEquals(2, Main.execute("infer", "--method", "dsrx", "--dataset-base-dir", data, "--category", "toy",
                "--dada", vq, "--model", dir.toString(), "--out", tmp.resolve("o").toString()));
        // a 3DSR model file given to --method dsr: exit 1
        Path bogus = tmp.resolve("bogus.safetensors");
        Files.write(bogus, "not a model".getBytes(StandardCharsets.UTF_8));
        assertEquals(1, Main.execute("infer", "--method", "dsr", "--dataset-base-dir", data, "--category", "toy",
                "--dada", vq, "--model", bogus.toString(), "--out", tmp.resolve("o").toString()));
    }
}
