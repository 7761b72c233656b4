package dsr3d.models.demo;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import dsr3d.models.cli.Progress;
import dsr3d.models.dsr.DsrTraining;
import dsr3d.models.eval.Auroc;
import dsr3d.models.stage2.Stage2Training;
import dsr3d.simulate.io.JsonText;
import dsr3d.simulate.synth.SynthDataset;
import dsr3d.tensor.io.AtomicFiles;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A comparison of 3DSR variants (and DSR) on the demo's synthetic data ({@code ./3dsr experiment}):
 * each {@link Variant} gets its DADA (the shipped one, or trained by its {@code train-dada}
 * command), stage-2 training per category (side by side), inference and evaluation, all as
 * ordinary commands run in-process; the result is one table, per defect type, of image AUROC (good
 * against that type) plus the overall image and pixel AUROC.
 *
 * <p>A DSR variant ({@code method} "dsr") runs the same steps with {@code --method dsr}: its
 * VQ-VAE by {@code train-dada --method dsr} with the demo's stage-1 recipe (RGB only, so without
 * the recipe's {@code --modality}), DSR's stages 2 and 3 per category side by side
 * ({@link DemoPlan#dsrTrainRequest}: the demo's stage-2 iterations, batch and learning rate, stage 3
 * iterations / 2 as {@code train --method dsr}'s default), {@code infer --method dsr}, and the same
 * {@code evaluate}. Its per-defect-type columns rank DSR's own image score (scores.json: the 21 x 21
 * box mean of the anomaly module's output), while image_auroc and pixel_auroc are {@code evaluate}'s
 * (official protocol: image score = map maximum), as for every row.
 *
 * <p>Layout: {@code DIR/data} (shared), {@code DIR/<variant>/{dada.safetensors, dada-run, runs,
 * models, maps, eval}}, {@code DIR/table.md}, {@code DIR/table.json}, {@code DIR/experiment.json}
 * (every command).
 */
public final class Experiment {
    /**
     * @param method "3dsr" or "dsr" (the {@code --method} of train-dada, train and infer)
     * @param dadaFlags train-dada flags beyond the demo's stage-1 recipe (null = the shipped RGB+D DADA; 3DSR only)
     * @param paperImageAuroc the paper's mean image AUROC of this variant on MVTec 3D-AD (paper preset), null if it has none
     */
    public record Variant(String name, String description, String method, List<String> dadaFlags, Double paperImageAuroc) {
        public Variant {
            if (!method.equals("3dsr") && !method.equals("dsr")) throw new IllegalArgumentException("method must be 3dsr or dsr, got '" + method + "'");
            if (method.equals("dsr") && dadaFlags == null) throw new IllegalArgumentException("a DSR variant trains its VQ-VAE: dadaFlags must not be null");
        }

        /** A 3DSR variant. */
        public Variant(String name, String description, List<String> dadaFlags, Double paperImageAuroc) {
            this(name, description, "3dsr", dadaFlags, paperImageAuroc);
        }

        boolean dsr() { return method.equals("dsr"); }
    }

    private final DemoPlan plan;          // data, sizes, stage-2 recipe; plan.dir() = the experiment folder
    private final List<Variant> variants;
    private final PrintStream err;
    private final List<String> commands = new ArrayList<>();

    public Experiment(DemoPlan plan, List<Variant> variants, PrintStream err) {
        this.plan = plan;
        this.variants = List.copyOf(variants);
        this.err = err;
    }

    /** Table-1-like rows: variant -> column -> value. */
    public Map<String, Map<String, Double>> run() throws IOException {
        Files.createDirectories(plan.dir());
        int n = plan.categories().size();
        long dadaSteps = variants.stream().filter(v -> v.dadaFlags() != null).count() * plan.dadaIterations();
        double trainSteps = variants.stream().mapToDouble(v -> n * (double) trainSteps(v) / Math.min(n, plan.threads()) + 20.0 * n).sum();
        Progress progress = new Progress("experiment", 10 + dadaSteps + trainSteps, err, System.console() != null && System.console().isTerminal());
        progress.show("data");
        commands.add(String.join(" ", plan.synthCommand()));
        InProcess.run("data", plan.synthCommand());
        progress.advance(10, "data");

        Map<String, Map<String, Double>> table = new LinkedHashMap<>();
        for (Variant v : variants) {
            Path dir = plan.dir().resolve(v.name());
            Path dada = dir.resolve("dada.safetensors");
            Files.createDirectories(dir);
            if (v.dadaFlags() == null) {
                try (InputStream in = Experiment.class.getResourceAsStream(DemoRun.SHIPPED_DADA)) {
                    if (in == null) throw new IOException("the shipped DADA " + DemoRun.SHIPPED_DADA + " is missing from the build");
                    AtomicFiles.write(dada, in.readAllBytes());
                }
            } else {
                List<String> c = dadaCommand(v);
                c.set(c.indexOf("--out") + 1, dir.resolve("dada-run").toString());
                if (c.contains("--dataset-base-dir")) c.set(c.indexOf("--dataset-base-dir") + 1, plan.data().toString());
                progress.show(v.name() + ": train-dada");
                commands.add(String.join(" ", c));
                InProcess.run(v.name() + " train-dada", c);
                progress.advance(plan.dadaIterations(), v.name() + ": train-dada");
                Path trained = dir.resolve("dada-run").resolve("dada.safetensors");
                AtomicFiles.write(dada, out -> Files.copy(trained, out));
            }
            List<Path> models = new ArrayList<>();
            for (String cat : plan.categories()) models.add(dir.resolve("models").resolve(cat + ".safetensors"));
            double share = 1.0 / Math.min(n, plan.threads());
            SideBySide.StepListener listener = (cat, step, loss) -> {
                synchronized (progress) { progress.advance(share, String.format(Locale.ROOT, "%s: train %s step %d", v.name(), cat, step)); }
            };
            if (v.dsr()) {
                List<DsrTraining.Request> jobs = new ArrayList<>();
                for (String cat : plan.categories()) {
                    DsrTraining.Request r = plan.dsrTrainRequest(cat);
                    r = new DsrTraining.Request(r.datasetBaseDir(), cat, dada, dir.resolve("runs").resolve(cat), r.preset(), r.imageSize(),
                            r.options(), r.checkpointEvery());
                    jobs.add(r);
                    commands.add(String.join(" ", r.commandLine(1)));
                }
                SideBySide.trainDsr(jobs, models, plan.threads(), listener);
            } else {
                List<Stage2Training.Request> jobs = new ArrayList<>();
                for (String cat : plan.categories()) {
                    Stage2Training.Request r = plan.trainRequest(cat);
                    r = new Stage2Training.Request(r.datasetBaseDir(), cat, dada, dir.resolve("runs").resolve(cat), r.preset(), null,
                            r.imageSize(), r.options(), r.settings(), r.alignment());
                    jobs.add(r);
                    commands.add(String.join(" ", r.commandLine(1)));
                }
                SideBySide.train(jobs, models, plan.threads(), listener);
            }
            for (int i = 0; i < n; i++) {
                String cat = plan.categories().get(i);
                List<String> infer = new ArrayList<>(List.of("./3dsr", "infer", "--dataset-base-dir", plan.data().toString(), "--category", cat,
                        "--dada", dada.toString(), "--model", models.get(i).toString(), "--out", dir.resolve("maps").toString(),
                        "--threads", Integer.toString(plan.threads())));
                if (v.dsr()) infer.addAll(2, List.of("--method", "dsr"));
                commands.add(String.join(" ", infer));
                InProcess.run(v.name() + " infer " + cat, infer);
                progress.advance(10, v.name() + ": infer " + cat);
            }
            List<String> eval = plan.evaluateCommand(plan.data(), dir.resolve("maps"), dir.resolve("eval"));
            commands.add(String.join(" ", eval));
            InProcess.run(v.name() + " evaluate", eval);
            progress.advance(10.0 * n, v.name() + ": evaluate");
            table.put(v.name(), row(dir));
            write(table);
        }
        progress.done();
        return table;
    }

    /** Training steps of one category: stage 2, and DSR's stage 3. */
    private long trainSteps(Variant v) {
        return v.dsr() ? plan.iterations() + plan.dsrUpsampleIterations() : plan.iterations();
    }

    /** The variant's train-dada command: the demo's stage-1 recipe (for DSR: --method dsr, no --modality: its VQ-VAE is RGB only), then its flags. */
    private List<String> dadaCommand(Variant v) {
        List<String> c = new ArrayList<>(plan.trainDadaCommand());
        if (v.dsr()) {
            int m = c.indexOf("--modality");
            c.subList(m, m + 2).clear();
            c.addAll(2, List.of("--method", "dsr"));
        }
        return withFlags(c, v.dadaFlags());
    }

    /** base with flags applied: "--opt value" replaces base's value of --opt (or is appended); a bare "--flag" is appended. */
    static List<String> withFlags(List<String> base, List<String> flags) {
        List<String> c = new ArrayList<>(base);
        for (int i = 0; i < flags.size(); i++) {
            String f = flags.get(i);
            boolean hasValue = i + 1 < flags.size() && !flags.get(i + 1).startsWith("--");
            int at = c.indexOf(f);
            if (hasValue && at >= 0) c.set(at + 1, flags.get(++i));
            else {
                c.add(f);
                if (hasValue) c.add(flags.get(++i));
            }
        }
        return c;
    }

    /**
     * Per defect type: image AUROC of good against that type over all categories' test images; then
     * image_auroc, the per-category mean of good against every defect, and pixel_auroc from evaluate.
     * Every image column uses the method's own image score, the "score" of scores.json: for 3DSR
     * the map's maximum (what evaluate uses too), for DSR the maximum of the 21 x 21-smoothed
     * anomaly-module output (test_dsr.py), which is not the maximum of its upsampled map.
     */
    private Map<String, Double> row(Path dir) throws IOException {
        Map<String, Double> row = new LinkedHashMap<>();
        List<String[]> scored = new ArrayList<>();   // {category, type, score}
        for (String cat : plan.categories()) {
            JsonArray a = JsonParser.parseString(Files.readString(dir.resolve("maps").resolve(cat).resolve("scores.json"))).getAsJsonArray();
            for (JsonElement e : a)
                scored.add(new String[]{cat, e.getAsJsonObject().get("type").getAsString(), e.getAsJsonObject().get("score").getAsString()});
        }
        for (String type : SynthDataset.TEST_TYPES)
            if (!type.equals("good")) row.put(type, auroc(scored.stream().filter(s -> s[1].equals("good") || s[1].equals(type)).toList()));
        double sum = 0;
        for (String cat : plan.categories()) sum += auroc(scored.stream().filter(s -> s[0].equals(cat)).toList());
        row.put("image_auroc", sum / plan.categories().size());
        row.put("pixel_auroc", DemoRun.readMetrics(dir.resolve("eval").resolve("metrics.json")).get("mean").get("pixel_auroc"));
        return row;
    }

    /** AUROC of {category, type, score} rows: positive = the type is not "good". */
    private static double auroc(List<String[]> rows) {
        double[] scores = rows.stream().mapToDouble(s -> Double.parseDouble(s[2])).toArray();
        boolean[] positive = new boolean[rows.size()];
        for (int i = 0; i < positive.length; i++) positive[i] = !rows.get(i)[1].equals("good");
        return Auroc.of(scores, positive);
    }

    private void write(Map<String, Map<String, Double>> table) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("Synthetic data (").append(String.join(", ", plan.categories())).append(", ").append(plan.imageSize()).append(" x ")
                .append(plan.imageSize()).append(", defect scale ").append(DemoPlan.fmt(plan.defectScale())).append(", relief scale ").append(DemoPlan.fmt(plan.reliefScale())).append("), small preset, ")
                .append(plan.iterations()).append(" stage-2 iterations of ").append(plan.batch()).append(", stage 1: ")
                .append(plan.dadaIterations()).append(" iterations (shipped DADA: 6000). Image AUROC per defect type (good vs that type, all categories pooled), then the per-category means.\n\n");
        List<String> cols = table.values().iterator().next().keySet().stream().toList();
        md.append("| variant | ").append(String.join(" | ", cols)).append(" | paper image AUROC (MVTec 3D-AD, paper preset) |\n|---|")
                .append("---:|".repeat(cols.size() + 1)).append('\n');
        for (Variant v : variants) {
            Map<String, Double> row = table.get(v.name());
            if (row == null) continue;
            md.append("| ").append(v.name());
            for (String c : cols) md.append(String.format(Locale.ROOT, " | %.3f", row.get(c)));
            md.append(v.paperImageAuroc() == null ? " | - |\n" : String.format(Locale.ROOT, " | %.3f |%n", v.paperImageAuroc()));
        }
        md.append('\n');
        for (Variant v : variants) md.append("- **").append(v.name()).append("**: ").append(v.description()).append('\n');
        AtomicFiles.write(plan.dir().resolve("table.md"), md.toString().getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(plan.dir().resolve("table.json"), (JsonText.of(table) + "\n").getBytes(StandardCharsets.UTF_8));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("config", plan.toMap());
        m.put("commands", commands);
        m.put("machine", Machine.describe());
        AtomicFiles.write(plan.dir().resolve("experiment.json"), (JsonText.of(m) + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
