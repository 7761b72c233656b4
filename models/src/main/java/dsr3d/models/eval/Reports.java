package dsr3d.models.eval;

import dsr3d.simulate.io.JsonText;
import dsr3d.models.viz.CurvePlot;
import dsr3d.models.viz.PngOut;
import dsr3d.tensor.io.AtomicFiles;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The outputs of an evaluation: metrics.json ({"object": {metric: value}, ..., "mean": {...}}),
 * a Markdown table, and per-object ROC / PRO curve pictures. Files are written atomically.
 */
public final class Reports {
    private Reports() {}

    /** Plain average of each metric over the objects (the "mean" row). */
    public static Map<String, Double> mean(Map<String, CategoryMetrics> perObject) {
        Map<String, Double> mean = new LinkedHashMap<>();
        for (int k = 0; k < CategoryMetrics.KEYS.length; k++) {
            double sum = 0;
            for (CategoryMetrics m : perObject.values()) sum += m.values()[k];
            mean.put(CategoryMetrics.KEYS[k], sum / perObject.size());
        }
        return mean;
    }

    public static String json(Map<String, CategoryMetrics> perObject) {
        Map<String, Object> root = new LinkedHashMap<>();
        perObject.forEach((o, m) -> root.put(o, m.asMap()));
        root.put("mean", mean(perObject));
        return JsonText.of(root) + "\n";
    }

    public static String markdown(Map<String, CategoryMetrics> perObject, String settings) {
        StringBuilder sb = new StringBuilder();
        sb.append("Evaluation: ").append(settings).append("\n\n");
        sb.append("| object | I-AUROC | P-AUROC | AU-PRO | I-AP | P-AP | images (defective) | gt components |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        perObject.forEach((o, m) -> {
            sb.append("| ").append(o);
            for (double v : m.values()) sb.append(String.format(Locale.ROOT, " | %.4f", v));
            sb.append(String.format(Locale.ROOT, " | %d (%d) | %d |%n", m.images(), m.defectImages(), m.components()));
        });
        sb.append("| **mean**");
        for (double v : mean(perObject).values()) sb.append(String.format(Locale.ROOT, " | **%.4f**", v));
        sb.append(" | | |\n");
        return sb.toString();
    }

    public static void writeText(Path file, String text) throws IOException {
        AtomicFiles.write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code dir/roc.png} ({@link #rocPlot}) and {@code dir/pro.png} ({@link #proPlot}). */
    public static void writeCurves(Path dir, String object, CategoryMetrics m) throws IOException {
        PngOut.write(dir.resolve("roc.png"), rocPlot(object, m));
        PngOut.write(dir.resolve("pro.png"), proPlot(object, m));
    }

    /** The image and pixel ROC curves of one object, their AUROC in the legend. */
    public static BufferedImage rocPlot(String object, CategoryMetrics m) {
        Curve ir = m.imageRoc(), pr = m.pixelRoc();
        return CurvePlot.render(object + ": ROC", "false positive rate", "true positive rate", List.of(
                new CurvePlot.Series(String.format(Locale.ROOT, "image  AUROC = %.4f", ir.area()), ir.x(), ir.y(), CurvePlot.BLUE),
                new CurvePlot.Series(String.format(Locale.ROOT, "pixel  AUROC = %.4f", pr.area()), pr.x(), pr.y(), CurvePlot.ORANGE)),
                Double.NaN);
    }

    /** The PRO curve of one object with its integration limit marked and the integrated area shaded. */
    public static BufferedImage proPlot(String object, CategoryMetrics m) {
        Curve pro = m.proCurve();
        return CurvePlot.render(object + ": " + pro.name() + " curve", "false positive rate (OK pixels)",
                "per-region overlap", List.of(new CurvePlot.Series(
                        String.format(Locale.ROOT, "AU-PRO@%.2f = %.4f", pro.limit(), pro.area()), pro.x(), pro.y(), CurvePlot.GREEN)),
                pro.limit());
    }
}
