package dsr3d.models.cli;

import dsr3d.models.dada.DadaTrainer;
import dsr3d.models.dada.Stage1Options;
import dsr3d.models.train.NonFiniteException;
import dsr3d.tensor.cpu.simd.Parallel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ./3dsr train-dada}: stage-1 training of a DADA (spec 2.8, 3), see {@link DadaTrainer}.
 */
@Command(name = "train-dada", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Stage 1: train a DADA (depth-aware discrete autoencoder) on RGB images paired with Perlin-simulated depth.",
                "Writes DIR/log.jsonl, DIR/checkpoint.safetensors (whole training state), DIR/recon/step-N.png and DIR/dada.safetensors.",
                "Defaults are the official train_dada.py settings; Table-5 ablations of the paper are flags:",
                "  no_perlin:  --depth-source grayscale       no affine: --no-affine",
                "  VQ-VAE:     --modality rgbd --no-groups     VQ-VAE + re-weighted depth loss: --no-groups --loss weighted",
                "  DSR_naive:  --dataset-base-dir D (stage 1 on the data set's own RGB-D train images)"},
        footer = {"", "Example (the demo's small DADA):",
                "  ./3dsr train-dada --preset small --modality rgbd --iterations 60 --batch 4 --seed 13 --checkpoint-every 10 --out runs/dada"},
        exitCodeListHeading = "%nExit status:%n", exitCodeList = {"0:success", "1:the run failed (bad input files, I/O, NaN/Inf in a loss or gradient)", "2:bad command line"})
public final class TrainDadaCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--preset", defaultValue = "paper", description = "paper (official sizes, 256x256) or small (demo sizes, 64x64). Default ${DEFAULT-VALUE}.")
    String preset;
    @Option(names = "--modality", defaultValue = "rgbd", description = "rgbd (DADA_RGB_D), depth (DADA_D) or rgb. Default ${DEFAULT-VALUE}.")
    String modality;
    @Option(names = "--no-groups", description = "RGB+D without the two groups (DiscreteLatentModel on 4 channels): Table 5 'VQ-VAE'.")
    boolean noGroups;
    @Option(names = "--image-size", defaultValue = "0", description = "Training image side (default: the preset's, 256 paper / 64 small).")
    int imageSize;
    @Option(names = "--iterations", defaultValue = "100000", description = "Training steps (official 100k). Default ${DEFAULT-VALUE}.")
    long iterations;
    @Option(names = "--batch", defaultValue = "64", description = "Batch size (official 64). Default ${DEFAULT-VALUE}.")
    int batch;
    @Option(names = "--lr", defaultValue = "2e-4", description = "Adam learning rate (official 2e-4); x0.1 at 80%% and 90%% of the iterations.")
    double lr;
    @Option(names = "--seed", defaultValue = "0", description = "Seed of the weights and of every sample's random stream. Default ${DEFAULT-VALUE}.")
    long seed;
    @Option(names = "--loss", defaultValue = "official", description = "official (L1 over all channels + commitment; MSE for depth-only) or weighted (paper: lambda_D L2(D) + lambda_I L2(I) + lambda_K commitment).")
    String loss;
    @Option(names = "--lambda-depth", defaultValue = "1", description = "lambda_D of --loss weighted. Default ${DEFAULT-VALUE}.")
    double lambdaDepth;
    @Option(names = "--lambda-rgb", defaultValue = "1", description = "lambda_I of --loss weighted. Default ${DEFAULT-VALUE}.")
    double lambdaRgb;
    @Option(names = "--lambda-commit", defaultValue = "0.25", description = "lambda_K of --loss weighted (0.25 = the VQ's own commitment weight). Default ${DEFAULT-VALUE}.")
    double lambdaCommit;
    @Option(names = "--depth-source", defaultValue = "perlin", description = "perlin (3DSR) or grayscale (Table 5 no_perlin: grey of an unrelated image).")
    String depthSource;
    @Option(names = "--no-affine", description = "Depth = normalised noise, no alpha/beta transform (Table 5 'no affine').")
    boolean noAffine;
    @Option(names = "--images", paramLabel = "DIR", description = "RGB images: any JPEG/PNG folder tree (e.g. ImageNet train/). Default: the built-in procedural source.")
    Path images;
    @Option(names = "--procedural-images", defaultValue = "100000", description = "Size of the procedural image set. Default ${DEFAULT-VALUE}.")
    int proceduralImages;
    @Option(names = "--dataset-base-dir", paramLabel = "D", description = "Train on an MVTec 3D-AD tree's train RGB-D images instead of simulated pairs (Table 5 DSR_naive).")
    Path datasetBaseDir;
    @Option(names = "--codebook-init", defaultValue = "official", description = "official (N(0,1), as the paper) or data (NOT in the paper: codewords from encoder outputs of a first batch; counters codebook collapse of small models).")
    String codebookInit;
    @Option(names = "--weight-init", defaultValue = "official", description = "official (the scripts' weights_init: conv weights N(0, 0.02^2)) or default (NOT the scripts': PyTorch's layer default, Kaiming-uniform).")
    String weightInit;
    @Option(names = "--codebook-restart", defaultValue = "0", paramLabel = "N", description = "NOT in the paper: every N steps (during the first 80%%) move the codes the step did not use onto random encoder outputs. 0 = never (official).")
    int codebookRestart;
    @Option(names = "--checkpoint-every", defaultValue = "1000", description = "Write checkpoint.safetensors and a picture every N steps (and at the end). Default ${DEFAULT-VALUE}.")
    long checkpointEvery;
    @Option(names = "--threads", defaultValue = "0", description = "CPU threads (default: -Ddsr3d.threads or all processors).")
    int threads;
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;
    @Option(names = "--resume", description = "Continue the run in --out from its checkpoint.safetensors (options must be the same).")
    boolean resume;
    @Option(names = "--method", defaultValue = "3dsr", paramLabel = "3dsr|dsr",
            description = {"3dsr (default): the DADA. dsr: DSR's VQ-VAE (DiscreteLatentModel, RGB in BGR order, 4096 x 128 codebooks, in-place-ReLU",
                    "blocks; --preset small: 256 x 32), which the DSR repository does not train (its weights come from a link).",
                    "Defaults then follow the DSR paper: --iterations 200000 --batch 32 (ImageNet via --images DIR, or the procedural source)."})
    String method;

    @Override
    public Integer call() throws IOException {
        if (threads < 0) throw new IllegalArgumentException("--threads must be >= 0, got " + threads);
        if (threads > 0) Parallel.setThreads(threads);
        if (!method.equals("3dsr") && !method.equals("dsr")) throw new IllegalArgumentException("--method must be 3dsr or dsr, got '" + method + "'");
        String presetName = preset;
        if (method.equals("dsr")) {
            var parsed = spec.commandLine().getParseResult();
            if (parsed.hasMatchedOption("--modality") && !modality.equals("rgb") || noGroups || datasetBaseDir != null)
                throw new IllegalArgumentException("--method dsr trains DSR's RGB VQ-VAE: no --modality other than rgb, --no-groups or --dataset-base-dir");
            if (!preset.equals("paper") && !preset.equals("small")) throw new IllegalArgumentException("unknown preset '" + preset + "'; use paper or small");
            presetName = preset.equals("paper") ? "dsr" : "dsr-small";
            modality = "rgb";
            if (!parsed.hasMatchedOption("--iterations")) iterations = 200_000;
            if (!parsed.hasMatchedOption("--batch")) batch = 32;
        }
        Stage1Options o = new Stage1Options(presetName, modality, noGroups, imageSize, iterations, batch, lr, seed, loss, lambdaDepth, lambdaRgb,
                lambdaCommit, depthSource, !noAffine, images == null ? null : images.toString(), proceduralImages,
                datasetBaseDir == null ? null : datasetBaseDir.toString(), codebookInit, codebookRestart, weightInit);
        DadaTrainer trainer = new DadaTrainer(o, out, checkpointEvery);
        PrintWriter w = spec.commandLine().getOut();
        w.printf("train-dada: %s %s (%s), %,d parameters, %dx%d, batch %d, %d iterations; data %s%n", preset, trainer.config().officialClass(),
                trainer.config().modality().cliName(), trainer.model().parameterCount(), trainer.config().imageSize(), trainer.config().imageSize(),
                batch, iterations, trainer.data().description());
        w.flush();
        Progress progress = new Progress("train-dada", iterations);
        try {
            long[] last = {-1};
            trainer.run(resume, Long.MAX_VALUE, (step, row) -> {
                if (last[0] < 0) progress.advance(step - 1, null);
                last[0] = step;
                progress.advance(1, String.format(Locale.ROOT, "step %d loss %.4f ppl lo %.1f hi %.1f used lo %d hi %d", step, row.get("loss"),
                        row.get("perplexity_lo"), row.get("perplexity_hi"), row.get("used_codes_lo").intValue(), row.get("used_codes_hi").intValue()));
            });
        } catch (NonFiniteException e) {
            spec.commandLine().getErr().println(spec.qualifiedName() + ": " + e.getMessage());
            return 1;
        }
        progress.done();
        w.printf("wrote %s%n", out.resolve(DadaTrainer.FINAL));
        w.flush();
        return 0;
    }
}
