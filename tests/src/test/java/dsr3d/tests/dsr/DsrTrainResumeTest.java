package dsr3d.tests.dsr;

import com.google.gson.JsonParser;
import dsr3d.models.cli.Main;
import dsr3d.models.dsr.DsrRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DSR end to end on a tiny synthetic category ({@code ./3dsr synth}, 64 x 64, its rgb/ folders):
 * {@code train-dada --method dsr} (small VQ-VAE, a few steps), {@code train --method dsr} stages 2
 * and 3, killed twice (inside stage 2 and inside stage 3) and resumed: the logs and the final
 * model.safetensors are bit for bit those of the uninterrupted run; then {@code infer --method dsr}
 * and {@code evaluate} on the result.
 */
class DsrTrainResumeTest {
    @TempDir static Path tmp;
    static Path data, vq;

    @BeforeAll static void setUp() {
        data = tmp.resolve("data");
        assertEquals(0, Main.execute("synth", "--out", data.toString(), "--categories", "tire", "--size", "64",
                "--train", "2", "--validation", "1", "--test", "3", "--seed", "5"));
        assertEquals(0, Main.execute("train-dada", "--method", "dsr", "--preset", "small", "--iterations", "2", "--batch", "2",
                "--checkpoint-every", "2", "--threads", "1", "--out", tmp.resolve("vq").toString()));
        vq = tmp.resolve("vq/dada.safetensors");
        assertTrue(Files.isRegularFile(vq));
    }

    private static int train(Path out, String... extra) {
        List<String> a = new java.util.ArrayList<>(List.of("train", "--method", "dsr", "--preset", "small", "--dataset-base-dir", data.toString(),
                "--category", "tire", "--dada", vq.toString(), "--iterations", "3", "--upsample-iterations", "3", "--batch", "2",
                "--checkpoint-every", "2", "--seed", "3", "--threads", "1", "--out", out.toString()));
        a.addAll(List.of(extra));
        return Main.execute(a.toArray(String[]::new));
    }

    /** The log rows without their wall-clock "seconds". */
    private static List<String> rows(Path log) throws Exception {
        return Files.readAllLines(log).stream().map(l -> {
            var o = JsonParser.parseString(l).getAsJsonObject();
            o.remove("seconds");
            return o.toString();
        }).toList();
    }

    @Test void trainsBothStagesResumesBitForBitAndInfers() throws Exception {
        Path full = tmp.resolve("full"), cut = tmp.resolve("cut");
        assertEquals(0, train(full));
        assertEquals(0, train(cut, "--stop-after", "2"));                 // killed in stage 2 (after its checkpoint at 2)
        assertTrue(!Files.exists(cut.resolve(DsrRun.MODEL)));
        assertEquals(0, train(cut, "--resume", "--stop-after", "5"));     // stage 2 to its end, then stage 3 steps 1..2 (checkpoint at 2)
        assertEquals(0, train(cut, "--resume"));
        assertEquals(rows(full.resolve(DsrRun.LOG)), rows(cut.resolve(DsrRun.LOG)));
        assertEquals(rows(full.resolve(DsrRun.UPSAMPLE_LOG)), rows(cut.resolve(DsrRun.UPSAMPLE_LOG)));
        assertEquals(3, rows(full.resolve(DsrRun.UPSAMPLE_LOG)).size());
        assertArrayEquals(Files.readAllBytes(full.resolve(DsrRun.MODEL)), Files.readAllBytes(cut.resolve(DsrRun.MODEL)), "model.safetensors");
        // a resume with other options is refused (exit 1, the file named)
        assertEquals(1, train(cut, "--resume", "--lr", "1e-3"));

        Path maps = tmp.resolve("maps");
        assertEquals(0, Main.execute("infer", "--method", "dsr", "--dataset-base-dir", data.toString(), "--category", "tire",
                "--dada", vq.toString(), "--model", full.resolve(DsrRun.MODEL).toString(), "--out", maps.toString(), "--threads", "1"));
        assertEquals(3, JsonParser.parseString(Files.readString(maps.resolve("tire/scores.json"))).getAsJsonArray().size());
        assertEquals(0, Main.execute("evaluate", "--dataset-base-dir", data.toString(), "--anomaly-maps-dir", maps.toString(),
                "--output-dir", tmp.resolve("metrics").toString(), "--no-plots"));
    }
}
