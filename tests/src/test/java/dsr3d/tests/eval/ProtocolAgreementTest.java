package dsr3d.tests.eval;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dsr3d.models.cli.EvaluateCommand;
import dsr3d.models.cli.SynthCommand;
import dsr3d.simulate.Rng;
import dsr3d.simulate.io.ByteImage;
import dsr3d.simulate.io.FloatImage;
import dsr3d.simulate.io.Png;
import dsr3d.simulate.io.Tiff;
import dsr3d.tests.support.Umask;
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
 * Synthetic gt masks are binary 0/255 like MVTec 3D-AD's, so the official protocol (defect =
 * gt != 0) and the 3DSR protocol (pixel positives = gt == 255, at 384 x 384) agree on what a
 * defect pixel is: on 384 x 384 synthetic data both give the same pixel AUROC and AU-PRO. Also:
 * every file synth and evaluate write has the permissions of the process umask.
 */
class ProtocolAgreementTest {
    @TempDir
    Path tmp;

    @Test
    void officialAnd3dsrProtocolsAgreeOn384SyntheticDataAndOutputsFollowTheUmask() throws IOException {
        Path data = tmp.resolve("data");
        assertEquals(0, new CommandLine(new SynthCommand()).execute("--out", data.toString(), "--categories", "cookie",
                "--size", "384", "--train", "0", "--validation", "0", "--test", "6", "--seed", "5"), "synth exit status");
        Path maps = tmp.resolve("maps");
        writeNoisyMaps(data, maps);

        JsonObject official = evaluate(data, maps, tmp.resolve("out-official"), "official");
        JsonObject dsr = evaluate(data, maps, tmp.resolve("out-3dsr"), "3dsr");
        JsonObject o = official.getAsJsonObject("cookie"), d = dsr.getAsJsonObject("cookie");
        double pixelAuroc = o.get("pixel_auroc").getAsDouble(), auPro = o.get("au_pro").getAsDouble();
        assertTrue(pixelAuroc > 0.6 && pixelAuroc < 0.999, "a non-trivial pixel AUROC: " + pixelAuroc);
        assertTrue(auPro > 0.1 && auPro < 0.999, "a non-trivial AU-PRO: " + auPro);
        assertEquals(pixelAuroc, d.get("pixel_auroc").getAsDouble(), 1e-9, "pixel AUROC, official vs 3dsr");
        assertEquals(auPro, d.get("au_pro").getAsDouble(), 1e-9, "AU-PRO, official vs 3dsr");
        assertEquals(o.get("pixel_ap").getAsDouble(), d.get("pixel_ap").getAsDouble(), 1e-9, "pixel AP, official vs 3dsr");

        assertTrue(Umask.assertTreeFollowsUmask(data) >= 6 * 4, "synth outputs");
        assertTrue(Umask.assertTreeFollowsUmask(tmp.resolve("out-official")) >= 3, "evaluate outputs (metrics, table, curves)");
    }

    /** A map per test image: the defect mask plus strong noise, so neither metric is 0 or 1. */
    private static void writeNoisyMaps(Path data, Path maps) throws IOException {
        List<Path> gts;
        try (Stream<Path> s = Files.walk(data)) {
            gts = s.filter(p -> p.getParent().getFileName().toString().equals("gt")).sorted().toList();
        }
        assertEquals(6, gts.size(), "one test image per type");
        Rng rng = new Rng(11);
        for (Path gt : gts) {
            ByteImage mask = Png.readGray8(gt);
            for (byte b : mask.data()) assertTrue(b == 0 || b == (byte) 255, gt + ": gt must be 0/255");
            float[] map = new float[mask.width() * mask.height()];
            for (int i = 0; i < map.length; i++) map[i] = (mask.data()[i] != 0 ? 0.6f : 0f) + (float) rng.uniform();
            Path rel = data.relativize(gt);                       // <object>/test/<type>/gt/<stem>.png
            Path out = maps.resolve(rel.getParent().getParent()).resolve(rel.getFileName().toString().replace(".png", ".tiff"));
            Files.createDirectories(out.getParent());
            Tiff.writeFloat(out, new FloatImage(mask.width(), mask.height(), 1, map));
        }
    }

    private static JsonObject evaluate(Path data, Path maps, Path out, String protocol) throws IOException {
        assertEquals(0, new CommandLine(new EvaluateCommand()).execute("--dataset-base-dir", data.toString(),
                "--anomaly-maps-dir", maps.toString(), "--output-dir", out.toString(), "--protocol", protocol), "evaluate exit status");
        return JsonParser.parseString(Files.readString(out.resolve("metrics.json"))).getAsJsonObject();
    }
}
