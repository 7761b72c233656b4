package dsr3d.models.demo;

import dsr3d.models.stage2.Stage2Run;
import dsr3d.models.stage2.Stage2Training;
import dsr3d.tensor.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;

/**
 * Several stage-2 trainings at once, one core each: every job runs inside a worker of its own
 * fork-join pool, where the engine's kernels run inline (single-threaded), so each job's weights
 * equal those of its {@code ./3dsr train ... --threads 1} command whatever the thread count.
 */
final class SideBySide {
    private SideBySide() {}

    /** Called after every step of every job (from the job's thread). */
    @FunctionalInterface
    interface StepListener { void stepDone(Stage2Training.Request job, long step, double loss); }

    /** Trains every request (up to {@code threads} at a time) and copies each run's model.safetensors to {@code modelFiles[i]}. */
    static void train(List<Stage2Training.Request> jobs, List<Path> modelFiles, int threads, StepListener listener) throws IOException {
        ForkJoinPool pool = new ForkJoinPool(Math.max(1, Math.min(threads, jobs.size())));
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < jobs.size(); i++) {
                Stage2Training.Request r = jobs.get(i);
                Path model = modelFiles.get(i);
                running.add(pool.submit(() -> {
                    Stage2Training.Prepared p = Stage2Training.prepare(r, Stage2Training::loadQuietly);
                    p.run(false, Long.MAX_VALUE, (step, row) -> listener.stepDone(r, step, row.get("loss")));
                    Files.createDirectories(model.getParent());
                    Path trained = r.out().resolve(Stage2Run.MODEL);
                    AtomicFiles.write(model, out -> Files.copy(trained, out));
                    return null;
                }));
            }
            for (Future<?> f : running) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof IOException io) throw io;
                    if (cause instanceof RuntimeException re) throw re;
                    throw new IOException("stage-2 training failed: " + cause, cause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
