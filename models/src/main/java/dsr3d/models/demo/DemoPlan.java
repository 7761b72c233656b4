package dsr3d.models.demo;

import dsr3d.models.dsr.DsrTrainer;
import dsr3d.models.dsr.DsrTraining;
import dsr3d.models.stage2.Stage2Data;
import dsr3d.models.stage2.Stage2Run;
import dsr3d.models.stage2.Stage2Trainer;
import dsr3d.models.stage2.Stage2Training;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Everything {@code ./3dsr demo} does, decided before it starts: the synthetic data, the DADA, the
 * stage-2 recipe, and the folders. Each stage is also an ordinary command line
 * ({@link #synthCommand}, {@link #trainRequest}, {@link #inferCommand}, {@link #evaluateCommand}),
 * recorded in {@code demo.json} and the report, so a user can repeat any step by hand.
 *
 * <p>The recipe (why these numbers): 64 x 64 images and the small preset keep a stage-2 step near
 * a quarter of a second on one core; at 64 x 64 the benchmark's defects are a few pixels, smaller than the
 * 4 x 4-pixel cell of one hi-level code, so the demo draws them three times as large
 * ({@code synth --defect-scale 3}); their depth is 2.5-4 mm, a few per cent of the per-image depth range
 * after 3DSR's min-max normalisation (object height + plane tilt), which a short run of the small
 * preset does not learn to see, so the demo makes the geometric defects four times as deep
 * ({@code synth --relief-scale 4}, the most it allows: 10-16 mm); {@link #TRAIN_IMAGES} training
 * images per class (a step's cost does not depend on it, and 64 left foam's unusually lit blocks
 * scoring like defects); stage-2 training is the official one (losses, Adam 2e-4,
 * x0.1 at 80 %) with the simulated-anomaly mask built from the rotated foreground
 * ({@code train --mask-alignment rotated}, the fix of the official misalignment), for
 * {@link #ITERATIONS} iterations of 8: far shorter than the paper's 30,000 of 16. README "Where the
 * demo stands" has the measurements behind each number (image AUROC on a 600-image test set per class).
 *
 * <p>{@code ./3dsr experiment} keeps the earlier recipe ({@link #EXPERIMENT_ITERATIONS} iterations,
 * {@code --defect-scale 2 --relief-scale 3}, 64 training images, official masks), with which its
 * README figures were measured.
 *
 * <p>Folder layout (the report reads it):
 * <pre>
 *   DIR/data/&lt;category&gt;/...            synthetic data (MVTec 3D-AD layout)
 *   DIR/dada.safetensors                the DADA (the shipped small one, or trained with --train-dada)
 *   DIR/runs/&lt;category&gt;/               stage-2 training runs (log.jsonl, checkpoint, model)
 *   DIR/models/&lt;category&gt;.safetensors   the stage-2 models
 *   DIR/maps/&lt;category&gt;/...            ./3dsr infer output (anomaly maps, scores.json)
 *   DIR/eval/metrics.json               ./3dsr evaluate output
 *   DIR/fresh/                          the generalisation check: a test set of another seed, its maps and metrics
 *   DIR/demo.json, DIR/report.html, DIR/report.md
 * </pre>
 */
public record DemoPlan(Path dir, List<String> categories, long seed, int threads, int imageSize, int trainImages, int testImages,
                       double defectScale, double reliefScale, boolean trainDada, long dadaIterations, long iterations, int batch, double lr,
                       long validateEvery, Stage2Data.MaskAlignment maskAlignment) {
    /** The default --categories of demo and experiment (the best pair of the four: README "Where the demo stands"). */
    public static final String DEFAULT_CATEGORIES = "cookie,foam";
    public static final int IMAGE_SIZE = 64, TRAIN_IMAGES = 256, TEST_IMAGES = 60, BATCH = 8;
    public static final double DEFECT_SCALE = 3.0;
    /** How the demo builds the simulated-anomaly mask: from the rotated foreground (the fix). */
    public static final Stage2Data.MaskAlignment MASK_ALIGNMENT = Stage2Data.MaskAlignment.ROTATED_FOREGROUND;
    /** synth --relief-scale of the demo's data (and of the fresh test set). */
    public static final double RELIEF_SCALE = 4.0;
    public static final long ITERATIONS = 1200, DADA_ITERATIONS = 900, VALIDATE_EVERY = 200;
    /** {@code ./3dsr experiment}'s recipe: the demo's before 2026-12-06 (its README figures). */
    public static final long EXPERIMENT_ITERATIONS = 600;
    public static final double EXPERIMENT_DEFECT_SCALE = 2.0, EXPERIMENT_RELIEF_SCALE = 3.0;
    public static final int EXPERIMENT_TRAIN_IMAGES = 64;
    /** The seed of the fresh test set of the generalisation check is the demo's plus this. */
    public static final long FRESH_SEED_OFFSET = 1;

    public DemoPlan {
        categories = List.copyOf(categories);
        if (categories.isEmpty()) throw new IllegalArgumentException("--categories: need at least one");
        if (threads < 1) throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
        if (!(reliefScale > 0 && reliefScale <= 4)) throw new IllegalArgumentException("relief scale must be in (0, 4], got " + reliefScale);
        if (iterations < 1) throw new IllegalArgumentException("--iterations must be >= 1, got " + iterations);
        Objects.requireNonNull(maskAlignment, "maskAlignment");
    }

    public Path data() { return dir.resolve("data"); }
    public Path dada() { return dir.resolve("dada.safetensors"); }
    public Path run(String category) { return dir.resolve("runs").resolve(category); }
    public Path model(String category) { return dir.resolve("models").resolve(category + ".safetensors"); }
    public Path maps() { return dir.resolve("maps"); }
    public Path eval() { return dir.resolve("eval"); }
    public Path fresh() { return dir.resolve("fresh"); }

    /** The synthetic data set (train and test splits of every category). */
    public List<String> synthCommand() {
        return synth(data(), seed, trainImages, testImages);
    }

    /** The generalisation check's test set: the same generator and sizes, another seed, no training images. */
    public List<String> freshSynthCommand() {
        return synth(fresh().resolve("data"), seed + FRESH_SEED_OFFSET, 0, testImages);
    }

    private List<String> synth(Path out, long s, int train, int test) {
        return List.of("./3dsr", "synth", "--out", out.toString(), "--categories", String.join(",", categories),
                "--size", Integer.toString(imageSize), "--train", Integer.toString(train), "--validation", "0",
                "--test", Integer.toString(test), "--defect-scale", fmt(defectScale), "--relief-scale", fmt(reliefScale), "--seed", Long.toString(s),
                "--threads", Integer.toString(threads));
    }

    /** --train-dada: stage 1 on the procedural images with Perlin depth, the shipped DADA's recipe. */
    public List<String> trainDadaCommand() {
        return List.of("./3dsr", "train-dada", "--preset", "small", "--modality", "rgbd", "--iterations", Long.toString(dadaIterations),
                "--batch", "16", "--seed", Long.toString(seed), "--lr", "5e-4", "--weight-init", "default", "--codebook-init", "data",
                "--codebook-restart", "5", "--checkpoint-every", Long.toString(Math.max(1, dadaIterations / 6)),
                "--out", dir.resolve("dada-run").toString(), "--threads", Integer.toString(threads));
    }

    /** One category's stage-2 training (runs on one core: the demo trains the categories side by side). */
    public Stage2Training.Request trainRequest(String category) {
        return new Stage2Training.Request(data(), category, dada(), run(category), "small", null, imageSize,
                new Stage2Trainer.Options(iterations, batch, lr, seed),
                new Stage2Run.Settings(Math.max(1, iterations / 4), validateEvery, 0, 4),
                maskAlignment);
    }

    /** DSR's stage 3 iterations: stage 2's / 2, as {@code ./3dsr train --method dsr}'s default (train_dsr.py's epochs // 2). */
    public long dsrUpsampleIterations() {
        return Math.max(1, iterations / 2);
    }

    /** DSR's stages 2 and 3 of one category with the demo's stage-2 recipe (iterations, batch, lr, seed, checkpoints; small preset). */
    public DsrTraining.Request dsrTrainRequest(String category) {
        return new DsrTraining.Request(data(), category, dada(), run(category), "small", imageSize,
                new DsrTrainer.Options(iterations, dsrUpsampleIterations(), batch, lr, seed), Math.max(1, iterations / 4));
    }

    public List<String> inferCommand(String category, Path dataDir, Path mapsDir) {
        return List.of("./3dsr", "infer", "--dataset-base-dir", dataDir.toString(), "--category", category, "--dada", dada().toString(),
                "--model", model(category).toString(), "--out", mapsDir.toString(), "--threads", Integer.toString(threads));
    }

    public List<String> evaluateCommand(Path dataDir, Path mapsDir, Path outDir) {
        List<String> c = new ArrayList<>(List.of("./3dsr", "evaluate", "--dataset-base-dir", dataDir.toString(),
                "--anomaly-maps-dir", mapsDir.toString(), "--output-dir", outDir.toString(), "--evaluated-objects"));
        c.addAll(categories);
        return c;
    }

    /** The settings as JSON-ready values (demo.json "config"). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("categories", categories);
        m.put("seed", seed);
        m.put("threads", threads);
        m.put("image_size", imageSize);
        m.put("train_images", trainImages);
        m.put("test_images", testImages);
        m.put("defect_scale", defectScale);
        m.put("relief_scale", reliefScale);
        m.put("dada", trainDada ? "trained (--train-dada, " + dadaIterations + " iterations)" : "shipped dada-small-rgbd.safetensors");
        m.put("preset", "small");
        m.put("stage2_iterations", iterations);
        m.put("stage2_batch", batch);
        m.put("stage2_lr", lr);
        m.put("mask_alignment", maskAlignment == Stage2Data.MaskAlignment.OFFICIAL_UNROTATED ? "official" : "rotated");
        m.put("validate_every", validateEvery);
        m.put("fresh_seed", seed + FRESH_SEED_OFFSET);
        return m;
    }

    static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
    }
}
