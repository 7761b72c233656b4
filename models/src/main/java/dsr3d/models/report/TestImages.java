package dsr3d.models.report;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dsr3d.models.data.DataException;
import dsr3d.models.data.LoadedSample;
import dsr3d.models.data.Sample;
import dsr3d.models.infer.SampleOverlay;
import dsr3d.models.infer.TestTimePipeline;
import dsr3d.simulate.io.FloatImage;
import dsr3d.simulate.io.Tiff;
import dsr3d.tensor.DType;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The report's overlays of one category: the highest- and lowest-scored defective test image and
 * the lowest- and highest-scored good one (scores from DIR/maps/c/scores.json, else the map
 * maxima). The overlay PNG of ./3dsr infer --overlays is used when it exists; otherwise it is drawn
 * here with the same code ({@link SampleOverlay}), the object reconstruction from a test-time pass
 * of the category's model (left out without one).
 */
final class TestImages {
    private TestImages() {}

    /** One scored test image. */
    record Scored(String type, String stem, double score) {
        boolean good() { return type.equals("good"); }
    }

    /** The four picks: {label, sample}, a sample shown once even when it is two picks (few images). */
    static List<Object[]> picks(List<Scored> all) {
        Comparator<Scored> byScore = Comparator.comparingDouble(Scored::score);
        List<Scored> bad = all.stream().filter(s -> !s.good()).sorted(byScore).toList();
        List<Scored> good = all.stream().filter(Scored::good).sorted(byScore).toList();
        List<Object[]> out = new ArrayList<>();
        Set<Scored> seen = new LinkedHashSet<>();
        if (!bad.isEmpty()) {
            add(out, seen, "Best detected defect (highest-scored defective image)", bad.getLast());
            add(out, seen, "Hardest defect (lowest-scored defective image)", bad.getFirst());
        }
        if (!good.isEmpty()) {
            add(out, seen, "Most normal good image (lowest score)", good.getFirst());
            add(out, seen, "Strongest false alarm (highest-scored good image)", good.getLast());
        }
        return out;
    }

    private static void add(List<Object[]> out, Set<Scored> seen, String label, Scored s) {
        if (seen.add(s)) out.add(new Object[]{label, s});
    }

    static void section(Doc doc, DemoFolder f, String c, ModelRunner runner, Consumer<String> note) throws IOException {
        List<Scored> scored = scores(f, c);
        List<Object[]> picks = picks(scored);
        List<Sample> samples = null;
        for (Object[] p : picks) {
            String label = (String) p[0];
            Scored s = (Scored) p[1];
            Path existing = f.overlay(c, s.type(), s.stem());
            BufferedImage img = Files.isRegularFile(existing) ? ImageIO.read(existing.toFile()) : null;
            if (img == null) {
                if (samples == null) samples = runner.testSamples(c, runner.imageSize(c, List.<String[]>of(new String[]{s.type(), s.stem()})));
                Sample sample = samples.stream().filter(x -> x.type().equals(s.type()) && x.stem().equals(s.stem())).findFirst()
                        .orElseThrow(() -> new DataException(f.data().resolve(c), "no test sample " + s.type() + "/" + s.stem() + " (it has an anomaly map)"));
                LoadedSample l = sample.load();
                FloatImage map = Tiff.readFloat(f.map(c, s.type(), s.stem()));
                TestTimePipeline.Result r = runner.run(c, l);
                img = SampleOverlay.render("", sample, l, map.data(), map.width(), map.height(), s.score(),
                        r == null ? null : r.reconObject().to(DType.F32).contiguous(), runner.dada() == null ? null : runner.dada().model().config().modality());
            }
            String file = c + "-" + s.type() + "-" + s.stem() + ".png";
            doc.figure(file, img, c + " " + s.type() + "/" + s.stem(),
                    String.format(Locale.ROOT, "%s: %s/%s, image score %.4f.", label, s.type(), s.stem(), s.score()));
        }
        long goodN = scored.stream().filter(Scored::good).count();
        if (goodN == 0 || goodN == scored.size()) note.accept(c + ": the test split has " + (goodN == 0 ? "no good" : "no defective") + " image to show.");
    }

    /** scores.json [{type, stem, score}], else the maximum of every map. */
    static List<Scored> scores(DemoFolder f, String c) throws IOException {
        List<Scored> out = new ArrayList<>();
        JsonElement json = DemoFolder.readJson(f.scores(c));
        if (json != null) {
            if (!json.isJsonArray()) throw new DataException(f.scores(c), "expected a list of {\"type\", \"stem\", \"score\"}");
            for (JsonElement e : json.getAsJsonArray()) {
                JsonObject o = e.getAsJsonObject();
                if (!o.has("type") || !o.has("stem") || !o.has("score")) throw new DataException(f.scores(c), "an entry lacks type, stem or score: " + o);
                out.add(new Scored(o.get("type").getAsString(), o.get("stem").getAsString(), o.get("score").getAsDouble()));
            }
            return out;
        }
        Path test = f.maps().resolve(c).resolve("test");
        try (var types = Files.list(test)) {
            for (Path t : types.filter(Files::isDirectory).sorted().toList())
                try (var maps = Files.list(t)) {
                    for (Path m : maps.filter(p -> p.toString().endsWith(".tiff")).sorted().toList()) {
                        float max = Float.NEGATIVE_INFINITY;
                        for (float v : Tiff.readFloat(m).data()) max = Math.max(max, v);
                        String name = m.getFileName().toString();
                        out.add(new Scored(t.getFileName().toString(), name.substring(0, name.length() - 5), max));
                    }
                }
        }
        return out;
    }
}
