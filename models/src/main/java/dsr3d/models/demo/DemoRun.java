package dsr3d.models.demo;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dsr3d.models.cli.Progress;
import dsr3d.models.report.DemoReport;
import dsr3d.models.stage2.Stage2Training;
import dsr3d.simulate.io.JsonText;
import dsr3d.tensor.io.AtomicFiles;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs a {@link DemoPlan} stage by stage under one progress display: data, DADA, stage-2 training
 * (the categories side by side, one core each), inference, evaluation, the generalisation check on
 * a fresh test set, and the report. After every stage {@code DIR/demo.json} is rewritten with the
 * commands run so far and the time each stage took.
 *
 * <p>Determinism: the categories train {@link SideBySide}, so a category's weights do not depend on
 * the thread count and equal those of its recorded {@code ./3dsr train ... --threads 1} command.
 */
public final class DemoRun {
    /** Progress units: one stage-2 step of one category; the other stages are given fixed weights in steps. */
    private static final double DATA_UNITS = 10, INFER_UNITS = 10, EVAL_UNITS = 5, REPORT_UNITS = 10, DADA_STEP_UNITS = 2;
    static final String SHIPPED_DADA = "/dsr3d/models/pretrained/dada-small-rgbd.safetensors";

    private final DemoPlan plan;
    private final PrintStream err;
    private final Progress progress;
    private final List<List<String>> commands = new ArrayList<>();
    private final Map<String, Double> timings = new LinkedHashMap<>();
    private final long t0 = System.nanoTime();

    public DemoRun(DemoPlan plan, PrintStream err) {
        this.plan = plan;
        this.err = err;
        int n = plan.categories().size();
        double total = DATA_UNITS + (plan.trainDada() ? plan.dadaIterations() * DADA_STEP_UNITS : 0)
                + n * plan.iterations() / (double) Math.min(n, plan.threads())
                + 2 * n * (INFER_UNITS + EVAL_UNITS) + DATA_UNITS + REPORT_UNITS;
        this.progress = new Progress("demo", total, err, System.console() != null && System.console().isTerminal());
    }

    /** The result: mean image AUROC on the demo's test split and on the fresh one. */
    public record Outcome(Map<String, Map<String, Double>> metrics, Map<String, Map<String, Double>> freshMetrics, Map<String, Double> timings) {}

    public Outcome run() throws IOException {
        Files.createDirectories(plan.dir());
        stage("data", () -> command("data", plan.synthCommand(), DATA_UNITS));
        stage("dada", this::dada);
        stage("train", this::train);
        stage("infer", () -> { for (String c : plan.categories()) command("infer " + c, plan.inferCommand(c, plan.data(), plan.maps()), INFER_UNITS); });
        stage("evaluate", () -> command("evaluate", plan.evaluateCommand(plan.data(), plan.maps(), plan.eval()), EVAL_UNITS * plan.categories().size()));
        Path freshData = plan.fresh().resolve("data"), freshMaps = plan.fresh().resolve("maps"), freshEval = plan.fresh().resolve("eval");
        stage("fresh test set", () -> {
            command("fresh data", plan.freshSynthCommand(), DATA_UNITS);
            for (String c : plan.categories()) command("fresh infer " + c, plan.inferCommand(c, freshData, freshMaps), INFER_UNITS);
            command("fresh evaluate", plan.evaluateCommand(freshData, freshMaps, freshEval), EVAL_UNITS * plan.categories().size());
        });
        stage("report", () -> { DemoReport.write(plan.dir(), what -> progress.show("report: " + what)); progress.advance(REPORT_UNITS, "report"); });
        progress.done();
        return new Outcome(readMetrics(plan.eval().resolve("metrics.json")), readMetrics(freshEval.resolve("metrics.json")), timings);
    }

    @FunctionalInterface
    private interface Stage { void run() throws IOException; }

    private void stage(String name, Stage s) throws IOException {
        progress.show(name);
        long start = System.nanoTime();
        s.run();
        timings.put(name, (System.nanoTime() - start) / 1e9);
        writeDemoJson();
    }

    private void command(String what, List<String> command, double units) {
        progress.show(what);
        commands.add(command);
        InProcess.run(what, command);
        progress.advance(units, what);
    }

    private void dada() throws IOException {
        if (plan.trainDada()) {
            command("train-dada", plan.trainDadaCommand(), plan.dadaIterations() * DADA_STEP_UNITS);
            Path trained = plan.dir().resolve("dada-run").resolve("dada.safetensors");
            AtomicFiles.write(plan.dada(), out -> Files.copy(trained, out));
        } else {
            try (InputStream in = DemoRun.class.getResourceAsStream(SHIPPED_DADA)) {
                if (in == null) throw new IOException("the shipped DADA " + SHIPPED_DADA + " is missing from the build");
                byte[] bytes = in.readAllBytes();
                AtomicFiles.write(plan.dada(), bytes);
            }
            commands.add(List.of("cp", "models/src/main/resources" + SHIPPED_DADA, plan.dada().toString()));
        }
    }

    /** Stage-2 training of every category, side by side, one core each; then DIR/models/C.safetensors. */
    private void train() throws IOException {
        List<Stage2Training.Request> jobs = new ArrayList<>();
        List<Path> models = new ArrayList<>();
        for (String c : plan.categories()) {
            jobs.add(plan.trainRequest(c));
            models.add(plan.model(c));
            commands.add(plan.trainRequest(c).commandLine(1));
        }
        double share = 1.0 / Math.min(plan.categories().size(), plan.threads());
        SideBySide.train(jobs, models, plan.threads(), (category, step, loss) -> {
            synchronized (progress) {
                progress.advance(share, String.format(Locale.ROOT, "train %s step %d/%d loss %.3f", category, step, plan.iterations(), loss));
            }
        });
    }

    private void writeDemoJson() throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("config", plan.toMap());
        List<String> lines = new ArrayList<>();
        for (List<String> c : commands) lines.add(String.join(" ", c));
        m.put("commands", lines);
        List<Map<String, Object>> t = new ArrayList<>();
        timings.forEach((k, v) -> t.add(Map.of("stage", k, "seconds", v)));
        m.put("timings", t);
        m.put("total_seconds", (System.nanoTime() - t0) / 1e9);
        m.put("seed", plan.seed());
        m.put("threads", plan.threads());
        m.put("machine", Machine.describe());
        AtomicFiles.write(plan.dir().resolve("demo.json"), (JsonText.of(m) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** metrics.json of ./3dsr evaluate: {object: {metric: value}, ..., "mean": {...}}. */
    static Map<String, Map<String, Double>> readMetrics(Path file) {
        try {
            JsonObject root = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
            Map<String, Map<String, Double>> out = new LinkedHashMap<>();
            for (var e : root.entrySet()) {
                Map<String, Double> row = new LinkedHashMap<>();
                for (var v : e.getValue().getAsJsonObject().entrySet())
                    if (v.getValue().isJsonPrimitive() && v.getValue().getAsJsonPrimitive().isNumber()) row.put(v.getKey(), v.getValue().getAsDouble());
                out.put(e.getKey(), row);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
