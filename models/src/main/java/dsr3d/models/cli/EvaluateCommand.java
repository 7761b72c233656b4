package dsr3d.models.cli;

import dsr3d.models.eval.CategoryEvaluator;
import dsr3d.models.eval.CategoryMetrics;
import dsr3d.models.eval.Reports;
import dsr3d.models.eval.TestSetEvaluation;
import dsr3d.models.eval.TestSetEvaluation.Protocol;
import dsr3d.models.eval.TestSetEvaluation.Sample;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./3dsr evaluate}: the interface of the official MVTec 3D-AD evaluation script
 * (evaluate_experiment.py) with the five metrics of the 3DSR paper. Reads the gt PNGs and the
 * float TIFF anomaly maps, writes metrics.json, metrics.md and per-object curve pictures, and
 * prints the table. See {@link TestSetEvaluation} for the protocols.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class, sortOptions = false,
        description = {"Compute image AUROC, pixel AUROC, AU-PRO, image AP and pixel AP of anomaly maps on an MVTec 3D-AD test set.",
                "Maps: ANOMALY_MAPS_DIR/<object>/test/<type>/<stem>.tiff, single-channel float32; image score = map maximum.",
                "Writes OUTPUT_DIR/metrics.json, OUTPUT_DIR/metrics.md and OUTPUT_DIR/<object>/{roc,pro}.png."})
public final class EvaluateCommand implements Callable<Integer> {

    @Option(names = "--dataset-base-dir", required = true, paramLabel = "DIR",
            description = "MVTec 3D-AD root (holds <object>/test/<type>/gt/*.png).")
    Path datasetDir;

    @Option(names = "--anomaly-maps-dir", required = true, paramLabel = "DIR",
            description = "Root of the anomaly maps: <object>/test/<type>/<stem>.tiff.")
    Path mapsDir;

    @Option(names = "--output-dir", required = true, paramLabel = "DIR", description = "Where the metrics and pictures go.")
    Path outputDir;

    @Option(names = "--evaluated-objects", arity = "1..*", paramLabel = "OBJECT",
            description = "Objects to evaluate (default: every folder of the dataset with a test/ folder).")
    List<String> objects;

    @Option(names = "--pro-integration-limit", defaultValue = "0.3", paramLabel = "FPR",
            description = "FPR up to which the PRO curve is integrated, in (0, 1] (default: ${DEFAULT-VALUE}).")
    double proLimit;

    @Option(names = "--protocol", defaultValue = "official", paramLabel = "official|3dsr",
            description = {"official (default): at the gt resolution, defect = gt != 0.",
                    "3dsr: the 3DSR test script (maps at --resolution, gt resized bilinearly; pixel-ROC positives = resized gt == 255).",
                    "dsr: DSR's test_dsr.py (--layout mvtec-ad; maps at --resolution, default 256 here; gt resized as cv2, centre 224 crop;",
                    "  positives = gt == 255; image score from <maps>/<object>/scores.json when present)."})
    String protocol;

    @Option(names = "--pro-variant", defaultValue = "official", paramLabel = "official|exact",
            description = "official: 100 thresholds at positions of the sorted OK scores (MVTec 3D-AD utility); exact: every score a threshold.")
    String proVariant;

    @Option(names = "--resize-maps", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "official protocol: resize maps to the gt size bilinearly when they differ (default); --no-resize-maps makes a difference an error.")
    boolean resizeMaps;

    @Option(names = "--resolution", defaultValue = "384", paramLabel = "N", description = "3dsr / dsr protocol: map size NxN (default: ${DEFAULT-VALUE}; 256 for dsr).")
    int resolution;

    @Option(names = "--layout", defaultValue = "mvtec3d", paramLabel = "mvtec3d|mvtec-ad",
            description = {"mvtec3d (default): gt in <object>/test/<type>/gt/<stem>.png.",
                    "mvtec-ad: MVTec AD (2D): images <object>/test/<type>/<stem>.png, gt <object>/ground_truth/<type>/<stem>_mask.png."})
    String layout;

    @Option(names = "--no-plots", description = "Do not draw the curve pictures.")
    boolean noPlots;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        Protocol proto = switch (protocol.toLowerCase(Locale.ROOT)) {
            case "official" -> Protocol.OFFICIAL;
            case "3dsr" -> Protocol.DSR3;
            case "dsr" -> Protocol.DSR;
            default -> throw new IllegalArgumentException("--protocol must be official, 3dsr or dsr, got '" + protocol + "'");
        };
        TestSetEvaluation.Layout lay = switch (layout.toLowerCase(Locale.ROOT)) {
            case "mvtec3d" -> TestSetEvaluation.Layout.MVTEC3D;
            case "mvtec-ad" -> TestSetEvaluation.Layout.MVTEC_AD;
            default -> throw new IllegalArgumentException("--layout must be mvtec3d or mvtec-ad, got '" + layout + "'");
        };
        int res = proto == Protocol.DSR && resolution == 384 && !spec.commandLine().getParseResult().hasMatchedOption("--resolution") ? 256 : resolution;
        CategoryEvaluator.ProVariant variant = switch (proVariant.toLowerCase(Locale.ROOT)) {
            case "official" -> CategoryEvaluator.ProVariant.OFFICIAL;
            case "exact" -> CategoryEvaluator.ProVariant.EXACT;
            default -> throw new IllegalArgumentException("--pro-variant must be official or exact, got '" + proVariant + "'");
        };
        if (!Files.isDirectory(mapsDir)) throw new java.nio.file.NoSuchFileException(mapsDir.toString(), null, "--anomaly-maps-dir: no such folder");
        TestSetEvaluation evaluation = new TestSetEvaluation(
                new TestSetEvaluation.Options(datasetDir, mapsDir, proLimit, proto, variant, resizeMaps, res, lay),
                w -> err.println("evaluate: warning: " + w));
        List<String> names = objects == null || objects.isEmpty() ? TestSetEvaluation.discoverObjects(datasetDir) : objects;
        if (names.contains("mean")) throw new IllegalArgumentException("an object named 'mean' would collide with the mean row of metrics.json");

        // List everything first: a missing map fails before any work.
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        int total = 0;
        for (String o : names) {
            if (samples.containsKey(o)) throw new IllegalArgumentException("--evaluated-objects lists '" + o + "' twice");
            samples.put(o, evaluation.samples(o));
            total += samples.get(o).size();
        }

        Progress progress = new Progress("evaluate", total);
        Map<String, CategoryMetrics> results = new LinkedHashMap<>();
        for (String o : names) {
            progress.show(o);
            CategoryMetrics m = evaluation.evaluate(o, samples.get(o), () -> progress.advance(1, o));
            results.put(o, m);
            if (!noPlots) Reports.writeCurves(outputDir.resolve(o), o, m);
        }
        progress.done();

        String settings = String.format(Locale.ROOT, "protocol %s, AU-PRO %s variant integrated to FPR %.2f, %d object(s), %d image(s)",
                protocol, proVariant, proLimit, names.size(), total);
        String table = Reports.markdown(results, settings);
        Reports.writeText(outputDir.resolve("metrics.json"), Reports.json(results));
        Reports.writeText(outputDir.resolve("metrics.md"), table);
        out.print(table);
        out.println("Wrote " + outputDir.resolve("metrics.json") + " and " + outputDir.resolve("metrics.md"));
        out.flush();
        return 0;
    }
}
