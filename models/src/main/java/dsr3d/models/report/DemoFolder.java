package dsr3d.models.report;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dsr3d.models.data.DataException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The layout of a demo folder (the contract between {@code ./3dsr demo} and the report):
 * <pre>
 *   DIR/data/&lt;c&gt;/...                         synthetic data, MVTec 3D-AD layout
 *   DIR/dada.safetensors                      the DADA used
 *   DIR/models/&lt;c&gt;.safetensors              stage-2 model per category
 *   DIR/runs/&lt;c&gt;/log.jsonl                  stage-2 training log
 *   DIR/maps/&lt;c&gt;/test/&lt;type&gt;/&lt;stem&gt;.tiff     anomaly maps; DIR/maps/&lt;c&gt;/scores.json
 *   DIR/maps/&lt;c&gt;/overlays/&lt;type&gt;/&lt;stem&gt;.png  optional
 *   DIR/eval/metrics.json                     ./3dsr evaluate's output
 *   DIR/demo.json                             commands, config, timings, seed, threads, machine
 * </pre>
 * and what the report writes: DIR/report.html, DIR/report.md, DIR/report-files/.
 */
public record DemoFolder(Path dir) {
    public Path data() { return dir.resolve("data"); }
    public Path dada() { return dir.resolve("dada.safetensors"); }
    public Path model(String c) { return dir.resolve("models").resolve(c + ".safetensors"); }
    public Path log(String c) { return dir.resolve("runs").resolve(c).resolve("log.jsonl"); }
    public Path maps() { return dir.resolve("maps"); }
    public Path scores(String c) { return maps().resolve(c).resolve("scores.json"); }
    public Path map(String c, String type, String stem) { return maps().resolve(c).resolve("test").resolve(type).resolve(stem + ".tiff"); }
    public Path overlay(String c, String type, String stem) { return maps().resolve(c).resolve("overlays").resolve(type).resolve(stem + ".png"); }
    public Path metrics() { return dir.resolve("eval").resolve("metrics.json"); }
    public Path demoJson() { return dir.resolve("demo.json"); }
    public Path html() { return dir.resolve("report.html"); }
    public Path markdown() { return dir.resolve("report.md"); }
    public static final String FILES = "report-files";
    public Path files() { return dir.resolve(FILES); }

    /** Checks that DIR, DIR/data and DIR/maps exist (the least a report needs). */
    public void require() {
        if (!Files.isDirectory(dir)) throw new DataException(dir, "demo folder: no such folder");
        for (Path p : List.of(data(), maps()))
            if (!Files.isDirectory(p)) throw new DataException(p, "the demo folder has no " + dir.relativize(p) + "/ folder (is it a ./3dsr demo output?)");
    }

    /** The categories: the folders of DIR/maps that hold a test/ folder, sorted by name. */
    public List<String> categories() {
        try (Stream<Path> s = Files.list(maps())) {
            List<String> out = new ArrayList<>(s.filter(p -> Files.isDirectory(p.resolve("test"))).map(p -> p.getFileName().toString()).sorted().toList());
            if (out.isEmpty()) throw new DataException(maps(), "no category folder with anomaly maps (<category>/test/)");
            return out;
        } catch (IOException e) {
            throw new DataException(maps(), "cannot list the folder", e);
        }
    }

    /** The JSON of a file, or null when the file does not exist; a malformed file is a DataException naming it. */
    public static JsonElement readJson(Path file) {
        if (!Files.isRegularFile(file)) return null;
        try {
            return JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new DataException(file, "cannot read", e);
        } catch (JsonParseException e) {
            throw new DataException(file, "not valid JSON", e);
        }
    }

    /** DIR/demo.json as an object, or null when absent. */
    public JsonObject demo() {
        JsonElement e = readJson(demoJson());
        if (e == null) return null;
        if (!e.isJsonObject()) throw new DataException(demoJson(), "expected a JSON object {\"commands\": [...], ...}");
        return e.getAsJsonObject();
    }
}
