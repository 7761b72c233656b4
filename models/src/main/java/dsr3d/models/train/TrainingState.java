package dsr3d.models.train;

import dsr3d.nn.Module;
import dsr3d.nn.io.Checkpoint;
import dsr3d.nn.io.CheckpointFormatException;
import dsr3d.nn.optim.Adam;
import dsr3d.nn.optim.MultiStepLR;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The whole state of a training run in one checkpoint file, so a resumed run continues bit for
 * bit: {@code model.*} (weights and buffers, VQ EMA state included), {@code optim.*} (Adam
 * moments and steps), {@code sched.*} (MultiStepLR), and metadata {@code format}, {@code step}
 * (the last completed step) and whatever the trainer adds (configuration, options, RNG scheme).
 * Written atomically by {@link Checkpoint#save}.
 */
public final class TrainingState {
    private TrainingState() {}

    public static void save(Path file, Module model, Adam adam, MultiStepLR sched, long step, Map<String, String> meta) throws IOException {
        Checkpoint c = new Checkpoint(new LinkedHashMap<>(), meta)
                .withPrefix("model.", model.stateDict())
                .withPrefix("optim.", adam.stateDict())
                .withPrefix("sched.", sched.stateDict())
                .withMeta("format", Checkpoint.FORMAT)
                .withMeta("step", Long.toString(step));
        c.save(file);
    }

    /** Restores model, optimiser and scheduler in place from c; returns the last completed step. */
    public static long restore(Path file, Checkpoint c, Module model, Adam adam, MultiStepLR sched) throws IOException {
        if (!Checkpoint.FORMAT.equals(c.metadata().get("format")) || !c.metadata().containsKey("step"))
            throw new CheckpointFormatException(file, "not a training checkpoint (metadata format/step missing)");
        try {
            model.loadStateDict(c.section("model."), true);
            adam.loadStateDict(c.section("optim."));
            sched.loadStateDict(c.section("sched."));
            return Long.parseLong(c.meta("step"));
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(file, e.getMessage());
        }
    }
}
