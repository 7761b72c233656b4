package dsr3d.models.train;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code log.jsonl}: one JSON object per logged step, appended and flushed line by line. Opening
 * for a resumed run keeps only the lines with step <= the checkpoint's step (a killed run may have
 * logged steps after its last checkpoint), so the resumed log equals an uninterrupted run's.
 */
public final class JsonlLog implements AutoCloseable {
    private final BufferedWriter out;

    private JsonlLog(BufferedWriter out) { this.out = out; }

    /** A fresh log (any old file is replaced). */
    public static JsonlLog create(Path file) throws IOException {
        return new JsonlLog(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
    }

    /** The existing log cut after the last line with step <= lastStep, then appended to. */
    public static JsonlLog resume(Path file, long lastStep) throws IOException {
        List<String> keep = new ArrayList<>();
        if (Files.exists(file))
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) continue;
                try {
                    JsonObject o = JsonParser.parseString(line).getAsJsonObject();
                    if (o.get("step").getAsLong() <= lastStep) keep.add(line);
                } catch (RuntimeException e) {
                    break;   // a line cut by the kill: drop it and what follows
                }
            }
        Files.write(file, keep, StandardCharsets.UTF_8);
        return new JsonlLog(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND));
    }

    public void append(JsonObject row) throws IOException {
        out.write(row.toString());
        out.newLine();
        out.flush();
    }

    @Override public void close() throws IOException { out.close(); }
}
