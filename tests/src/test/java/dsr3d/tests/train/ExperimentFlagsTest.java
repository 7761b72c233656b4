package dsr3d.tests.train;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dsr3d.models.cli.Main;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** {@code ./3dsr experiment}: a tiny modalities run (slow: three DADAs, DSR's VQ-VAE and four trainings), and its refusals. */
class ExperimentFlagsTest {
    @Tag("slow")
    @Test void aTinyModalitiesRunWritesItsTable(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("x");
        assertEquals(0, Main.execute("experiment", "modalities", "--iterations", "1", "--dada-iterations", "1", "--categories", "cookie",
                "--out", dir.toString(), "--threads", "1"));
        String table = Files.readString(dir.resolve("table.md"));
        for (String row : new String[]{"| rgbd |", "| depth |", "| rgb |", "| DSR |"}) assertTrue(table.contains(row), table);
        String json = Files.readString(dir.resolve("experiment.json"));
        assertTrue(json.contains("--modality depth") && json.contains("--modality rgb"), json);
        assertFalse(json.contains("--modality rgbd --modality"), "a variant's flag replaces the recipe's value: " + json);

        // The DSR row: finite values in every column, from its own train-dada, train and infer commands.
        JsonObject dsr = JsonParser.parseString(Files.readString(dir.resolve("table.json"))).getAsJsonObject().getAsJsonObject("DSR");
        assertNotNull(dsr, "table.json has the DSR row");
        assertEquals(List.of("bump", "color", "combined", "crack", "dent", "image_auroc", "pixel_auroc"), new ArrayList<>(dsr.keySet()));
        for (Map.Entry<String, com.google.gson.JsonElement> e : dsr.entrySet()) {
            double v = e.getValue().getAsDouble();
            assertTrue(Double.isFinite(v) && v >= 0 && v <= 1, e.getKey() + " = " + v);
        }
        List<String> commands = new ArrayList<>();
        JsonParser.parseString(json).getAsJsonObject().getAsJsonArray("commands").forEach(e -> commands.add(e.getAsString()));
        Path d = dir.resolve("DSR");
        assertTrue(commands.contains("./3dsr train-dada --method dsr --preset small --iterations 1 --batch 16 --seed 0 --lr 5e-4 --weight-init default"
                + " --codebook-init data --codebook-restart 5 --checkpoint-every 1 --out " + d.resolve("dada-run") + " --threads 1"), commands.toString());
        String train = "./3dsr train --method dsr --dataset-base-dir " + dir.resolve("data") + " --category cookie --dada " + d.resolve("dada.safetensors")
                + " --out " + d.resolve("runs").resolve("cookie") + " --preset small --image-size 64 --iterations 1 --upsample-iterations 1 --batch 8"
                + " --lr 2.0E-4 --seed 0 --checkpoint-every 1 --threads 1";
        assertTrue(commands.contains(train), commands.toString());
        assertTrue(commands.contains("./3dsr infer --method dsr --dataset-base-dir " + dir.resolve("data") + " --category cookie --dada "
                + d.resolve("dada.safetensors") + " --model " + d.resolve("models").resolve("cookie.safetensors") + " --out " + d.resolve("maps")
                + " --threads 1"), commands.toString());
        assertTrue(commands.contains("./3dsr evaluate --dataset-base-dir " + dir.resolve("data") + " --anomaly-maps-dir " + d.resolve("maps")
                + " --output-dir " + d.resolve("eval") + " --evaluated-objects cookie"), commands.toString());
        // Every image column uses the method's own score (scores.json): DSR's smoothed anomaly-module maximum, 3DSR's map maximum,
        // which for 3DSR is also what evaluate ranks.
        assertEquals(scoresAuroc(d.resolve("maps").resolve("cookie").resolve("scores.json")), dsr.get("image_auroc").getAsDouble(), 1e-12);
        JsonObject rgbd = JsonParser.parseString(Files.readString(dir.resolve("table.json"))).getAsJsonObject().getAsJsonObject("rgbd");
        assertEquals(scoresAuroc(dir.resolve("rgbd").resolve("maps").resolve("cookie").resolve("scores.json")), rgbd.get("image_auroc").getAsDouble(), 1e-12);
        double evaluated = JsonParser.parseString(Files.readString(dir.resolve("rgbd").resolve("eval").resolve("metrics.json"))).getAsJsonObject()
                .getAsJsonObject("mean").get("image_auroc").getAsDouble();
        assertEquals(evaluated, rgbd.get("image_auroc").getAsDouble(), 1e-6);

        // The recorded DSR train command, run by hand into another folder, gives the same model, byte for byte.
        Path again = tmp.resolve("again");
        List<String> args = new ArrayList<>(Arrays.asList(train.split(" ")));
        args.set(args.indexOf("--out") + 1, again.toString());
        assertEquals(0, Main.execute(args.subList(1, args.size()).toArray(String[]::new)));
        assertArrayEquals(Files.readAllBytes(d.resolve("models").resolve("cookie.safetensors")), Files.readAllBytes(again.resolve("model.safetensors")));

        assertEquals(2, Main.execute("experiment", "modalities", "--out", dir.toString()), "an existing experiment folder is refused");
    }

    /** Image AUROC of a scores.json: good against every other type. */
    private static double scoresAuroc(Path scoresJson) throws java.io.IOException {
        com.google.gson.JsonArray a = JsonParser.parseString(Files.readString(scoresJson)).getAsJsonArray();
        double[] scores = new double[a.size()];
        boolean[] positive = new boolean[a.size()];
        for (int i = 0; i < a.size(); i++) {
            scores[i] = a.get(i).getAsJsonObject().get("score").getAsDouble();
            positive[i] = !a.get(i).getAsJsonObject().get("type").getAsString().equals("good");
        }
        return dsr3d.models.eval.Auroc.of(scores, positive);
    }

    @Test void badArgumentsExitTwo(@TempDir Path tmp) {
        assertEquals(2, Main.execute("experiment"));
        assertEquals(2, Main.execute("experiment", "modalities", "--categories", "nope", "--out", tmp.resolve("y").toString()));
        assertEquals(2, Main.execute("experiment", "ablations", "--threads", "-1", "--out", tmp.resolve("z").toString()));
    }
}
