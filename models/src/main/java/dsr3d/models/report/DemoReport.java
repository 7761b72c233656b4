package dsr3d.models.report;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dsr3d.models.data.DataException;
import dsr3d.models.eval.CategoryEvaluator;
import dsr3d.models.eval.CategoryMetrics;
import dsr3d.models.eval.Reports;
import dsr3d.models.eval.TestSetEvaluation;
import dsr3d.tensor.io.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The demo report: reads a demo folder ({@link DemoFolder}) and writes DIR/report.html (one
 * self-contained page, pictures embedded as data URIs, no script) and DIR/report.md (pictures in
 * DIR/report-files/), both from one {@link Doc}. Sections: the per-class metrics table with the
 * mean; ROC and PRO curves; overlays of the best- and worst-scored defective and good test images;
 * the training curves; the DADA's codebook usage on the test images; timings; the exact commands
 * and configuration. A part whose input is absent is replaced by a note saying which file is
 * missing; without DIR/data or DIR/maps there is no report (DataException).
 *
 * <p>The table shows DIR/eval/metrics.json when it exists (what the demo printed); the curves are
 * recomputed from the maps and the ground truth with the evaluator's defaults (official protocol,
 * AU-PRO to FPR 0.3), and a note says so when a recomputed number differs from metrics.json.
 */
public final class DemoReport {
    private DemoReport() {}

    /** What was written: the two documents, the pictures folder, the number of pictures, and the notes about missing parts. */
    public record Written(Path html, Path markdown, Path filesDir, int figures, List<String> notes) {}

    public static Written write(Path demoDir) throws IOException { return write(demoDir, m -> {}); }

    /** @param progress receives one short line per step ("evaluating cookie", ...) */
    public static Written write(Path demoDir, Consumer<String> progress) throws IOException {
        DemoFolder f = new DemoFolder(demoDir);
        f.require();
        List<String> categories = f.categories();
        Doc doc = new Doc("3DSR demo report");
        List<String> notes = new ArrayList<>();
        Consumer<String> note = n -> { notes.add(n); doc.note(n); };

        progress.accept("evaluating");
        Map<String, CategoryMetrics> metrics = evaluate(f, categories);
        Map<String, double[]> table = tableValues(f, metrics, note);
        ModelRunner runner = new ModelRunner(f, note);

        metricsSection(doc, f, metrics, table);
        doc.heading(2, "ROC and PRO curves", "curves");
        doc.text("Image ROC: one point per threshold on the image score (the maximum of the smoothed anomaly map); pixel ROC: all test pixels "
                + "of the class pooled; PRO: the mean overlap with each ground-truth defect region against the false positive rate on defect-free pixels, "
                + "integrated up to FPR 0.3 and divided by 0.3 (shaded area).");
        for (String c : categories) {
            doc.heading(3, c, "curves-" + c);
            doc.figure(c + "-roc.png", Reports.rocPlot(c, metrics.get(c)), c + " ROC curves",
                    String.format(Locale.ROOT, "%s: image AUROC %.4f, pixel AUROC %.4f.", c, metrics.get(c).imageAuroc(), metrics.get(c).pixelAuroc()));
            doc.figure(c + "-pro.png", Reports.proPlot(c, metrics.get(c)), c + " PRO curve",
                    String.format(Locale.ROOT, "%s: AU-PRO %.4f (FPR up to %.2f).", c, metrics.get(c).auPro(), metrics.get(c).proCurve().limit()));
        }

        progress.accept("overlays");
        doc.heading(2, "Best and worst scored test images", "overlays");
        doc.text("Per class the highest- and lowest-scored defective image and the lowest- and highest-scored good image. Panels: RGB, depth, "
                + "the object decoder's reconstruction (what the model thinks the object should look like), the ground truth outlined in red, "
                + "and the anomaly map over the RGB (colour bar: this image's own range; the ground truth outlined in white).");
        for (String c : categories) {
            doc.heading(3, c, "overlays-" + c);
            TestImages.section(doc, f, c, runner, note);
        }

        progress.accept("training curves");
        trainingSection(doc, f, categories, note);
        progress.accept("codebook usage");
        CodebookSection.add(doc, f, categories, runner, note);
        runSection(doc, f, note);

        Files.createDirectories(f.files());
        for (Doc.Figure fig : doc.figures()) AtomicFiles.write(f.files().resolve(fig.file()), fig.png());
        AtomicFiles.write(f.markdown(), MarkdownOut.render(doc, DemoFolder.FILES).getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(f.html(), HtmlOut.render(doc, false).getBytes(StandardCharsets.UTF_8));
        return new Written(f.html(), f.markdown(), f.files(), doc.figures().size(), List.copyOf(notes));
    }

    /** Every category's metrics with curves, recomputed from the maps (the evaluator's defaults). */
    static Map<String, CategoryMetrics> evaluate(DemoFolder f, List<String> categories) {
        TestSetEvaluation ev = new TestSetEvaluation(new TestSetEvaluation.Options(f.data(), f.maps(), 0.3,
                TestSetEvaluation.Protocol.OFFICIAL, CategoryEvaluator.ProVariant.OFFICIAL, true, 384), w -> {});
        Map<String, CategoryMetrics> out = new LinkedHashMap<>();
        for (String c : categories) out.put(c, ev.evaluate(c, ev.samples(c), () -> {}));
        return out;
    }

    /** The table's numbers per category (KEYS order): metrics.json's when it exists, else the recomputed ones. */
    static Map<String, double[]> tableValues(DemoFolder f, Map<String, CategoryMetrics> metrics, Consumer<String> note) {
        Map<String, double[]> out = new LinkedHashMap<>();
        JsonElement json = DemoFolder.readJson(f.metrics());
        if (json == null) note.accept("No " + f.dir().relativize(f.metrics()) + ": the table shows the metrics recomputed from the maps (official protocol).");
        List<String> differ = new ArrayList<>();
        for (var e : metrics.entrySet()) {
            double[] recomputed = e.getValue().values();
            if (json == null) { out.put(e.getKey(), recomputed); continue; }
            if (!json.isJsonObject() || !json.getAsJsonObject().has(e.getKey()) || !json.getAsJsonObject().get(e.getKey()).isJsonObject())
                throw new DataException(f.metrics(), "has no object \"" + e.getKey() + "\" (the categories of the maps are " + metrics.keySet() + ")");
            JsonObject o = json.getAsJsonObject().getAsJsonObject(e.getKey());
            double[] v = new double[CategoryMetrics.KEYS.length];
            for (int k = 0; k < v.length; k++) {
                String key = CategoryMetrics.KEYS[k];
                if (!o.has(key) || !o.get(key).isJsonPrimitive()) throw new DataException(f.metrics(), "\"" + e.getKey() + "\" has no number \"" + key + "\"");
                v[k] = o.get(key).getAsDouble();
                if (Math.abs(v[k] - recomputed[k]) > 5e-5) differ.add(String.format(Locale.ROOT, "%s %s %.4f (recomputed %.4f)", e.getKey(), key, v[k], recomputed[k]));
            }
            out.put(e.getKey(), v);
        }
        if (!differ.isEmpty())
            note.accept("metrics.json differs from the metrics recomputed from the maps with the official protocol (was it evaluated with other options?): "
                    + String.join("; ", differ) + ". The table shows metrics.json, the curves the recomputed values.");
        return out;
    }

    private static void metricsSection(Doc doc, DemoFolder f, Map<String, CategoryMetrics> metrics, Map<String, double[]> table) throws IOException {
        doc.heading(2, "Results per class", "results");
        double[] mean = new double[CategoryMetrics.KEYS.length];
        List<List<String>> rows = new ArrayList<>();
        for (var e : table.entrySet()) {
            CategoryMetrics m = metrics.get(e.getKey());
            List<String> row = new ArrayList<>(List.of(e.getKey()));
            for (int k = 0; k < mean.length; k++) { row.add(fmt(e.getValue()[k])); mean[k] += e.getValue()[k] / table.size(); }
            row.add(m.images() + " (" + m.defectImages() + ")");
            rows.add(row);
        }
        List<String> meanRow = new ArrayList<>(List.of("mean"));
        for (double v : mean) meanRow.add(fmt(v));
        meanRow.add("");
        rows.add(meanRow);
        doc.text(String.format(Locale.ROOT, "Mean image AUROC %.4f over %d class(es) of synthetic data (./3dsr synth), each with its own stage-2 model on one shared DADA.",
                mean[0], table.size()));
        doc.table(new Doc.Table(List.of("class", "image AUROC", "pixel AUROC", "AU-PRO (FPR 0.3)", "image AP", "pixel AP", "test images (defective)"),
                rows, new boolean[]{false, true, true, true, true, true, true}, List.of(rows.size() - 1)));
        doc.text("Image metrics use the image score = maximum of the smoothed anomaly map; pixel metrics pool every test pixel of the class. "
                + "AP = average precision. Source: " + (Files.isRegularFile(f.metrics()) ? f.dir().relativize(f.metrics()) + " (./3dsr evaluate)." : "recomputed from the maps."));
        freshSection(doc, f);
    }

    /** The demo's generalisation check: the same models on a test set of another seed (DIR/fresh/eval/metrics.json), when present. */
    private static void freshSection(Doc doc, DemoFolder f) throws IOException {
        Path file = f.dir().resolve("fresh").resolve("eval").resolve("metrics.json");
        if (!Files.isRegularFile(file)) return;
        com.google.gson.JsonObject root = com.google.gson.JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        List<List<String>> rows = new ArrayList<>();
        for (var e : root.entrySet()) {
            List<String> row = new ArrayList<>(List.of(e.getKey()));
            for (String k : CategoryMetrics.KEYS) {
                var v = e.getValue().getAsJsonObject().get(k);
                row.add(v == null || !v.isJsonPrimitive() ? "-" : fmt(v.getAsDouble()));
            }
            rows.add(row);
        }
        doc.heading(3, "Fresh test set (generalisation check)", "fresh");
        doc.text("The same models on a new test split made with another seed (DIR/fresh/data), never seen during training: "
                + f.dir().relativize(file) + ".");
        doc.table(new Doc.Table(List.of("class", "image AUROC", "pixel AUROC", "AU-PRO (FPR 0.3)", "image AP", "pixel AP"), rows,
                new boolean[]{false, true, true, true, true, true}, List.of(rows.size() - 1)));
    }

    private static void trainingSection(Doc doc, DemoFolder f, List<String> categories, Consumer<String> note) {
        doc.heading(2, "Training curves", "training");
        doc.text("Stage-2 training per class (log.jsonl, one line per step). Loss terms: feature_lo / feature_hi = the subspace restriction "
                + "networks' feature loss at the two levels, image = the object decoder's reconstruction loss, focal and mask_l1 = the anomaly "
                + "detection module's segmentation losses, total = their sum. prob_in / prob_out = the mean predicted anomaly probability inside / "
                + "outside the simulated anomaly mask of the training batch: they should separate. Dots: image AUROC on the validation steps.");
        for (String c : categories) {
            doc.heading(3, c, "training-" + c);
            Path file = f.log(c);
            if (!Files.isRegularFile(file)) { note.accept("No training log " + f.dir().relativize(file) + ": no training curves for " + c + "."); continue; }
            TrainingLog log = TrainingLog.read(file);
            doc.figure(c + "-loss.png", log.lossPlot(c), c + " loss terms", c + ": every loss term against the step (log scale).");
            doc.figure(c + "-prob.png", log.probabilityPlot(c), c + " mask probabilities", c + ": prob_in, prob_out and the validation image AUROC.");
            List<List<String>> rows = new ArrayList<>();
            for (String k : concat(TrainingLog.LOSS_TERMS, TrainingLog.PROBABILITIES, List.of("image_auroc", "lr")))
                if (log.column(k) != null) rows.add(List.of(k.equals("loss") ? "total" : k, fmt(log.first(k)), fmt(log.last(k))));
            doc.table(new Doc.Table(List.of("term", "first step", "last step"), rows, new boolean[]{false, true, true}, List.of()));
            double sec = log.last("seconds");
            doc.text(String.format(Locale.ROOT, "%d logged steps (last step %d)%s.", log.size(), (long) log.steps()[log.size() - 1],
                    Double.isNaN(sec) ? "" : String.format(Locale.ROOT, ", %.1f s of training", sec)));
        }
    }

    private static void runSection(Doc doc, DemoFolder f, Consumer<String> note) {
        doc.heading(2, "Timings", "timings");
        JsonObject demo = f.demo();
        if (demo == null) {
            note.accept("No " + f.dir().relativize(f.demoJson()) + ": no timings, commands or configuration.");
            return;
        }
        if (demo.has("timings") && demo.get("timings").isJsonArray()) {
            List<List<String>> rows = new ArrayList<>();
            double total = 0;
            List<double[]> secs = new ArrayList<>();
            for (JsonElement e : demo.getAsJsonArray("timings")) {
                JsonObject t = e.getAsJsonObject();
                double s = t.has("seconds") ? t.get("seconds").getAsDouble() : Double.NaN;
                secs.add(new double[]{s});
                if (Double.isFinite(s)) total += s;
                rows.add(new ArrayList<>(List.of(t.has("stage") ? t.get("stage").getAsString() : "?", String.format(Locale.ROOT, "%.1f", s))));
            }
            for (int i = 0; i < rows.size(); i++) rows.get(i).add(total > 0 ? String.format(Locale.ROOT, "%.1f %%", 100 * secs.get(i)[0] / total) : "");
            rows.add(List.of("total", String.format(Locale.ROOT, "%.1f", total), "100 %"));
            doc.table(new Doc.Table(List.of("stage", "seconds", "share"), rows, new boolean[]{false, true, true}, List.of(rows.size() - 1)));
        } else note.accept("demo.json has no \"timings\" list.");

        doc.heading(2, "Commands and configuration", "commands");
        List<List<String>> rows = new ArrayList<>();
        for (String k : List.of("seed", "threads", "machine"))
            if (demo.has(k)) rows.add(List.of(k, demo.get(k).isJsonPrimitive() ? demo.get(k).getAsString() : demo.get(k).toString()));
        if (!rows.isEmpty()) doc.table(new Doc.Table(List.of("setting", "value"), rows, new boolean[]{false, false}, List.of()));
        if (demo.has("commands") && demo.get("commands").isJsonArray()) {
            doc.text("The exact command lines of this run, in order:");
            StringBuilder sb = new StringBuilder();
            for (JsonElement e : demo.getAsJsonArray("commands")) sb.append(e.isJsonPrimitive() ? e.getAsString() : e.toString()).append('\n');
            doc.code(sb.toString());
        }
        if (demo.has("config")) {
            doc.text("Configuration (demo.json \"config\"):");
            doc.code(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(demo.get("config")) + "\n");
        }
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        List<String> out = new ArrayList<>();
        for (List<String> l : lists) out.addAll(l);
        return out;
    }

    /** Table numbers: 4 decimals; small learning rates and the like in %.3g. */
    static String fmt(double v) {
        if (Double.isNaN(v)) return "-";
        if (v != 0 && Math.abs(v) < 1e-3) return new java.math.BigDecimal(v).round(new java.math.MathContext(3)).stripTrailingZeros().toString();
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
