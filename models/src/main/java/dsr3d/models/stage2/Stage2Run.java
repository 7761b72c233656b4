package dsr3d.models.stage2;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dsr3d.models.data.LoadedSample;
import dsr3d.nn.io.Checkpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stage-2 training run in its output folder DIR:
 * <ul>
 *   <li>{@code DIR/log.jsonl}: per step {"step", "loss", "feature_lo", "feature_hi", "image",
 *       "focal", "mask_l1", "lr", "seconds" (of this step), "elapsed"} and "image_auroc" on
 *       validation steps;</li>
 *   <li>{@code DIR/checkpoint.safetensors} every checkpointEvery steps and at the end (whole state,
 *       atomic); a resumed run cuts the log after the checkpoint's step and continues;</li>
 *   <li>{@code DIR/samples/step-N.png} every sampleEvery steps ({@link Stage2SamplePicture});</li>
 *   <li>{@code DIR/model.safetensors} after the last iteration ({@link Stage2ModelFile}).</li>
 * </ul>
 */
public final class Stage2Run {
    public static final String CHECKPOINT = "checkpoint.safetensors", LOG = "log.jsonl", MODEL = "model.safetensors";

    /** validateEvery / sampleEvery 0 = never. */
    public record Settings(long checkpointEvery, long validateEvery, long sampleEvery, int validationBatch) {
        public Settings {
            if (checkpointEvery <= 0) throw new IllegalArgumentException("--checkpoint-every must be > 0, got " + checkpointEvery);
            if (validateEvery < 0 || sampleEvery < 0) throw new IllegalArgumentException("--validate-every and --sample-every must be >= 0");
        }
    }

    /** Told after each step with its log row. */
    public interface Listener { void stepDone(long step, Map<String, Double> row); }

    private Stage2Run() {}

    /**
     * Runs steps until the last iteration or stopAfter (a test's simulated kill). With resume, the
     * state comes from DIR/checkpoint.safetensors first. validation: the test split (may be empty).
     */
    public static void run(Stage2Trainer t, String dadaSha256, Path dir, Settings s, List<LoadedSample> validation,
                           boolean resume, long stopAfter, Listener listener) throws IOException {
        Files.createDirectories(dir);
        Path ckpt = dir.resolve(CHECKPOINT), log = dir.resolve(LOG);
        if (resume) {
            if (!Files.exists(ckpt)) throw new NoSuchFileException(ckpt.toString(), null, "no checkpoint to resume from");
            t.restore(ckpt, Checkpoint.load(ckpt), dadaSha256);
            cutLog(log, t.stepsDone());
        } else {
            if (Files.exists(ckpt))
                throw new IllegalArgumentException("--out " + dir + " already holds a training run (" + CHECKPOINT + "); add --resume or choose another folder");
            Files.writeString(log, "", StandardCharsets.UTF_8);
        }
        long iterations = t.options().iterations(), t0 = System.nanoTime();
        while (t.stepsDone() < Math.min(iterations, stopAfter)) {
            long s0 = System.nanoTime();
            Stage2Trainer.StepResult r = t.step();
            long step = r.step();
            Map<String, Double> row = new LinkedHashMap<>(r.terms());
            row.put("lr", r.lr());
            if (s.sampleEvery() > 0 && step % s.sampleEvery() == 0) {
                Files.createDirectories(dir.resolve("samples"));
                Stage2SamplePicture.write(dir.resolve("samples").resolve("step-" + step + ".png"), t.modality(), r);
            }
            if (s.validateEvery() > 0 && step % s.validateEvery() == 0 && !validation.isEmpty())
                row.put("image_auroc", Stage2Validation.imageAuroc(t.dada(), t.networks().nets(), t.modality(), validation, s.validationBatch()));
            row.put("seconds", (System.nanoTime() - s0) / 1e9);
            row.put("elapsed", (System.nanoTime() - t0) / 1e9);
            JsonObject json = new JsonObject();
            json.addProperty("step", step);
            row.forEach((k, v) -> { if (Double.isFinite(v)) json.addProperty(k, v); else json.addProperty(k, (String) null); });
            Files.writeString(log, json + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            if (step % s.checkpointEvery() == 0 || step == iterations) t.checkpoint(dadaSha256, Map.of()).save(ckpt);
            if (listener != null) listener.stepDone(step, row);
        }
        if (t.stepsDone() == iterations)
            Stage2ModelFile.save(dir.resolve(MODEL), t.networks(), t.sizes(), t.modality(), t.imageSize(),
                    dadaSha256, Map.of("iterations", Long.toString(iterations)));
    }

    /** Keeps the log lines with step <= lastStep (a killed run may have logged later steps). */
    static void cutLog(Path log, long lastStep) throws IOException {
        List<String> keep = new ArrayList<>();
        if (Files.exists(log))
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                if (line.isBlank()) continue;
                try {
                    if (JsonParser.parseString(line).getAsJsonObject().get("step").getAsLong() <= lastStep) keep.add(line);
                } catch (RuntimeException e) {
                    break;   // a line cut by the kill: drop it and what follows
                }
            }
        Files.write(log, keep, StandardCharsets.UTF_8);
    }
}
