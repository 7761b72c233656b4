package dsr3d.tests.report;

import dsr3d.models.cli.Main;
import dsr3d.models.dada.DadaConfig;
import dsr3d.models.dada.DadaModel;
import dsr3d.models.dada.Modality;
import dsr3d.models.infer.DadaWeights;
import dsr3d.models.stage2.Stage2Model;
import dsr3d.nn.io.Checkpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A tiny demo folder in the layout the report reads: synthetic cookie and tire at 64 x 64 (6 test
 * images each), a random small DADA and random stage-2 models written with the real classes, maps
 * from ./3dsr infer (cookie with --overlays, tire without: the report draws those itself),
 * ./3dsr evaluate's metrics.json, a made-up training log for cookie only (tire has none) and a demo.json.
 */
final class DemoFolderFixture {
    private DemoFolderFixture() {}

    static final List<String> CATEGORIES = List.of("cookie", "tire");

    static Path build(Path dir) throws IOException {
        Path data = dir.resolve("data");
        assertEquals(0, Main.execute("synth", "--out", data.toString(), "--categories", "cookie,tire", "--size", "64",
                "--train", "1", "--validation", "1", "--test", "6", "--seed", "3", "--threads", "1"));
        DadaConfig dc = DadaConfig.small(Modality.RGBD, false);
        DadaModel dada = DadaModel.createForTraining(dc, new Random(1));
        Path dadaFile = dir.resolve("dada.safetensors");
        new Checkpoint(dada.stateDict(), Map.of("config", dc.toJson())).save(dadaFile);
        String sha = DadaWeights.sha256(dada.stateDict());
        Files.createDirectories(dir.resolve("models"));
        for (int i = 0; i < CATEGORIES.size(); i++) {
            String c = CATEGORIES.get(i);
            Path model = dir.resolve("models").resolve(c + ".safetensors");
            Stage2Model.create(Stage2Model.Config.forDada(dc, 64), sha, new Random(10 + i)).save(model);
            List<String> args = new ArrayList<>(List.of("infer", "--dataset-base-dir", data.toString(), "--category", c, "--dada", dadaFile.toString(),
                    "--model", model.toString(), "--out", dir.resolve("maps").toString(), "--threads", "1", "--batch", "3"));
            if (c.equals("cookie")) args.add("--overlays");
            assertEquals(0, Main.execute(args.toArray(String[]::new)));
        }
        assertEquals(0, Main.execute("evaluate", "--dataset-base-dir", data.toString(), "--anomaly-maps-dir", dir.resolve("maps").toString(),
                "--output-dir", dir.resolve("eval").toString(), "--no-plots"));
        writeLog(dir.resolve("runs/cookie/log.jsonl"), 80);
        Files.writeString(dir.resolve("demo.json"), """
                {"commands": ["./3dsr synth --out D/data --categories cookie,tire --size 64", "./3dsr train --category cookie <made-up>"],
                 "config": {"size": 64, "iterations": 80, "preset": "small"},
                 "timings": [{"stage": "synth", "seconds": 1.5}, {"stage": "train", "seconds": 4.5}],
                 "seed": 3, "threads": 1, "machine": "test fixture"}
                """, StandardCharsets.UTF_8);
        return dir;
    }

    /** A log shaped like Stage2Run's: decaying terms, prob_in absent on every 7th step (empty mask), image_auroc every 20 steps. */
    static void writeLog(Path file, int steps) throws IOException {
        Files.createDirectories(file.getParent());
        StringBuilder sb = new StringBuilder();
        Random r = new Random(4);
        for (int t = 1; t <= steps; t++) {
            double decay = Math.exp(-t / 30.0), noise = 1 + 0.2 * r.nextDouble();
            double lo = 0.2 * decay * noise, hi = 0.3 * decay * noise, img = 0.1 * noise, focal = 0.2 * decay, l1 = 0.5 * decay;
            sb.append(String.format(Locale.ROOT, "{\"step\":%d,\"loss\":%.6f,\"feature_lo\":%.6f,\"feature_hi\":%.6f,\"image\":%.6f,\"focal\":%.6f,\"mask_l1\":%.6f,",
                    t, lo + hi + img + focal + l1, lo, hi, img, focal, l1));
            if (t % 7 != 0) sb.append(String.format(Locale.ROOT, "\"prob_in\":%.4f,", 0.5 + 0.4 * (1 - decay)));
            sb.append(String.format(Locale.ROOT, "\"prob_out\":%.4f,\"lr\":0.0002,\"seconds\":%.2f", 0.5 * decay, 0.05 * t));
            if (t % 20 == 0) sb.append(String.format(Locale.ROOT, ",\"image_auroc\":%.3f", 0.5 + 0.4 * t / steps));
            sb.append("}\n");
        }
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    }
}
