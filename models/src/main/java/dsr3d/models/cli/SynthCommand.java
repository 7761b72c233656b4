package dsr3d.models.cli;

import dsr3d.simulate.io.JsonText;
import dsr3d.simulate.synth.SynthCategory;
import dsr3d.simulate.synth.SynthDataset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./3dsr synth}: writes the synthetic RGB-D anomaly benchmark (procedural objects on a
 * tilted plane, geometric and colour defects) in the MVTec 3D-AD layout, so that training,
 * inference and evaluation run with no download. Same options -> same bytes.
 */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = {"Generate the synthetic RGB-D anomaly data set in the MVTec 3D-AD layout:",
                "<out>/<category>/{train,validation}/good/{rgb,xyz}/NNN.{png,tiff},",
                "<out>/<category>/test/<type>/{rgb,xyz,gt}/NNN.*, <out>/<category>/class_ids.json.",
                "Test types: good, bump, color, combined, crack, dent. Deterministic per seed."})
public final class SynthCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output root folder.")
    Path out;

    @Option(names = "--categories", split = ",", paramLabel = "NAMES",
            description = "Comma-separated categories (default: all: ${DEFAULT-VALUE}).",
            defaultValue = "cookie,foam,potato,tire")
    List<String> categories;

    @Option(names = "--size", defaultValue = "384", description = "Image side in pixels (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--train", defaultValue = "100", description = "Training images per category (default ${DEFAULT-VALUE}).")
    int train;

    @Option(names = "--validation", defaultValue = "-1",
            description = "Validation images per category (default: train/5).")
    int validation;

    @Option(names = "--test", defaultValue = "60",
            description = "Test images per category, split evenly over the 6 test types (default ${DEFAULT-VALUE}).")
    int test;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--defect-scale", defaultValue = "1", paramLabel = "F",
            description = {"Multiply every defect's size by F (default ${DEFAULT-VALUE}: the benchmark, defects sized in fractions",
                    "of the image side). The demo uses 3 at 64 x 64, where a benchmark defect (a few pixels) is smaller",
                    "than one 4 x 4-pixel code cell of the DADA's hi level."})
    double defectScale;

    @Option(names = "--relief-scale", defaultValue = "1", paramLabel = "F",
            description = {"Multiply the depth of every geometric defect (bump, dent, crack; 2.5-4 mm) by F, in (0, 4]",
                    "(default ${DEFAULT-VALUE}: the benchmark). The demo uses 4."})
    double reliefScale;

    @Option(names = "--threads", defaultValue = "0", description = "Worker threads (default: all processors). The output does not depend on it.")
    int threads;

    @Option(names = "--overwrite", description = "Delete existing <out>/<category> folders first (else a non-empty one is an error).")
    boolean overwrite;

    @Option(names = "--json", description = "Print a JSON summary on stdout.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        int workers = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        int val = validation >= 0 ? validation : train / 5;
        if (size < 32) throw new IllegalArgumentException("--size must be >= 32, got " + size);
        List<String> cats = categories.stream().map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).distinct().toList();
        for (String c : cats) SynthCategory.byName(c);   // IllegalArgumentException naming the valid ones
        if (!(defectScale > 0) || defectScale > 8) throw new IllegalArgumentException("--defect-scale must be in (0, 8], got " + defectScale);
        if (!(reliefScale > 0) || reliefScale > 4) throw new IllegalArgumentException("--relief-scale must be in (0, 4], got " + reliefScale);
        SynthDataset.Config config = new SynthDataset.Config(cats, size, train, val, test, seed, workers, defectScale, reliefScale);
        for (String c : cats) prepare(out.resolve(c));

        long t0 = System.nanoTime();
        int total = config.totalImages();
        Progress progress = total > 0 ? new Progress("synth", total) : null;
        SynthDataset.generate(config, out, what -> { if (progress != null) progress.advance(1, what); });
        if (progress != null) progress.done();
        double seconds = (System.nanoTime() - t0) / 1e9;

        PrintWriter pw = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("out", out.toString());
            m.put("categories", cats);
            m.put("size", size);
            m.put("train", train);
            m.put("validation", val);
            m.put("test", test);
            m.put("seed", seed);
            m.put("defect_scale", defectScale);
            m.put("relief_scale", reliefScale);
            m.put("threads", workers);
            m.put("images", total);
            m.put("seconds", seconds);
            pw.println(JsonText.of(m));
        } else {
            pw.printf(Locale.ROOT, "wrote %d images (%s; %d train, %d validation, %d test each; %dx%d) to %s in %.1f s (%.0f ms/image, %d threads)%n",
                    total, String.join(",", cats), train, val, test, size, size, out, seconds,
                    total == 0 ? 0.0 : 1000 * seconds / total, workers);
        }
        pw.flush();
        return 0;
    }

    /** A category folder must be absent or empty, unless --overwrite deletes it. */
    private void prepare(Path dir) throws IOException {
        if (!OutputFolders.nonEmpty(dir)) return;
        if (!overwrite)
            throw new IllegalArgumentException(dir + " exists and is not empty; pass --overwrite to replace it or choose another --out");
        OutputFolders.deleteTree(dir);
    }
}
