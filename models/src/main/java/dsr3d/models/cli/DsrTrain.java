package dsr3d.models.cli;

import dsr3d.models.dsr.DsrRun;
import dsr3d.models.dsr.DsrTrainer;
import dsr3d.models.dsr.DsrTraining;
import dsr3d.models.train.NonFiniteException;
import dsr3d.tensor.cpu.simd.Parallel;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;

/**
 * {@code ./3dsr train --method dsr}: DSR's stage 2 then stage 3 of one class (train_dsr.py, spec
 * §8; {@link DsrTrainer}, {@link DsrRun}) on its train/good images in the MVTec AD layout (or the
 * rgb/ folders of an MVTec 3D-AD tree such as {@code ./3dsr synth}'s), with a frozen DSR VQ-VAE.
 * Defaults when not given: --iterations 100000 (100 epochs x 1000), --batch 8, stage 3 iterations / 2.
 * The work itself is {@link DsrTraining}, which the experiments also run (side by side).
 */
final class DsrTrain {
    private DsrTrain() {}

    static int run(TrainCommand c) throws IOException {
        var parsed = c.spec.commandLine().getParseResult();
        if (c.threads < 0) throw new IllegalArgumentException("--threads must be >= 0, got " + c.threads);
        if (c.modality != null && !c.modality.equals("rgb")) throw new IllegalArgumentException("--method dsr is RGB only, got --modality " + c.modality);
        if (parsed.hasMatchedOption("--mask-alignment") || c.validateEvery != 0 || c.sampleEvery != 0)
            throw new IllegalArgumentException("--mask-alignment, --validate-every and --sample-every apply to --method 3dsr only");
        if (!c.preset.equals("paper") && !c.preset.equals("small")) throw new IllegalArgumentException("--preset must be paper or small, got '" + c.preset + "'");
        if (c.threads > 0) Parallel.setThreads(c.threads);
        long iterations = parsed.hasMatchedOption("--iterations") ? c.iterations : 100_000;
        int batch = parsed.hasMatchedOption("--batch") ? c.batch : 8;
        long up = c.upsampleIterations > 0 ? c.upsampleIterations : Math.max(1, iterations / 2);
        DsrTrainer.Options options = new DsrTrainer.Options(iterations, up, batch, c.lr, c.seed);
        DsrTraining.Prepared prepared = DsrTraining.prepare(new DsrTraining.Request(c.datasetBaseDir, c.category, c.dada, c.out, c.preset,
                c.imageSize, options, c.checkpointEvery));
        DsrTrainer trainer = prepared.trainer();
        PrintStream err = System.err;
        err.printf(Locale.ROOT, "train: DSR %s/%s, %d images at %d, preset %s (%,d parameters), batch %d, %d + %d iterations, %d threads%n",
                c.datasetBaseDir, c.category, prepared.images(), prepared.imageSize(), c.preset, trainer.model().parameterCount(), batch, iterations, up, Parallel.threads());

        Progress progress = new Progress("train", iterations + up);
        long[] first = {-1};
        long stop2 = c.stopAfter > 0 ? Math.min(c.stopAfter, iterations) : Long.MAX_VALUE;
        long stop3 = c.stopAfter > 0 ? Math.max(0, c.stopAfter - iterations) : Long.MAX_VALUE;
        DsrRun.Reached reached;
        try {
            reached = prepared.run(c.resume, stop2, stop3, (step, row) -> {
                if (first[0] < 0 && step > 1) progress.advance(step - 1, null);
                first[0] = step;
                StringBuilder b = new StringBuilder(step <= iterations ? "stage 2 step " + step : "stage 3 step " + (step - iterations));
                row.forEach((k, v) -> { if (!k.equals("seconds")) b.append(String.format(Locale.ROOT, " %s %.4g", k, v)); });
                progress.advance(1, b.toString());
            });
        } catch (NonFiniteException e) {
            c.spec.commandLine().getErr().println(c.spec.qualifiedName() + ": error: " + e.getMessage());
            return 1;
        }
        progress.done();
        if (reached.stage3() == up) err.println("train: wrote " + c.out.resolve(DsrRun.MODEL));
        else err.println("train: stopped after stage " + (reached.stage2() < iterations ? "2 step " + reached.stage2() : "3 step " + reached.stage3())
                + "; --resume continues");
        return 0;
    }
}
