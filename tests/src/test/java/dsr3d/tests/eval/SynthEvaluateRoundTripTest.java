package dsr3d.tests.eval;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dsr3d.models.cli.EvaluateCommand;
import dsr3d.models.cli.SynthCommand;
import dsr3d.simulate.io.ByteImage;
import dsr3d.simulate.io.FloatImage;
import dsr3d.simulate.io.Png;
import dsr3d.simulate.io.Tiff;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The data path a user without MVTec 3D-AD takes: {@code synth} writes a benchmark in the MVTec
 * 3D-AD layout, maps are written for every test image, {@code evaluate} scores them. Maps made
 * from the ground truth itself (1 on defects, 0 elsewhere) must score 1 on every metric. The
 * inverted maps (0 on defects, 0.5 on the normal pixels of defect images, 1 on good images) rank
 * every defect pixel below every normal pixel and every defect image (max 0.5) below every good
 * one (max 1), so they must score 0 on the AUROC-type metrics.
 */
class SynthEvaluateRoundTripTest {
    @TempDir
    Path tmp;

    @Test
    void perfectMapsScoreOneAndInvertedMapsScoreZero() throws IOException {
        Path data = tmp.resolve("data");
        int status = new CommandLine(new SynthCommand()).execute("--out", data.toString(), "--categories", "cookie,tire",
                "--size", "64", "--train", "2", "--validation", "1", "--test", "6", "--seed", "3");
        assertEquals(0, status, "synth exit status");

        writeMaps(data, tmp.resolve("perfect"), false);
        writeMaps(data, tmp.resolve("inverted"), true);

        JsonObject perfect = evaluate(data, tmp.resolve("perfect"), tmp.resolve("out-perfect"));
        JsonObject inverted = evaluate(data, tmp.resolve("inverted"), tmp.resolve("out-inverted"));
        for (String object : List.of("cookie", "tire", "mean")) {
            for (String key : List.of("image_auroc", "pixel_auroc", "au_pro", "image_ap", "pixel_ap"))
                assertEquals(1.0, perfect.getAsJsonObject(object).get(key).getAsDouble(), 1e-12, object + " " + key + " (perfect)");
            for (String key : List.of("image_auroc", "pixel_auroc", "au_pro"))
                assertEquals(0.0, inverted.getAsJsonObject(object).get(key).getAsDouble(), 1e-12, object + " " + key + " (inverted)");
        }
    }

    /** One float32 map per test image at A/<object>/test/<type>/<stem>.tiff, from its gt PNG. */
    private static void writeMaps(Path data, Path maps, boolean invert) throws IOException {
        List<Path> gts;
        try (Stream<Path> s = Files.walk(data)) {
            gts = s.filter(p -> p.getParent().getFileName().toString().equals("gt") && p.toString().endsWith(".png")).toList();
        }
        assertTrue(gts.size() >= 12, "synth wrote " + gts.size() + " gt files");
        for (Path gt : gts) {
            ByteImage mask = Png.readGray8(gt);
            float[] map = new float[mask.width() * mask.height()];
            boolean defectImage = false;
            for (byte b : mask.data()) defectImage |= b != 0;
            for (int i = 0; i < map.length; i++) {
                boolean defect = mask.data()[i] != 0;
                map[i] = !invert ? (defect ? 1f : 0f) : defect ? 0f : defectImage ? 0.5f : 1f;
            }
            Path rel = data.relativize(gt);                       // <object>/test/<type>/gt/<stem>.png
            String stem = rel.getFileName().toString().replace(".png", ".tiff");
            Path out = maps.resolve(rel.getParent().getParent()).resolve(stem);
            Files.createDirectories(out.getParent());
            Tiff.writeFloat(out, new FloatImage(mask.width(), mask.height(), 1, map));
        }
    }

    private static JsonObject evaluate(Path data, Path maps, Path out) throws IOException {
        int status = new CommandLine(new EvaluateCommand()).execute("--dataset-base-dir", data.toString(),
                "--anomaly-maps-dir", maps.toString(), "--output-dir", out.toString(), "--no-plots");
        assertEquals(0, status, "evaluate exit status");
        return JsonParser.parseString(Files.readString(out.resolve("metrics.json"))).getAsJsonObject();
    }
}
