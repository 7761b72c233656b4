package dsr3d.models.cli;

import dsr3d.simulate.io.JsonText;
import dsr3d.tensor.io.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code scores.json} of {@code ./3dsr infer} (3DSR and DSR): {@code [{"type": ..., "stem": ..., "score": S}, ...]}, one home for its shape. */
final class ScoresFile {
    private ScoresFile() {}

    static Map<String, Object> entry(String type, String stem, double score) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("type", type);
        e.put("stem", stem);
        e.put("score", score);
        return e;
    }

    /** Writes base/scores.json atomically and prints what was written (and the score of a single image). */
    static void write(Path base, List<Map<String, Object>> scores, boolean single) throws IOException {
        AtomicFiles.write(base.resolve("scores.json"), (JsonText.of(scores) + "\n").getBytes(StandardCharsets.UTF_8));
        System.out.println("wrote " + scores.size() + " anomaly map(s) and " + base.resolve("scores.json"));
        if (single) System.out.println("score " + scores.getFirst().get("score"));
    }
}
