package dsr3d.models.stage2;

import dsr3d.models.data.LoadedSample;
import dsr3d.models.train.JsonlLog;
import dsr3d.models.train.TrainingLoop;
import dsr3d.nn.io.Checkpoint;
import dsr3d.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stage-2 training run in its output folder DIR, through the shared {@link TrainingLoop}:
 * <ul>
 *   <li>{@code DIR/log.jsonl}: per step {"step", "loss", "feature_lo", "feature_hi", "image",
 *       "focal", "mask_l1", "prob_in", "prob_out" ({@link MaskProbability}), "lr",
 *       "seconds" (since the run started)} and "image_auroc" on
 *       validation steps;</li>
 *   <li>{@code DIR/checkpoint.safetensors} every checkpointEvery steps and at the end (whole state,
 *       atomic); a resumed run cuts the log after the checkpoint's step and continues;</li>
 *   <li>{@code DIR/samples/step-N.png} every sampleEvery steps ({@link Stage2SamplePicture});</li>
 *   <li>{@code DIR/model.safetensors} after the last iteration ({@link Stage2Model}: the four nets, the configuration, the DADA's weights SHA-256).</li>
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

    private Stage2Run() {}

    /**
     * Runs steps until the last iteration or stopAfter (a test's simulated kill); returns the last
     * completed step. With resume, the state comes from DIR/checkpoint.safetensors first.
     * validation: the test split (may be empty).
     */
    public static long run(Stage2Trainer t, String dadaSha256, Path dir, Settings s, List<LoadedSample> validation,
                           boolean resume, long stopAfter, TrainingLoop.Listener listener) throws IOException {
        Files.createDirectories(dir);
        Path ckpt = dir.resolve(CHECKPOINT);
        long done = 0;
        JsonlLog log;
        if (resume) {
            if (!Files.exists(ckpt)) throw new NoSuchFileException(ckpt.toString(), null, "no checkpoint to resume from");
            done = t.restore(ckpt, Checkpoint.load(ckpt), dadaSha256);
            log = JsonlLog.resume(dir.resolve(LOG), done);
        } else {
            if (Files.exists(ckpt))
                throw new IllegalArgumentException("--out " + dir + " already holds a training run (" + CHECKPOINT + "); add --resume or choose another folder");
            log = JsonlLog.create(dir.resolve(LOG));
        }
        long iterations = t.options().iterations();
        Stage2Trainer.StepResult[] last = new Stage2Trainer.StepResult[1];
        TrainingLoop.Task task = new TrainingLoop.Task() {
            @Override public LinkedHashMap<String, Tensor> forward(long step) {
                last[0] = t.forward(step);
                return last[0].terms();
            }

            @Override public Map<String, Number> metrics() {
                long step = last[0].step();
                Map<String, Number> m = new LinkedHashMap<>(MaskProbability.of(last[0].forward().logits(), last[0].anomalies().groundTruth()));
                if (s.validateEvery() > 0 && step % s.validateEvery() == 0 && !validation.isEmpty())
                    m.put("image_auroc", Stage2Validation.imageAuroc(t.dada(), t.config(), t.networks().nets(), validation, s.validationBatch()));
                return m;
            }

            @Override public void afterStep(long step) throws IOException {
                if (s.sampleEvery() > 0 && step % s.sampleEvery() == 0) {
                    Files.createDirectories(dir.resolve("samples"));
                    Stage2SamplePicture.write(dir.resolve("samples").resolve("step-" + step + ".png"), t.modality(), last[0]);
                }
                last[0] = null;   // its autograd graph is large
            }
        };
        try (log) {
            new TrainingLoop(t.networks(), t.optimizer(), t.scheduler(), task, ckpt, iterations, s.checkpointEvery(),
                    () -> t.meta(dadaSha256)).run(done, stopAfter, log, listener);
        }
        long reached = Math.min(iterations, Math.max(done, stopAfter));
        if (reached == iterations)
            new Stage2Model(t.config(), t.networks().nets(), dadaSha256).save(dir.resolve(MODEL));
        return reached;
    }
}
