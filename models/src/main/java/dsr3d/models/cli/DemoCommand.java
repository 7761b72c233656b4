package dsr3d.models.cli;

import dsr3d.models.demo.DemoPlan;
import dsr3d.models.demo.DemoRun;
import dsr3d.simulate.synth.SynthCategory;
import dsr3d.tensor.cpu.simd.Parallel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code ./3dsr demo}: the whole method on this machine, in minutes, with nothing downloaded ({@link DemoPlan}, {@link DemoRun}). */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the whole of 3DSR on synthetic RGB-D data: generate the data, take the shipped small DADA",
                "(or train one), train the stage-2 networks of each category, run inference on the test split,",
                "evaluate (image/pixel AUROC, AU-PRO, AP), check generalisation on a fresh test set of another",
                "seed, and write DIR/report.html and DIR/report.md. About 5-10 minutes on 2 cores.",
                "Every stage is also an ordinary ./3dsr command; DIR/demo.json lists them with their timings."})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "demo-out", paramLabel = "DIR", description = "Output folder (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--categories", split = ",", paramLabel = "NAMES", defaultValue = DemoPlan.DEFAULT_CATEGORIES,
            description = "Synthetic categories (default ${DEFAULT-VALUE}; any of cookie, foam, potato, tire).")
    List<String> categories;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the data, the weights and every random draw (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", defaultValue = "0",
            description = "CPU threads (default: all processors). Categories train side by side, one thread each; the results do not depend on it.")
    int threads;

    @Option(names = "--iterations", defaultValue = "" + DemoPlan.ITERATIONS,
            description = "Stage-2 training iterations per category (default ${DEFAULT-VALUE}; the paper uses 30,000).")
    long iterations;

    @Option(names = "--train-dada", description = "Train the small DADA (stage 1) instead of using the shipped one (adds about 5 minutes: 900 steps at about 0.36 s on one core here).")
    boolean trainDada;

    @Option(names = "--dada-iterations", defaultValue = "" + DemoPlan.DADA_ITERATIONS,
            description = "Stage-1 iterations with --train-dada (default ${DEFAULT-VALUE}, as the shipped DADA).")
    long dadaIterations;

    @Option(names = "--overwrite", description = "Replace the outputs of an earlier demo in DIR (else a non-empty DIR is an error).")
    boolean overwrite;

    @Spec
    CommandSpec spec;

    /** What a demo writes in DIR: --overwrite deletes these, nothing else. */
    static final List<String> OUTPUTS = List.of("data", "dada.safetensors", "dada-run", "runs", "models", "maps", "eval", "fresh",
            "demo.json", "report.html", "report.md", "report-files");

    @Override
    public Integer call() throws IOException {
        if (threads < 0) throw new IllegalArgumentException("--threads must be >= 0, got " + threads);
        int t = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        Parallel.setThreads(t);
        List<String> cats = categories.stream().map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).distinct().toList();
        for (String c : cats) SynthCategory.byName(c);   // IllegalArgumentException naming the valid ones
        prepare(out);
        DemoPlan plan = new DemoPlan(out, cats, seed, t, DemoPlan.IMAGE_SIZE, DemoPlan.TRAIN_IMAGES, DemoPlan.TEST_IMAGES,
                DemoPlan.DEFECT_SCALE, DemoPlan.RELIEF_SCALE, trainDada, dadaIterations, iterations, DemoPlan.BATCH, 2e-4, DemoPlan.VALIDATE_EVERY, DemoPlan.MASK_ALIGNMENT);
        System.err.printf(Locale.ROOT, "demo: %s, %d x %d images, %d iterations per category, %d threads -> %s%n",
                String.join(", ", cats), plan.imageSize(), plan.imageSize(), iterations, t, out);
        DemoRun.Outcome o = new DemoRun(plan, System.err).run();

        PrintWriter pw = spec.commandLine().getOut();
        pw.println();
        pw.print(Files.readString(plan.eval().resolve("metrics.md")));
        Map<String, Double> fresh = o.freshMetrics().get("mean");
        pw.printf(Locale.ROOT, "%nFresh test set (seed %d, never seen in training): mean image AUROC %.4f, pixel AUROC %.4f%n",
                seed + DemoPlan.FRESH_SEED_OFFSET, fresh.get("image_auroc"), fresh.get("pixel_auroc"));
        StringBuilder times = new StringBuilder();
        double total = 0;
        for (var e : o.timings().entrySet()) {
            times.append(String.format(Locale.ROOT, "%s %.0f s, ", e.getKey(), e.getValue()));
            total += e.getValue();
        }
        pw.printf(Locale.ROOT, "Time: %stotal %.0f s (%.1f min)%n", times, total, total / 60);
        pw.println("Report: " + out.resolve("report.html") + " (and report.md); commands and timings: " + out.resolve("demo.json"));
        pw.flush();
        return 0;
    }

    private void prepare(Path dir) throws IOException {
        if (!OutputFolders.nonEmpty(dir)) return;
        if (!overwrite) throw new IllegalArgumentException("--out " + dir + " is not empty; pass --overwrite to replace an earlier demo's outputs or choose another folder");
        for (String name : OUTPUTS) OutputFolders.deleteTree(dir.resolve(name));
    }
}
