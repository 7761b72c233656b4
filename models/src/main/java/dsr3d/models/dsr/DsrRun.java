package dsr3d.models.dsr;

import dsr3d.models.train.JsonlLog;
import dsr3d.models.train.TrainingLoop;
import dsr3d.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;

/**
 * A DSR training run in its output folder DIR, both stages through the shared {@link TrainingLoop}:
 * <ul>
 *   <li>stage 2: {@code DIR/log.jsonl} (step, loss, focal, feature_lo, feature_hi, image, lr, seconds)
 *       and {@code DIR/checkpoint.safetensors} (whole state, atomic) every checkpointEvery steps and at its end;</li>
 *   <li>stage 3 (after stage 2's last step): {@code DIR/upsample-log.jsonl} and
 *       {@code DIR/upsample-checkpoint.safetensors}, steps counted from 1 again;</li>
 *   <li>{@code DIR/model.safetensors} after stage 3 ({@link DsrModel}: the five networks, the
 *       configuration, the VQ model's weights SHA-256).</li>
 * </ul>
 * A resumed run continues in the stage its newest checkpoint belongs to.
 */
public final class DsrRun {
    public static final String CHECKPOINT = "checkpoint.safetensors", LOG = "log.jsonl",
            UPSAMPLE_CHECKPOINT = "upsample-checkpoint.safetensors", UPSAMPLE_LOG = "upsample-log.jsonl", MODEL = "model.safetensors";

    private DsrRun() {}

    /** What was reached: the last completed step of each stage. */
    public record Reached(long stage2, long stage3) {}

    /**
     * Runs until the end of stage 3, or stops after step stopAfter2 of stage 2 / stopAfter3 of
     * stage 3 (a test's simulated kill; Long.MAX_VALUE = no stop).
     */
    public static Reached run(DsrTrainer t, String vqSha256, Path dir, long checkpointEvery, boolean resume,
                              long stopAfter2, long stopAfter3, TrainingLoop.Listener listener) throws IOException {
        Files.createDirectories(dir);
        Path ckpt2 = dir.resolve(CHECKPOINT), ckpt3 = dir.resolve(UPSAMPLE_CHECKPOINT);
        long done2 = 0, done3 = 0;
        if (resume) {
            if (!Files.exists(ckpt2)) throw new NoSuchFileException(ckpt2.toString(), null, "no checkpoint to resume from");
            done2 = t.restore(2, ckpt2, vqSha256);
            if (Files.exists(ckpt3)) {
                if (done2 != t.options().iterations())
                    throw new dsr3d.nn.io.CheckpointFormatException(ckpt2, "stage 2 stopped at step " + done2 + " but " + ckpt3 + " exists");
                done3 = t.restore(3, ckpt3, vqSha256);
            }
        } else if (Files.exists(ckpt2)) {
            throw new IllegalArgumentException("--out " + dir + " already holds a training run (" + CHECKPOINT + "); add --resume or choose another folder");
        }
        long n2 = t.options().iterations(), n3 = t.options().upsampleIterations();
        if (done2 < n2) {
            try (JsonlLog log = done2 > 0 ? JsonlLog.resume(dir.resolve(LOG), done2) : JsonlLog.create(dir.resolve(LOG))) {
                new TrainingLoop(t.stage2Networks(), t.optimizer(2), t.scheduler(2), task(t::forward2), ckpt2, n2, checkpointEvery,
                        () -> t.meta(2, vqSha256)).run(done2, stopAfter2, log, listener);
            }
            done2 = Math.min(n2, Math.max(done2, stopAfter2));
            if (done2 < n2) return new Reached(done2, 0);
        }
        try (JsonlLog log = done3 > 0 ? JsonlLog.resume(dir.resolve(UPSAMPLE_LOG), done3) : JsonlLog.create(dir.resolve(UPSAMPLE_LOG))) {
            new TrainingLoop(t.model().upsample(), t.optimizer(3), t.scheduler(3), task(t::forward3), ckpt3, n3, checkpointEvery,
                    () -> t.meta(3, vqSha256)).run(done3, stopAfter3, log, listener == null ? null : (step, row) -> listener.stepDone(n2 + step, row));
        }
        done3 = Math.min(n3, Math.max(done3, stopAfter3));
        if (done3 == n3) t.model().save(dir.resolve(MODEL));
        return new Reached(done2, done3);
    }

    private static TrainingLoop.Task task(java.util.function.LongFunction<LinkedHashMap<String, Tensor>> forward) {
        return forward::apply;
    }
}
