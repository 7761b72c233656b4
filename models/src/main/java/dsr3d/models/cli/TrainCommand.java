package dsr3d.models.cli;

import dsr3d.models.dada.Modality;
import dsr3d.models.data.LoadedSample;
import dsr3d.models.data.Sample;
import dsr3d.models.stage2.Stage2Data;
import dsr3d.models.stage2.Stage2Run;
import dsr3d.models.stage2.Stage2Trainer;
import dsr3d.models.stage2.Stage2Training;
import dsr3d.models.train.NonFiniteException;
import dsr3d.tensor.cpu.simd.Parallel;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code ./3dsr train}: stage-2 training of one class (spec §4); see {@link Stage2Run} for the outputs. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train the 3DSR stage-2 networks (SR lo/hi, object decoder, U-Net) of one category on its",
                "train/good images with a frozen DADA (spec section 4). Writes DIR/log.jsonl,",
                "DIR/checkpoint.safetensors (whole state, for --resume), DIR/samples/step-N.png and",
                "DIR/model.safetensors (the four networks, their configuration and the DADA's SHA-256)."})
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--dataset-base-dir", required = true, paramLabel = "D", description = "MVTec 3D-AD layout root (e.g. from ./3dsr synth).")
    Path datasetBaseDir;

    @Option(names = "--category", required = true, paramLabel = "C", description = "The category to train.")
    String category;

    @Option(names = "--dada", required = true, paramLabel = "FILE", description = "The trained DADA: our .safetensors or an official torch.save file.")
    Path dada;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Option(names = "--preset", defaultValue = "paper", description = {"paper or small (default ${DEFAULT-VALUE}): must be the DADA's preset; the stage-2 widths",
            "follow the DADA as in train_dsr.py (paper = the official networks) and the default image size is 384 / the DADA's."})
    String preset;

    @Option(names = "--modality", description = "rgbd, depth or rgb (default: the DADA's; must agree with it).")
    String modality;

    @Option(names = "--image-size", defaultValue = "0", description = "Training image side, a multiple of 32 (default: 384 for paper, the DADA's image size for small).")
    int imageSize;

    @Option(names = "--iterations", defaultValue = "30000", description = "Training iterations (default ${DEFAULT-VALUE}, the paper's 120 epochs of 250).")
    long iterations;

    @Option(names = "--batch", defaultValue = "16", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "2e-4", description = "Adam learning rate (default ${DEFAULT-VALUE}); x0.1 after 80%% of the iterations.")
    double lr;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed: initial weights, batches, anomalies (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", defaultValue = "0", description = "CPU threads (default: all processors; a resume must use the same count for identical bits).")
    int threads;

    @Option(names = "--checkpoint-every", defaultValue = "250", description = "Write DIR/checkpoint.safetensors every N steps and at the end (default ${DEFAULT-VALUE}).")
    long checkpointEvery;

    @Option(names = "--resume", description = "Continue the run in DIR from DIR/checkpoint.safetensors (bit for bit).")
    boolean resume;

    @Option(names = "--validate-every", defaultValue = "0", description = "Log the image AUROC on the test split every N steps (0 = never; logging only).")
    long validateEvery;

    @Option(names = "--sample-every", defaultValue = "0", description = "Write DIR/samples/step-N.png every N steps (0 = never).")
    long sampleEvery;

    @Option(names = "--mask-alignment", defaultValue = "official", description = "official (mask from the un-rotated foreground, as the code) or rotated (the fix).")
    String maskAlignment;

    @Option(names = "--stop-after", hidden = true, defaultValue = "0", description = "Stop after step N as a kill would (tests of --resume).")
    long stopAfter;

    @Option(names = "--method", defaultValue = "3dsr", paramLabel = "3dsr|dsr",
            description = "3dsr (default) or dsr: DSR's stages 2 and 3 on an MVTec AD layout (see DsrTrain; defaults --iterations 100000 --batch 8).")
    String method;

    @Option(names = "--upsample-iterations", defaultValue = "0", description = "--method dsr: stage-3 iterations (default: iterations / 2, as train_dsr.py's epochs // 2).")
    long upsampleIterations;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!method.equals("3dsr") && !method.equals("dsr")) throw new IllegalArgumentException("--method must be 3dsr or dsr, got '" + method + "'");
        if (method.equals("dsr")) return DsrTrain.run(this);
        if (threads < 0) throw new IllegalArgumentException("--threads must be >= 0, got " + threads);
        if (threads > 0) Parallel.setThreads(threads);
        Stage2Data.MaskAlignment alignment = switch (maskAlignment.toLowerCase(Locale.ROOT)) {
            case "official" -> Stage2Data.MaskAlignment.OFFICIAL_UNROTATED;
            case "rotated" -> Stage2Data.MaskAlignment.ROTATED_FOREGROUND;
            default -> throw new IllegalArgumentException("--mask-alignment must be official or rotated, got '" + maskAlignment + "'");
        };
        Modality wanted = modality == null ? null : Modality.parse(modality);
        Stage2Run.Settings settings = new Stage2Run.Settings(checkpointEvery, validateEvery, sampleEvery, Math.min(batch, 4));
        Stage2Trainer.Options options = new Stage2Trainer.Options(iterations, batch, lr, seed);
        Stage2Training.Request request = new Stage2Training.Request(datasetBaseDir, category, dada, out, preset, wanted, imageSize,
                options, settings, alignment);
        Stage2Training.Prepared prepared = Stage2Training.prepare(request, TrainCommand::load);
        PrintStream err = System.err;
        err.printf(Locale.ROOT, "train: %s, %d threads%n", prepared.summary(), Parallel.threads());

        Progress progress = new Progress("train", iterations);
        long[] first = {-1};
        long reached;
        try {
            reached = prepared.run(resume, stopAfter > 0 ? stopAfter : Long.MAX_VALUE, (step, row) -> {
                if (first[0] < 0 && step > 1) progress.advance(step - 1, null);   // a resumed run's bar starts where it was
                first[0] = step;
                progress.advance(1, note(step, row));
            });
        } catch (NonFiniteException e) {
            spec.commandLine().getErr().println(spec.qualifiedName() + ": error: " + e.getMessage());
            return 1;
        }
        progress.done();
        if (reached == iterations) err.println("train: wrote " + out.resolve(Stage2Run.MODEL));
        else err.println("train: stopped after step " + reached + "; --resume continues");
        return 0;
    }

    private static List<LoadedSample> load(String what, List<Sample> samples) {
        List<LoadedSample> out = new ArrayList<>();
        Progress p = new Progress("load " + what, Math.max(1, samples.size()));
        for (Sample s : samples) {
            out.add(s.load());
            p.advance(1, s.stem());
        }
        p.done();
        return out;
    }

    private static String note(long step, Map<String, Double> row) {
        StringBuilder b = new StringBuilder("step ").append(step);
        row.forEach((k, v) -> {
            if (!k.equals("seconds")) b.append(String.format(Locale.ROOT, " %s %.4g", k, v));
        });
        return b.toString();
    }
}
