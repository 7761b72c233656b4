package dsr3d.tests.train;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dsr3d.models.cli.Main;
import dsr3d.models.dada.Modality;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * train -> infer -> evaluate on a tiny synthetic category (small preset, 2 iterations): the model
 * file of ./3dsr train is read by ./3dsr infer, whose maps ./3dsr evaluate scores. A DADA other
 * than the one trained with is refused by infer.
 */
class TrainInferEvaluateTest {
    @Test
    void trainedModelRunsWithInferAndEvaluate(@TempDir Path tmp) throws Exception {
        Path data = Stage2TrainFixture.synth(tmp.resolve("data"), 2, 6, 11);
        Path dada = Stage2TrainFixture.dada(tmp.resolve("dada.safetensors"), Modality.RGBD, Stage2TrainFixture.load(data, "train"), 12);
        String cat = Stage2TrainFixture.CATEGORY;
        Path run = tmp.resolve("run"), maps = tmp.resolve("maps"), eval = tmp.resolve("eval");
        assertEquals(0, Main.execute("train", "--dataset-base-dir", data.toString(), "--category", cat, "--dada", dada.toString(),
                "--out", run.toString(), "--preset", "small", "--iterations", "2", "--batch", "1", "--validate-every", "2", "--sample-every", "2"));
        assertTrue(Files.isRegularFile(run.resolve("samples/step-2.png")));
        JsonObject last = JsonParser.parseString(Files.readAllLines(run.resolve("log.jsonl")).get(1)).getAsJsonObject();
        double auroc = last.get("image_auroc").getAsDouble();
        assertTrue(auroc >= 0 && auroc <= 1, "validation AUROC logged: " + auroc);

        assertEquals(0, Main.execute("infer", "--dataset-base-dir", data.toString(), "--category", cat, "--dada", dada.toString(),
                "--model", run.resolve("model.safetensors").toString(), "--out", maps.toString()));
        try (var s = Files.walk(maps.resolve(cat).resolve("test"))) {
            assertEquals(6, s.filter(p -> p.toString().endsWith(".tiff")).count(), "one map per test image");
        }
        assertEquals(0, Main.execute("evaluate", "--dataset-base-dir", data.toString(), "--anomaly-maps-dir", maps.toString(),
                "--output-dir", eval.toString(), "--evaluated-objects", cat, "--no-plots"));
        assertTrue(Files.readString(eval.resolve("metrics.json")).contains(cat));

        Path other = Stage2TrainFixture.dada(tmp.resolve("other.safetensors"), Modality.RGBD, Stage2TrainFixture.load(data, "train"), 13);
        assertEquals(2, Main.execute("infer", "--dataset-base-dir", data.toString(), "--category", cat, "--dada", other.toString(),
                "--model", run.resolve("model.safetensors").toString(), "--out", tmp.resolve("maps2").toString()), "another DADA is refused");
    }
}
