package dsr3d.bench.cli;

import dsr3d.bench.support.FmaPeak;
import dsr3d.models.cli.BuildInfo;
import dsr3d.simulate.io.JsonText;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dsr3d.models.cli.Progress;
import dsr3d.tensor.cpu.simd.Parallel;
import dsr3d.tensor.io.AtomicFiles;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs benchmark cases for each thread count with a progress bar on stderr, then prints a table
 * on stdout (shape, pass, threads, ms, GFLOP/s, % of the FMA peak) and optionally writes JSON:
 * a new file {"tool": "3dsr bench", version, time, java, ..., "results": [row, ...]}, or, when the
 * file exists and is such a document, the new rows appended to its "results" (header kept). Each
 * row: kind, time (of the run), shape, pass, threads, flops, medianMs, minMs, reps, gflops, peakPercent.
 */
final class BenchRunner {

    record Row(BenchCase c, int threads, CaseTimer.Result r) {
        double gflops() { return c.flops() / (r.medianMs() * 1e6); }
        double peakPercent() { return 100 * gflops() / (FmaPeak.gflopsPerCore() * threads); }
    }

    private BenchRunner() {}

    static List<Row> run(List<BenchCase> cases, BenchOptions o, PrintStream out) {
        o.checkJsonTarget();
        List<Integer> threadCounts = o.threadCounts();
        CaseTimer timer = o.timer();
        int before = Parallel.threads();
        double total = 0;
        for (int t : threadCounts) for (BenchCase c : cases) total += units(c) / t;
        Progress progress = new Progress("bench", total);
        List<Row> rows = new ArrayList<>();
        try {
            for (int t : threadCounts) {
                Parallel.setThreads(t);
                for (BenchCase c : cases) {
                    String note = c.kind() + " " + c.shape() + " " + c.pass() + " t=" + t;
                    progress.show(note);
                    Runnable call = c.prepare().get();
                    rows.add(new Row(c, t, timer.time(call)));
                    progress.advance(units(c) / t, note);
                }
            }
        } finally {
            Parallel.setThreads(before);
            progress.done();
        }
        printTable(rows, o, out);
        if (o.json != null) writeJson(rows, o);
        return rows;
    }

    /** Progress weight of a case: its flops, or 1e9 when it has no flop count (infer). */
    private static double units(BenchCase c) { return c.flops() > 0 ? c.flops() : 1e9; }

    static void printTable(List<Row> rows, BenchOptions o, PrintStream out) {
        int vb = BuildInfo.vectorBits();
        out.printf(Locale.ROOT, "%n3dsr bench%s: Java %s, %s-bit vectors, %d processors; peak = %.0f GFLOP/s FMA per thread%n",
                o.quick ? " --quick" : "", Runtime.version().feature(), vb < 0 ? "no" : String.valueOf(vb),
                Runtime.getRuntime().availableProcessors(), FmaPeak.gflopsPerCore());
        out.println("(median wall time per call; a quick look, not JMH: use bench/target/benchmarks.jar for published figures)");
        int w = Math.max(12, rows.stream().mapToInt(r -> r.c().shape().length()).max().orElse(0));
        String fmt = "%-5s %-" + w + "s %-15s %7s %11s %9s %7s %4s%n";
        out.printf(Locale.ROOT, fmt, "kind", "shape", "pass", "threads", "ms", "GFLOP/s", "% peak", "reps");
        String prevKind = null;
        for (Row r : rows) {
            if (prevKind != null && !prevKind.equals(r.c().kind())) out.println();
            prevKind = r.c().kind();
            out.printf(Locale.ROOT, fmt, r.c().kind(), r.c().shape(), r.c().pass(), r.threads(),
                    String.format(Locale.ROOT, "%.2f", r.r().medianMs()), String.format(Locale.ROOT, "%.1f", r.gflops()),
                    String.format(Locale.ROOT, "%.1f", r.peakPercent()), r.r().reps());
        }
        if (rows.stream().anyMatch(r -> r.c().shape().matches("c\\d+/\\d+")))
            out.println("cN/S: 3DSR conv shape cN with height and width divided by S (quick mode, ladder).");
    }

    /**
     * The document already in the --json file, or null when there is none. An existing file must be
     * a bench JSON (an object with "tool": "3dsr bench" and a "results" array); its header and rows
     * are kept and the new rows appended after them. Anything else is refused (one line, exit 1),
     * so that a typo cannot overwrite another file.
     */
    static JsonObject existing(Path json) {
        if (json == null || !Files.exists(json)) return null;
        String text;
        try {
            text = Files.readString(json, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("--json: cannot read " + json + ": " + e.getMessage(), e);
        }
        JsonElement e;
        try {
            e = JsonParser.parseString(text);
        } catch (JsonParseException ex) {
            throw notBenchJson(json, "not valid JSON (" + ex.getMessage() + ")");
        }
        if (!e.isJsonObject()) throw notBenchJson(json, "not a JSON object");
        JsonObject o = e.getAsJsonObject();
        JsonElement tool = o.get("tool");
        if (tool == null || !tool.isJsonPrimitive() || !TOOL.equals(tool.getAsString())) throw notBenchJson(json, "no \"tool\": \"" + TOOL + "\"");
        if (!(o.get("results") instanceof JsonArray)) throw notBenchJson(json, "no \"results\" array");
        return o;
    }

    private static UncheckedIOException notBenchJson(Path json, String why) {
        return new UncheckedIOException(new IOException("--json: " + json + " exists but is not a 3dsr bench JSON file: " + why
                + "; give a new file name or an existing bench file to append to"));
    }

    static final String TOOL = "3dsr bench";

    /** Writes the rows as a new bench JSON file, or appends them to the results of an existing one. */
    static void writeJson(List<Row> rows, BenchOptions o) {
        JsonObject old = existing(o.json);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("tool", TOOL);
        doc.put("version", BuildInfo.projectVersion());
        doc.put("time", Instant.now().toString());
        doc.put("java", Runtime.version().toString());
        doc.put("vectorBits", BuildInfo.vectorBits());
        doc.put("availableProcessors", Runtime.getRuntime().availableProcessors());
        doc.put("quick", o.quick);
        doc.put("fmaPeakGflopsPerThread", FmaPeak.gflopsPerCore());
        String now = Instant.now().toString();
        List<Object> results = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", r.c().kind());
            m.put("time", now);
            m.put("shape", r.c().shape());
            m.put("pass", r.c().pass());
            m.put("threads", r.threads());
            if (Double.isFinite(r.c().flops())) m.put("flops", r.c().flops());
            m.put("medianMs", r.r().medianMs());
            m.put("minMs", r.r().minMs());
            m.put("reps", r.r().reps());
            if (Double.isFinite(r.gflops())) {
                m.put("gflops", r.gflops());
                m.put("peakPercent", r.peakPercent());
            }
            results.add(m);
        }
        doc.put("results", results);
        if (old == null) {
            writeAtomically(o.json, JsonText.of(doc) + "\n");
            System.err.println("wrote " + o.json);
            return;
        }
        JsonArray all = old.getAsJsonArray("results");
        int before = all.size();
        for (Object m : results) all.add(JsonText.GSON.toJsonTree(m));
        writeAtomically(o.json, JsonText.GSON.toJson(old) + "\n");
        System.err.println("appended " + results.size() + " result(s) to " + o.json + " (" + before + " before)");
    }

    /** Writes the report through the project's atomic writer (umask permissions, forced to disk). */
    static void writeAtomically(Path target, String text) {
        try {
            AtomicFiles.write(target, text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("--json: cannot write " + target + ": " + e.getMessage(), e);
        }
    }
}
