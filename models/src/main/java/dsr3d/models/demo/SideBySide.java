package dsr3d.models.demo;

import dsr3d.models.dsr.DsrRun;
import dsr3d.models.dsr.DsrTraining;
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
 * Several trainings at once, one core each: every job runs inside a worker of its own fork-join
 * pool, where the engine's kernels run inline (single-threaded), so each job's weights equal those
 * of its {@code ./3dsr train ... --threads 1} command whatever the thread count. 3DSR stage 2
 * ({@link #train}) or DSR stages 2 and 3 ({@link #trainDsr}).
 */
final class SideBySide {
    private SideBySide() {}

    /** Called after every step of every job (from the job's thread); DSR's steps count on through stage 3. */
    @FunctionalInterface
    interface StepListener { void stepDone(String category, long step, double loss); }

    /** One job: trains, and returns the run's model file. */
    @FunctionalInterface
    private interface Job { Path run() throws IOException; }

    /** Trains every request (up to {@code threads} at a time) and copies each run's model.safetensors to {@code modelFiles[i]}. */
    static void train(List<Stage2Training.Request> jobs, List<Path> modelFiles, int threads, StepListener listener) throws IOException {
        List<Job> all = new ArrayList<>();
        for (Stage2Training.Request r : jobs)
            all.add(() -> {
                Stage2Training.Prepared p = Stage2Training.prepare(r, Stage2Training::loadQuietly);
                p.run(false, Long.MAX_VALUE, (step, row) -> listener.stepDone(r.category(), step, row.get("loss")));
                return r.out().resolve(Stage2Run.MODEL);
            });
        run(all, modelFiles, threads, "stage-2 training");
    }

    /** DSR: as {@link #train}, each request's stage 2 then stage 3 ({@code ./3dsr train --method dsr ... --threads 1}). */
    static void trainDsr(List<DsrTraining.Request> jobs, List<Path> modelFiles, int threads, StepListener listener) throws IOException {
        List<Job> all = new ArrayList<>();
        for (DsrTraining.Request r : jobs)
            all.add(() -> {
                DsrTraining.prepare(r).run(false, Long.MAX_VALUE, Long.MAX_VALUE, (step, row) -> listener.stepDone(r.category(), step, row.get("loss")));
                return r.out().resolve(DsrRun.MODEL);
            });
        run(all, modelFiles, threads, "DSR training");
    }

    private static void run(List<Job> jobs, List<Path> modelFiles, int threads, String what) throws IOException {
        ForkJoinPool pool = new ForkJoinPool(Math.max(1, Math.min(threads, jobs.size())));
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < jobs.size(); i++) {
                Job job = jobs.get(i);
                Path model = modelFiles.get(i);
                running.add(pool.submit(() -> {
                    Path trained = job.run();
                    Files.createDirectories(model.getParent());
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
                    throw new IOException(what + " failed: " + cause, cause);
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
