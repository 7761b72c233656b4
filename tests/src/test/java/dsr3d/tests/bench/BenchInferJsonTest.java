package dsr3d.tests.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dsr3d.models.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code ./3dsr bench infer --json FILE}: a new file gets the bench JSON document; an existing bench
 * JSON file keeps its header and rows and gets the new "infer" rows (kind, threads, medianMs)
 * appended; a file that is not a bench JSON is refused (exit 1, one line) and left as it was.
 * Small preset at 32 x 32, --quick, so the timing itself takes well under a second.
 */
class BenchInferJsonTest {
    @TempDir
    Path tmp;

    /** An existing file as `bench gemm --json` writes it (the committed format), one row. */
    static final String GEMM_FILE = "{\"tool\":\"3dsr bench\",\"version\":\"0.1\",\"time\":\"2025-01-01T00:00:00Z\",\"java\":\"25\","
            + "\"vectorBits\":256,\"availableProcessors\":2,\"quick\":true,\"fmaPeakGflopsPerThread\":100.0,"
            + "\"results\":[{\"kind\":\"gemm\",\"shape\":\"n=256\",\"pass\":\"forward\",\"threads\":1,\"flops\":3.3554432E7,"
            + "\"medianMs\":1.5,\"minMs\":1.4,\"reps\":3,\"gflops\":22.4,\"peakPercent\":22.4}]}\n";

    record Run(int status, String err) {}

    static Run run(String... args) {
        PrintStream oldErr = System.err, oldOut = System.out;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            return new Run(Main.execute(args), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(oldErr);
            System.setOut(oldOut);
        }
    }

    static Run benchInfer(Path json, String threads) {
        return run("bench", "infer", "--preset", "small", "--size", "32", "--threads", threads, "--quick", "--json", json.toString());
    }

    static JsonObject read(Path p) throws Exception {
        return JsonParser.parseString(Files.readString(p)).getAsJsonObject();
    }

    static void assertInferRow(JsonObject row, int threads) {
        assertEquals("infer", row.get("kind").getAsString(), row.toString());
        assertEquals(threads, row.get("threads").getAsInt(), row.toString());
        assertTrue(row.get("medianMs").getAsDouble() > 0, row.toString());
        assertEquals("rgbd@32", row.get("shape").getAsString(), row.toString());
    }

    @Test
    void appendsToAnExistingBenchFileAndKeepsItsRows() throws Exception {
        Path json = tmp.resolve("bench.json");
        Files.writeString(json, GEMM_FILE);
        Run r = benchInfer(json, "1");
        assertEquals(0, r.status(), r.err());
        JsonObject doc = read(json);
        assertEquals("2025-01-01T00:00:00Z", doc.get("time").getAsString(), "the existing header is kept");
        JsonArray rows = doc.getAsJsonArray("results");
        assertEquals(2, rows.size(), doc.toString());
        assertEquals(JsonParser.parseString(GEMM_FILE).getAsJsonObject().getAsJsonArray("results").get(0), rows.get(0), "the old row is unchanged");
        assertInferRow(rows.get(1).getAsJsonObject(), 1);
        // a second run appends again, after both
        r = benchInfer(json, "1,2");
        assertEquals(0, r.status(), r.err());
        rows = read(json).getAsJsonArray("results");
        assertEquals(4, rows.size(), rows.toString());
        assertInferRow(rows.get(2).getAsJsonObject(), 1);
        assertInferRow(rows.get(3).getAsJsonObject(), 2);
        try (var files = Files.list(tmp)) {
            assertEquals(1, files.count(), "no temporary file left behind by the atomic write");
        }
    }

    @Test
    void newFileGetsTheWholeDocument() throws Exception {
        Path json = tmp.resolve("new.json");
        Run r = benchInfer(json, "1");
        assertEquals(0, r.status(), r.err());
        JsonObject doc = read(json);
        assertEquals("3dsr bench", doc.get("tool").getAsString());
        assertEquals(1, doc.getAsJsonArray("results").size());
        assertInferRow(doc.getAsJsonArray("results").get(0).getAsJsonObject(), 1);
    }

    @Test
    void refusesAFileThatIsNotABenchJsonAndLeavesItAlone() throws Exception {
        for (String content : new String[] {"{\"type\": \"scores\"}\n", "not json at all {", "[1, 2]\n"}) {
            Path other = tmp.resolve("other.json");
            Files.writeString(other, content);
            Run r = benchInfer(other, "1");
            assertEquals(1, r.status(), r.err());
            assertTrue(r.err().contains("is not a 3dsr bench JSON file"), r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
            assertEquals(content, Files.readString(other), "the file must be left as it was");
        }
    }
}
