package dsr3d.models.train;

import com.google.gson.JsonObject;
import dsr3d.nn.Module;
import dsr3d.nn.optim.Adam;
import dsr3d.nn.optim.MultiStepLR;
import dsr3d.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The reusable training loop (stage 1 here, stage 2 later): per step, the task's forward gives named
 * scalar loss terms ("loss" is minimised); each term and then every parameter gradient is checked
 * for NaN/Inf (stopping with {@link NonFiniteException} naming the step and tensor); Adam steps,
 * the scheduler steps once per iteration; a row goes to {@code log.jsonl}; every
 * {@code checkpointEvery} steps and at the end the whole state goes to {@code checkpoint.safetensors}.
 * Steps are numbered 1..iterations; a resumed loop starts after the checkpoint's step.
 */
public final class TrainingLoop {
    /** What a trainer plugs in. */
    public interface Task {
        /** Forward of step {@code step} (1-based): named scalar terms, "loss" among them. */
        LinkedHashMap<String, Tensor> forward(long step);

        /** Numbers for this step's log row beyond the loss terms (perplexity, codebook usage ...). */
        default Map<String, Number> metrics() { return Map.of(); }

        /** Called after a step completed (pictures ...). */
        default void afterStep(long step) throws IOException {}
    }

    /** Told after each step (progress bars). */
    public interface Listener {
        void stepDone(long step, Map<String, Double> row);
    }

    private final Module model;
    private final Adam adam;
    private final MultiStepLR sched;
    private final Task task;
    private final Path checkpointFile;
    private final long iterations, checkpointEvery;
    private final Supplier<Map<String, String>> meta;

    public TrainingLoop(Module model, Adam adam, MultiStepLR sched, Task task, Path checkpointFile,
                        long iterations, long checkpointEvery, Supplier<Map<String, String>> meta) {
        if (iterations <= 0) throw new IllegalArgumentException("--iterations must be > 0, got " + iterations);
        if (checkpointEvery <= 0) throw new IllegalArgumentException("--checkpoint-every must be > 0, got " + checkpointEvery);
        this.model = model;
        this.adam = adam;
        this.sched = sched;
        this.task = task;
        this.checkpointFile = checkpointFile;
        this.iterations = iterations;
        this.checkpointEvery = checkpointEvery;
        this.meta = meta;
    }

    /** Runs steps lastDone+1 .. iterations; stopAfter (< iterations) ends early, as a kill would (tests). */
    public void run(long lastDone, long stopAfter, JsonlLog log, Listener listener) throws IOException {
        long t0 = System.nanoTime();
        for (long step = lastDone + 1; step <= Math.min(iterations, stopAfter); step++) {
            adam.zeroGrad();
            LinkedHashMap<String, Tensor> terms = task.forward(step);
            Tensor loss = terms.get("loss");
            if (loss == null) throw new IllegalStateException("the training task returned no 'loss' term: " + terms.keySet());
            Map<String, Double> row = new LinkedHashMap<>();
            for (var e : terms.entrySet()) {
                double v = e.getValue().item();
                if (!Double.isFinite(v)) throw new NonFiniteException(step, "loss term '" + e.getKey() + "'", v);
                row.put(e.getKey(), v);
            }
            loss.backward();
            checkGradients(step);
            double lr = adam.lr();
            adam.step();
            sched.step();
            JsonObject json = new JsonObject();
            json.addProperty("step", step);
            row.forEach(json::addProperty);
            for (var m : task.metrics().entrySet()) {
                json.addProperty(m.getKey(), m.getValue());
                row.put(m.getKey(), m.getValue().doubleValue());
            }
            json.addProperty("lr", lr);
            double seconds = (System.nanoTime() - t0) / 1e9;
            json.addProperty("seconds", seconds);
            row.put("lr", lr);
            if (log != null) log.append(json);
            task.afterStep(step);
            if (step % checkpointEvery == 0 || step == iterations) TrainingState.save(checkpointFile, model, adam, sched, step, meta.get());
            if (listener != null) listener.stepDone(step, row);
        }
    }

    /** One scalar per gradient (its sum: NaN and Inf propagate) keeps the check cheap. */
    private void checkGradients(long step) {
        for (var e : model.namedParameters().entrySet()) {
            Tensor g = e.getValue().grad();
            if (g == null) continue;
            double s = g.sum().item();
            if (!Double.isFinite(s)) {
                double bad = s;
                for (double v : g.toDoubleArray()) if (!Double.isFinite(v)) { bad = v; break; }
                throw new NonFiniteException(step, "gradient of " + e.getKey(), bad);
            }
        }
    }
}
