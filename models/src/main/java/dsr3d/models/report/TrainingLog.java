package dsr3d.models.report;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dsr3d.models.data.DataException;
import dsr3d.models.viz.LinePlot;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stage-2 training log (log.jsonl: one object per step with step, loss, feature_lo, feature_hi,
 * image, focal, mask_l1, prob_in, prob_out, lr, seconds, and image_auroc on validation steps) as
 * columns, and its two plots: the loss terms, and the mask probabilities with the validation AUROC.
 */
public final class TrainingLog {
    /** The loss terms in plot order: the total first. */
    public static final List<String> LOSS_TERMS = List.of("loss", "feature_lo", "feature_hi", "image", "focal", "mask_l1");
    public static final List<String> PROBABILITIES = List.of("prob_in", "prob_out");

    private final double[] steps;
    private final Map<String, double[]> columns;

    private TrainingLog(double[] steps, Map<String, double[]> columns) {
        this.steps = steps;
        this.columns = columns;
    }

    /** Reads every line; a missing key on a line is NaN there (image_auroc is only on validation steps). */
    public static TrainingLog read(Path file) {
        List<JsonObject> rows = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DataException(file, "cannot read the training log", e);
        }
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            try {
                JsonElement e = JsonParser.parseString(lines.get(i));
                if (!e.isJsonObject() || !e.getAsJsonObject().has("step")) throw new JsonParseException("not an object with a step");
                rows.add(e.getAsJsonObject());
            } catch (JsonParseException | IllegalStateException e) {
                throw new DataException(file, "line " + (i + 1) + " is not a JSON object with a \"step\" (" + e.getMessage() + ")");
            }
        }
        if (rows.isEmpty()) throw new DataException(file, "the training log has no step");
        double[] steps = new double[rows.size()];
        Map<String, double[]> cols = new LinkedHashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            JsonObject r = rows.get(i);
            steps[i] = r.get("step").getAsDouble();
            for (String k : r.keySet()) {
                if (k.equals("step") || !r.get(k).isJsonPrimitive() || !r.get(k).getAsJsonPrimitive().isNumber()) continue;
                double[] c = cols.computeIfAbsent(k, x -> { double[] a = new double[rows.size()]; java.util.Arrays.fill(a, Double.NaN); return a; });
                c[i] = r.get(k).getAsDouble();
            }
        }
        return new TrainingLog(steps, cols);
    }

    public int size() { return steps.length; }

    public double[] steps() { return steps.clone(); }

    /** A column, or null when no line has it. */
    public double[] column(String key) { return columns.containsKey(key) ? columns.get(key).clone() : null; }

    /** The last finite value of a column (NaN if none). */
    public double last(String key) {
        double[] c = columns.get(key);
        if (c != null) for (int i = c.length - 1; i >= 0; i--) if (Double.isFinite(c[i])) return c[i];
        return Double.NaN;
    }

    /** The first finite value of a column (NaN if none). */
    public double first(String key) {
        double[] c = columns.get(key);
        if (c != null) for (double v : c) if (Double.isFinite(v)) return v;
        return Double.NaN;
    }

    /** Every loss term against the step, log scale; raw values pale under a moving average when there are many steps. */
    public BufferedImage lossPlot(String category) {
        List<LinePlot.Series> s = new ArrayList<>();
        LinePlot.Style style = steps.length > 60 ? LinePlot.Style.SMOOTHED : LinePlot.Style.LINE;
        int k = 0;
        for (String term : LOSS_TERMS) {
            double[] c = columns.get(term);
            if (c != null) s.add(new LinePlot.Series(term.equals("loss") ? "total" : term, steps, c, LinePlot.PALETTE[k % LinePlot.PALETTE.length], style));
            k++;
        }
        return LinePlot.render(new LinePlot.Axes(category + ": stage-2 loss terms", "training step", "loss", true, Double.NaN, Double.NaN), s);
    }

    /** prob_in / prob_out (mean predicted anomaly probability inside / outside the training mask) and the validation image AUROC. */
    public BufferedImage probabilityPlot(String category) {
        List<LinePlot.Series> s = new ArrayList<>();
        LinePlot.Style style = steps.length > 60 ? LinePlot.Style.SMOOTHED : LinePlot.Style.LINE;
        if (columns.containsKey("prob_in")) s.add(new LinePlot.Series("prob_in (inside mask)", steps, columns.get("prob_in"), LinePlot.PALETTE[3], style));
        if (columns.containsKey("prob_out")) s.add(new LinePlot.Series("prob_out (outside)", steps, columns.get("prob_out"), LinePlot.PALETTE[0], style));
        if (columns.containsKey("image_auroc")) s.add(new LinePlot.Series("validation image AUROC", steps, columns.get("image_auroc"), LinePlot.PALETTE[2], LinePlot.Style.DOTS));
        return LinePlot.render(new LinePlot.Axes(category + ": mask probabilities and validation AUROC", "training step", "probability / AUROC", false, 0, 1), s);
    }
}
