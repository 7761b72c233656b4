package dsr3d.tests.train;

import dsr3d.models.cli.Main;
import dsr3d.models.dada.Modality;
import dsr3d.nn.io.Checkpoint;
import dsr3d.tensor.Tensor;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ./3dsr train on a tiny synthetic category, small preset: a run of 3 steps uninterrupted and a
 * run stopped after step 2 of 3 (as a kill would) then continued with --resume give identical bits:
 * every tensor of model.safetensors and of the final checkpoint (weights, Adam, scheduler) and
 * every logged loss term.
 */
class Stage2TrainResumeTest {
    static final int STEPS = 3, SPLIT = 2;

    @TempDir static Path tmp;
    static Path data, dada;

    @BeforeAll
    static void setUp() throws Exception {
        data = Stage2TrainFixture.synth(tmp.resolve("data"), 3, 0, 5);
        dada = Stage2TrainFixture.dada(tmp.resolve("dada.safetensors"), Modality.RGBD, Stage2TrainFixture.load(data, "train"), 9);
    }

    static String[] args(Path out, String... more) {
        List<String> a = new java.util.ArrayList<>(List.of("train", "--dataset-base-dir", data.toString(), "--category", Stage2TrainFixture.CATEGORY,
                "--dada", dada.toString(), "--out", out.toString(), "--preset", "small", "--iterations", Integer.toString(STEPS),
                "--batch", "1", "--seed", "3", "--checkpoint-every", "1", "--threads", "1"));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void resumedRunEqualsUninterruptedRun() throws Exception {
        Path straight = tmp.resolve("straight"), resumed = tmp.resolve("resumed");
        assertEquals(0, Main.execute(args(straight)));
        assertEquals(0, Main.execute(args(resumed, "--stop-after", Integer.toString(SPLIT))));
        assertTrue(!Files.exists(resumed.resolve("model.safetensors")), "a stopped run writes no model file");
        assertEquals(Integer.toString(SPLIT), Checkpoint.load(resumed.resolve("checkpoint.safetensors")).meta("step"));
        assertEquals(0, Main.execute(args(resumed, "--resume")));

        for (String file : List.of("model.safetensors", "checkpoint.safetensors")) {
            Map<String, Tensor> a = Checkpoint.load(straight.resolve(file)).tensors(), b = Checkpoint.load(resumed.resolve(file)).tensors();
            assertEquals(a.keySet(), b.keySet(), file);
            for (String k : a.keySet()) assertArrayEquals(a.get(k).toDoubleArray(), b.get(k).toDoubleArray(), 0.0, file + " " + k);
        }
        List<JsonObject> la = log(straight), lb = log(resumed);
        assertEquals(STEPS, la.size());
        assertEquals(STEPS, lb.size());
        for (int i = 0; i < STEPS; i++)
            for (String term : List.of("step", "loss", "feature_lo", "feature_hi", "image", "focal", "mask_l1", "lr"))
                assertEquals(la.get(i).get(term).getAsDouble(), lb.get(i).get(term).getAsDouble(), 0.0, "step " + (i + 1) + " " + term);
        assertNotEquals(la.get(0).get("loss").getAsDouble(), la.get(STEPS - 1).get("loss").getAsDouble(), "the loss changes");

        Map<String, Tensor> model = Checkpoint.load(straight.resolve("model.safetensors")).tensors();
        for (String prefix : List.of("seg.", "recon_lo.", "recon_hi.", "decode."))
            assertTrue(model.keySet().stream().anyMatch(k -> k.startsWith(prefix)), "model file has " + prefix + " keys");
        assertTrue(model.keySet().stream().allMatch(k -> k.matches("(seg|recon_lo|recon_hi|decode)\\..*")), "only the four nets");
        assertEquals(dsr3d.models.infer.DadaWeights.load(dada, 0).sha256(), Checkpoint.load(straight.resolve("model.safetensors")).meta("dada_sha256"));
    }

    @Test
    void refusesToOverwriteARunAndToResumeWithOtherOptions() throws Exception {
        Path out = tmp.resolve("other");
        assertEquals(0, Main.execute(args(out, "--stop-after", "1")));
        assertEquals(2, Main.execute(args(out)), "an existing run without --resume");
        String[] changed = args(out, "--resume");
        for (int i = 0; i < changed.length; i++) if (changed[i].equals("--seed")) changed[i + 1] = "4";
        assertEquals(1, Main.execute(changed), "resume with another seed");
    }

    static List<JsonObject> log(Path dir) throws Exception {
        return Files.readAllLines(dir.resolve("log.jsonl")).stream().filter(l -> !l.isBlank())
                .map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
    }
}
