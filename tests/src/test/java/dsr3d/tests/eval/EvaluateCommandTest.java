package dsr3d.tests.eval;

import dsr3d.models.cli.EvaluateCommand;
import dsr3d.simulate.io.ByteImage;
import dsr3d.simulate.io.FloatImage;
import dsr3d.simulate.io.Png;
import dsr3d.simulate.io.Tiff;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code ./3dsr evaluate} end to end on a tiny MVTec 3D-AD tree written here (gt PNGs with
 * class ids 255/254/253, float32 TIFF maps), checked against hand-known values (perfect and
 * inverted maps) and against the brute-force metrics (random maps).
 */
class EvaluateCommandTest {
    static final int W = 12, H = 10;
    static final String[] KEYS = {"image_auroc", "pixel_auroc", "au_pro", "image_ap", "pixel_ap"};

    @TempDir
    Path tmp;

    /** One test image of the tiny dataset: its folder, stem and gt (class ids). */
    record Item(String object, String type, String stem, int[] gt) {}

    /**
     * Per object: test/good/000,001 (all-zero gt), test/crack/000 (a diagonal two-pixel defect
     * of id 255 plus a 3x2 block of id 254), test/hole/000 (an L-shaped defect of id 253).
     */
    static List<Item> items(String object) {
        List<Item> items = new ArrayList<>();
        items.add(new Item(object, "good", "000", new int[W * H]));
        items.add(new Item(object, "good", "001", new int[W * H]));
        int[] crack = new int[W * H];
        crack[2 * W + 2] = 255;
        crack[3 * W + 3] = 255; // touches (2,2) only by a corner: same 8-connected component
        for (int y = 6; y < 8; y++) for (int x = 7; x < 10; x++) crack[y * W + x] = 254;
        items.add(new Item(object, "crack", "000", crack));
        int[] hole = new int[W * H];
        hole[1 * W + 9] = 253; hole[2 * W + 9] = 253; hole[2 * W + 10] = 253;
        items.add(new Item(object, "hole", "000", hole));
        return items;
    }

    void writeDataset(Path base, List<Item> items) throws IOException {
        for (Item it : items) {
            byte[] g = new byte[W * H];
            for (int i = 0; i < g.length; i++) g[i] = (byte) it.gt()[i];
            Path dir = base.resolve(it.object()).resolve("test").resolve(it.type());
            Png.writeGray8(dir.resolve("gt").resolve(it.stem() + ".png"), new ByteImage(W, H, 1, g));
            byte[] rgb = new byte[3 * W * H];
            for (int i = 0; i < rgb.length; i++) rgb[i] = (byte) (i * 7);
            Png.writeRgb(dir.resolve("rgb").resolve(it.stem() + ".png"), new ByteImage(W, H, 3, rgb));
        }
    }

    static void writeMap(Path maps, Item it, float[] scores, int w, int h) throws IOException {
        Tiff.writeFloat(maps.resolve(it.object()).resolve("test").resolve(it.type()).resolve(it.stem() + ".tiff"),
                new FloatImage(w, h, 1, scores));
    }

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = new CommandLine(new EvaluateCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    String[] args(Path data, Path maps, Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("--dataset-base-dir", data.toString(), "--anomaly-maps-dir", maps.toString(),
                "--output-dir", out.toString()));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    /** The value of {@code key} inside the {@code object} entry of a compact metrics.json. */
    static double value(String json, String object, String key) {
        Matcher m = Pattern.compile("\"" + object + "\":\\{([^}]*)}").matcher(json);
        assertTrue(m.find(), "no entry for " + object + " in " + json);
        Matcher v = Pattern.compile("\"" + key + "\":([-0-9.eE]+)").matcher(m.group(1));
        assertTrue(v.find(), "no " + key + " for " + object + " in " + json);
        return Double.parseDouble(v.group(1));
    }

    @Test
    void perfectMapsScoreOneInvertedMapsZeroAndRandomMapsMatchBruteForce() throws IOException {
        Path data = tmp.resolve("data"), maps = tmp.resolve("maps"), out = tmp.resolve("out");
        List<Item> perfect = items("perfect"), inverted = items("inverted"), random = items("random");
        List<Item> all = new ArrayList<>(perfect);
        all.addAll(inverted);
        all.addAll(random);
        writeDataset(data, all);
        for (Item it : perfect) { // defect pixels 1, everything else 0
            float[] s = new float[W * H];
            for (int i = 0; i < s.length; i++) s[i] = it.gt()[i] != 0 ? 1 : 0;
            writeMap(maps, it, s, W, H);
        }
        for (Item it : inverted) { // good images 2 everywhere; defective: OK pixels 1, defect pixels 0
            float[] s = new float[W * H];
            for (int i = 0; i < s.length; i++) s[i] = it.type().equals("good") ? 2 : it.gt()[i] != 0 ? 0 : 1;
            writeMap(maps, it, s, W, H);
        }
        Random r = new Random(99);
        float[][] randomMaps = new float[random.size()][];
        for (int k = 0; k < random.size(); k++) { // coarse values: ties within and across classes
            Item it = random.get(k);
            float[] s = new float[W * H];
            for (int i = 0; i < s.length; i++) s[i] = r.nextInt(12) / 4f + (it.gt()[i] != 0 ? r.nextInt(6) / 4f : 0);
            randomMaps[k] = s;
            writeMap(maps, it, s, W, H);
        }

        Run run = run(args(data, maps, out));
        assertEquals(0, run.exit(), run.err());
        String json = Files.readString(out.resolve("metrics.json"));
        for (String key : KEYS) {
            assertEquals(1.0, value(json, "perfect", key), 1e-12, key);
            if (!key.endsWith("_ap")) assertEquals(0.0, value(json, "inverted", key), 1e-12, key);
        }
        // Inverted image AP by hand: scores good 2, 2; defective 1, 1. Threshold 2: tp 0; threshold 1:
        // tp 2 of 4 predicted, P = 1/2, R = 1. AP = 1/2.
        assertEquals(0.5, value(json, "inverted", "image_ap"), 1e-12);

        // Random maps: every metric against the brute-force definitions.
        List<Double> imageScores = new ArrayList<>();
        List<Boolean> imageLabels = new ArrayList<>();
        List<Double> px = new ArrayList<>();
        List<Boolean> pxLabels = new ArrayList<>();
        int[][] ids = new int[random.size()][];
        int components = 0;
        for (int k = 0; k < random.size(); k++) {
            float max = Float.NEGATIVE_INFINITY;
            boolean[] defect = new boolean[W * H];
            for (int i = 0; i < W * H; i++) {
                max = Math.max(max, randomMaps[k][i]);
                defect[i] = random.get(k).gt()[i] != 0;
                px.add((double) randomMaps[k][i]);
                pxLabels.add(defect[i]);
            }
            imageScores.add((double) max);
            imageLabels.add(!random.get(k).type().equals("good"));
            int[] local = AuProTest.unionFindLabels(defect, W, H);
            int n = AuProTest.max(local);
            for (int i = 0; i < local.length; i++) if (local[i] > 0) local[i] += components;
            components += n;
            ids[k] = local;
        }
        assertEquals(3, components, "crack: 2 (the diagonal pair is one), hole: 1");
        double[] is = imageScores.stream().mapToDouble(Double::doubleValue).toArray();
        boolean[] il = toArray(imageLabels);
        double[] ps = px.stream().mapToDouble(Double::doubleValue).toArray();
        boolean[] pl = toArray(pxLabels);
        assertEquals(BruteForce.auroc(is, il), value(json, "random", "image_auroc"), 1e-12);
        assertEquals(BruteForce.auroc(ps, pl), value(json, "random", "pixel_auroc"), 1e-12);
        assertEquals(BruteForce.averagePrecision(is, il), value(json, "random", "image_ap"), 1e-12);
        assertEquals(BruteForce.averagePrecision(ps, pl), value(json, "random", "pixel_ap"), 1e-12);
        double auPro = BruteForce.officialAuPro(randomMaps, ids, components, 0.3);
        assertTrue(auPro > 0.05 && auPro < 0.999, "non-trivial AU-PRO " + auPro);
        assertEquals(auPro, value(json, "random", "au_pro"), 1e-12);

        // mean = plain average over the three objects
        for (String key : KEYS) {
            double mean = (value(json, "perfect", key) + value(json, "inverted", key) + value(json, "random", key)) / 3;
            assertEquals(mean, value(json, "mean", key), 1e-12, key);
        }
        String md = Files.readString(out.resolve("metrics.md"));
        assertTrue(md.contains("| perfect | 1.0000 | 1.0000 | 1.0000 | 1.0000 | 1.0000 |"), md);
        assertTrue(run.out().contains("**mean**"), run.out());
        for (String o : List.of("perfect", "inverted", "random"))
            for (String f : List.of("roc.png", "pro.png")) {
                BufferedImage img = ImageIO.read(out.resolve(o).resolve(f).toFile());
                assertNotNull(img, o + "/" + f);
                assertTrue(img.getWidth() > 300 && img.getHeight() > 300);
            }

        // Exact variant and a subset of objects: perfect stays 1.
        Run exact = run(args(data, maps, tmp.resolve("out2"), "--evaluated-objects", "perfect", "--pro-variant", "exact", "--no-plots"));
        assertEquals(0, exact.exit(), exact.err());
        String json2 = Files.readString(tmp.resolve("out2").resolve("metrics.json"));
        assertEquals(1.0, value(json2, "perfect", "au_pro"), 1e-12);
        assertFalse(json2.contains("\"random\""));
        assertFalse(Files.exists(tmp.resolve("out2").resolve("perfect").resolve("roc.png")));
    }

    @Test
    void smallerMapsAreResizedUnlessSwitchedOff() throws IOException {
        // Maps at 2x the gt size, perfect after a 2x bilinear shrink (half-pixel centres: each
        // output pixel averages a 2x2 block, so blocks of constant value stay exact).
        Path data = tmp.resolve("data"), maps = tmp.resolve("maps");
        List<Item> items = items("obj");
        writeDataset(data, items);
        for (Item it : items) {
            float[] s = new float[4 * W * H];
            for (int y = 0; y < 2 * H; y++) for (int x = 0; x < 2 * W; x++) s[y * 2 * W + x] = it.gt()[(y / 2) * W + x / 2] != 0 ? 1 : 0;
            writeMap(maps, it, s, 2 * W, 2 * H);
        }
        Run ok = run(args(data, maps, tmp.resolve("o1"), "--no-plots"));
        assertEquals(0, ok.exit(), ok.err());
        assertEquals(1.0, value(Files.readString(tmp.resolve("o1").resolve("metrics.json")), "obj", "au_pro"), 1e-12);
        Run strict = run(args(data, maps, tmp.resolve("o2"), "--no-resize-maps"));
        assertNotEquals(0, strict.exit());
        assertTrue(strict.err().contains("size mismatch") && strict.err().contains("000.tiff") && strict.err().contains("24x20"), strict.err());
    }

    @Test
    void dsr3ProtocolCountsOnlyClassId255AsPixelPositive() throws IOException {
        // 3dsr protocol at 24x24 (upscaled gt). Maps = 1 on every pixel the resized gt touches.
        // AU-PRO and image AUROC are perfect; but the pixel ROC positives are only the pixels
        // where the resized gt is exactly 255: the id-254/253 defects and blurred borders are
        // negatives scored 1, so pixel AUROC < 1 (the quirk of their uint8 cast).
        // (The 2-pixel diagonal of id 255 alone would give no positive at all: 10 -> 24 rows
        // blurs it below 255 everywhere. A 3x3 block of 255 keeps a core of exact 255s.)
        Path data = tmp.resolve("data"), maps = tmp.resolve("maps");
        List<Item> items = items("obj");
        for (int y = 6; y < 9; y++) for (int x = 0; x < 3; x++) items.get(2).gt()[y * W + x] = 255;
        writeDataset(data, items);
        int R = 24;
        for (Item it : items) {
            float[] g = new float[W * H];
            for (int i = 0; i < g.length; i++) g[i] = it.gt()[i];
            float[] up = dsr3d.simulate.image.Resize.bilinear(g, 1, H, W, R, R);
            float[] s = new float[R * R];
            for (int i = 0; i < s.length; i++) s[i] = Math.round(up[i]) != 0 ? 1 : 0;
            writeMap(maps, it, s, R, R);
        }
        Run run = run(args(data, maps, tmp.resolve("o"), "--protocol", "3dsr", "--resolution", "24", "--no-plots"));
        assertEquals(0, run.exit(), run.err());
        String json = Files.readString(tmp.resolve("o").resolve("metrics.json"));
        assertEquals(1.0, value(json, "obj", "au_pro"), 1e-12);
        assertEquals(1.0, value(json, "obj", "image_auroc"), 1e-12);
        double pixel = value(json, "obj", "pixel_auroc");
        assertTrue(pixel < 1.0 && pixel > 0.5, "pixel AUROC " + pixel);
        // The same maps in the official protocol at 24x24 are refused against 12x10 gts with --no-resize-maps.
        Run wrongSize = run(args(data, maps, tmp.resolve("o3"), "--protocol", "3dsr", "--no-plots"));
        assertNotEquals(0, wrongSize.exit());
        assertTrue(wrongSize.err().contains("384x384"), wrongSize.err());
    }

    @Test
    void errorsNameTheFileOrObject() throws IOException {
        Path data = tmp.resolve("data"), maps = tmp.resolve("maps");
        List<Item> items = items("obj");
        List<Item> noDefect = List.of(new Item("flawless", "good", "000", new int[W * H]),
                new Item("flawless", "crack", "000", new int[W * H]));
        List<Item> all = new ArrayList<>(items);
        all.addAll(noDefect);
        writeDataset(data, all);
        for (Item it : all) writeMap(maps, it, new float[W * H], W, H);

        Run flawless = run(args(data, maps, tmp.resolve("o1"), "--evaluated-objects", "flawless"));
        assertNotEquals(0, flawless.exit());
        assertTrue(flawless.err().contains("flawless") && flawless.err().contains("no defect component"), flawless.err());

        float[] nan = new float[W * H];
        nan[5 * W + 4] = Float.NaN;
        writeMap(maps, items.get(2), nan, W, H);
        Run nanRun = run(args(data, maps, tmp.resolve("o2"), "--evaluated-objects", "obj"));
        assertNotEquals(0, nanRun.exit());
        assertTrue(nanRun.err().contains("NaN") && nanRun.err().contains("crack") && nanRun.err().contains("x=4, y=5"), nanRun.err());

        Files.delete(maps.resolve("obj/test/hole/000.tiff"));
        Run missing = run(args(data, maps, tmp.resolve("o3"), "--evaluated-objects", "obj"));
        assertNotEquals(0, missing.exit());
        assertTrue(missing.err().contains("missing anomaly map") && missing.err().contains("hole/000.tiff"), missing.err());
        assertFalse(Files.exists(tmp.resolve("o3").resolve("metrics.json")), "no partial output");

        Run badLimit = run(args(data, maps, tmp.resolve("o4"), "--pro-integration-limit", "1.5"));
        assertNotEquals(0, badLimit.exit());
        assertTrue(badLimit.err().contains("(0, 1]"), badLimit.err());
        Run badObject = run(args(data, maps, tmp.resolve("o5"), "--evaluated-objects", "nope"));
        assertNotEquals(0, badObject.exit());
        assertTrue(badObject.err().contains("nope"), badObject.err());
    }

    private static boolean[] toArray(List<Boolean> l) {
        boolean[] a = new boolean[l.size()];
        for (int i = 0; i < a.length; i++) a[i] = l.get(i);
        return a;
    }
}
