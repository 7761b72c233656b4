package dsr3d.tests.train;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dsr3d.models.cli.Main;
import dsr3d.models.demo.DemoPlan;
import dsr3d.models.demo.DemoRun;
import dsr3d.models.stage2.Stage2Data;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The demo end to end at a tiny scale (2 categories, 6 train and 6 test images each, 2 stage-2
 * steps): every output of the documented layout is written, and the stage-2 command it records
 * reproduces its model bit for bit when a user runs it by hand.
 */
class DemoRunTest {
    @Test void writesTheLayoutAndItsRecordedTrainCommandReproducesTheModel(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("demo");
        DemoPlan plan = new DemoPlan(dir, List.of("cookie", "foam"), 5, 2, 64, 6, 6, 2.0, 2.5, false, 0, 2, 2, 2e-4, 0,
                Stage2Data.MaskAlignment.ROTATED_FOREGROUND);
        DemoRun.Outcome o = new DemoRun(plan, new PrintStream(new ByteArrayOutputStream())).run();

        try (InputStream shipped = DemoRunTest.class.getResourceAsStream("/dsr3d/models/pretrained/dada-small-rgbd.safetensors")) {
            assertArrayEquals(shipped.readAllBytes(), Files.readAllBytes(plan.dada()), "DIR/dada.safetensors is the shipped DADA");
        }
        for (String c : plan.categories()) {
            assertTrue(Files.size(plan.model(c)) > 0, "model of " + c);
            try (Stream<Path> maps = Files.walk(plan.maps().resolve(c).resolve("test"))) {
                assertEquals(6, maps.filter(p -> p.toString().endsWith(".tiff")).count(), "one map per test image of " + c);
            }
            assertTrue(Files.exists(plan.maps().resolve(c).resolve("scores.json")));
        }
        for (var metrics : List.of(o.metrics(), o.freshMetrics())) {
            assertEquals(List.of("cookie", "foam", "mean"), new ArrayList<>(metrics.keySet()));
            double auroc = metrics.get("mean").get("image_auroc");
            assertTrue(auroc >= 0 && auroc <= 1, "image AUROC " + auroc);
        }
        assertEquals(List.of("data", "dada", "train", "infer", "evaluate", "fresh test set", "report"), new ArrayList<>(o.timings().keySet()));

        JsonObject demo = JsonParser.parseString(Files.readString(dir.resolve("demo.json"))).getAsJsonObject();
        List<String> commands = new ArrayList<>();
        demo.getAsJsonArray("commands").forEach(e -> commands.add(e.getAsString()));
        String train = commands.stream().filter(c -> c.startsWith("./3dsr train ") && c.contains("--category cookie")).findFirst().orElseThrow();
        assertTrue(commands.stream().anyMatch(c -> c.startsWith("./3dsr synth ") && c.contains("--seed 6")), "the fresh test set has another seed: " + commands);
        assertTrue(train.contains("--mask-alignment rotated"), "the plan's mask alignment is on the recorded command: " + train);
        assertEquals("rotated", demo.getAsJsonObject("config").get("mask_alignment").getAsString());
        assertTrue(commands.stream().filter(c -> c.startsWith("./3dsr synth ")).allMatch(c -> c.contains("--relief-scale 2.5")),
                "both synthetic sets use the plan's relief scale: " + commands);
        assertEquals(2.5, demo.getAsJsonObject("config").get("relief_scale").getAsDouble());

        // The recorded command, run by hand into another folder, gives the same model, byte for byte.
        Path again = tmp.resolve("again");
        List<String> args = new ArrayList<>(Arrays.asList(train.split(" ")));
        args.set(args.indexOf("--out") + 1, again.toString());
        assertEquals(0, Main.execute(args.subList(1, args.size()).toArray(String[]::new)));
        assertArrayEquals(Files.readAllBytes(plan.model("cookie")), Files.readAllBytes(again.resolve("model.safetensors")));
    }

    @Test void aNonEmptyOutputFolderNeedsOverwrite(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("keep.txt"), "x");
        assertEquals(2, Main.execute("demo", "--out", tmp.toString(), "--iterations", "1"));
        assertTrue(Files.exists(tmp.resolve("keep.txt")));
        assertEquals(2, Main.execute("demo", "--out", tmp.resolve("x").toString(), "--categories", "nope"));
    }
}
