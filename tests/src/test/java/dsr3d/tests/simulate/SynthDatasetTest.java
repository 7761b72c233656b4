package dsr3d.tests.simulate;

import dsr3d.models.cli.SynthCommand;
import dsr3d.simulate.Rng;
import dsr3d.simulate.io.ByteImage;
import dsr3d.simulate.io.FloatImage;
import dsr3d.simulate.io.Png;
import dsr3d.simulate.io.Tiff;
import dsr3d.simulate.synth.SynthCategory;
import dsr3d.simulate.synth.SynthDataset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The synthetic benchmark through {@code ./3dsr synth}: the exact MVTec 3D-AD tree, readable
 * files of the right formats, gt non-empty exactly for defect images, a plane the 3DSR
 * preprocessing can find, defects that change what they should (depth or colour) and nothing
 * else, and the same bytes for the same seed whatever the thread count.
 */
class SynthDatasetTest {

    static final List<String> CATS = List.of("cookie", "foam", "potato", "tire");
    static final int SIZE = 64;

    @TempDir
    static Path tmp;
    static Path data;

    static int synth(Path out, String... extra) {
        String[] base = {"--out", out.toString(), "--size", "" + SIZE, "--train", "3", "--validation", "2", "--test", "12"};
        String[] args = Stream.concat(Stream.of(base), Stream.of(extra)).toArray(String[]::new);
        CommandLine cl = new CommandLine(new SynthCommand());
        cl.setOut(new PrintWriter(new StringWriter()));
        cl.setErr(new PrintWriter(new StringWriter()));
        return cl.execute(args);
    }

    @BeforeAll
    static void generate() {
        data = tmp.resolve("a");
        assertEquals(0, synth(data, "--seed", "5", "--threads", "2"));
    }

    static Set<String> tree(Path root) throws IOException {
        Set<String> files = new TreeSet<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.filter(Files::isRegularFile).forEach(p -> files.add(root.relativize(p).toString().replace('\\', '/')));
        }
        return files;
    }

    @Test
    void writesTheExactMvtecTree() throws IOException {
        Set<String> want = new TreeSet<>();
        for (String c : CATS) {
            want.add(c + "/class_ids.json");
            want.add(c + "/calibration/camera_parameters.json");
            for (int i = 0; i < 3; i++) for (String k : List.of("rgb/%03d.png", "xyz/%03d.tiff")) want.add(c + "/train/good/" + k.formatted(i));
            for (int i = 0; i < 2; i++) for (String k : List.of("rgb/%03d.png", "xyz/%03d.tiff")) want.add(c + "/validation/good/" + k.formatted(i));
            for (String t : List.of("good", "bump", "color", "combined", "crack", "dent"))
                for (int i = 0; i < 2; i++)
                    for (String k : t.equals("good") ? List.of("rgb/%03d.png", "xyz/%03d.tiff", "gt/%03d.png")
                            : List.of("rgb/%03d.png", "xyz/%03d.tiff", "gt/%03d.png", "class_ids/%03d.png")) want.add(c + "/test/" + t + "/" + k.formatted(i));
        }
        assertEquals(want, tree(data));
        assertEquals("{\"255\":\"bump\",\"254\":\"color\",\"253\":\"crack\",\"252\":\"dent\",\"0\":\"good\"}\n",
                Files.readString(data.resolve("cookie/class_ids.json")));
    }

    @Test
    void filesAreReadableAndGtMarksExactlyTheDefectImages() throws IOException {
        for (String c : CATS)
            for (String t : SynthDataset.TEST_TYPES)
                for (int i = 0; i < 2; i++) {
                    Path d = data.resolve(c + "/test/" + t);
                    String stem = "%03d".formatted(i);
                    ByteImage rgb = Png.readRgb(d.resolve("rgb/" + stem + ".png"));
                    FloatImage xyz = Tiff.readFloat(d.resolve("xyz/" + stem + ".tiff"));
                    ByteImage gt = Png.readGray8(d.resolve("gt/" + stem + ".png"));
                    assertEquals(SIZE, rgb.width());
                    assertEquals(3, xyz.channels());
                    assertEquals(SIZE, xyz.height());
                    Set<Integer> mask = new TreeSet<>();
                    for (byte b : gt.data()) mask.add(b & 0xFF);
                    assertEquals(t.equals("good") ? Set.of(0) : Set.of(0, 255), mask, c + "/" + t + "/" + stem + ": gt is a binary 0/255 mask");
                    Set<Integer> ids = new TreeSet<>();
                    if (!t.equals("good")) {
                        ByteImage cls = Png.readGray8(d.resolve("class_ids/" + stem + ".png"));
                        for (int p = 0; p < cls.data().length; p++) {
                            ids.add(cls.data()[p] & 0xFF);
                            assertEquals(cls.data()[p] != 0, gt.data()[p] != 0, c + "/" + t + "/" + stem + ": class id and mask disagree at pixel " + p);
                        }
                    } else ids.add(0);
                    String where = c + "/" + t + "/" + stem + " class ids " + ids;
                    switch (t) {
                        case "good" -> assertEquals(Set.of(0), ids, where);
                        case "bump" -> assertEquals(Set.of(0, 255), ids, where);
                        case "color" -> assertEquals(Set.of(0, 254), ids, where);
                        case "crack" -> assertEquals(Set.of(0, 253), ids, where);
                        case "dent" -> assertEquals(Set.of(0, 252), ids, where);
                        default -> {   // combined: the colour id and one geometric id
                            assertTrue(ids.contains(254) && ids.size() == 3, where);
                            assertTrue(ids.contains(255) || ids.contains(253) || ids.contains(252), where);
                        }
                    }
                    checkPointCloud(xyz, where);
                    checkPlaneAndForeground(xyz, gt, where);
                }
    }

    /** Missing points are (0,0,0); valid ones sit about 0.5 m away and follow the pinhole model. */
    static void checkPointCloud(FloatImage xyz, String where) {
        int n = SIZE * SIZE, missing = 0;
        double f = 3.3 * SIZE, c = SIZE / 2.0;
        for (int i = 0; i < n; i++) {
            float x = xyz.data()[3 * i], y = xyz.data()[3 * i + 1], z = xyz.data()[3 * i + 2];
            if (z == 0) { assertTrue(x == 0 && y == 0, where + ": missing point must be (0,0,0)"); missing++; continue; }
            assertTrue(z > 0.4 && z < 0.6, where + ": z " + z);
            assertEquals(z * (i % SIZE + 0.5 - c) / f, x, 1e-6, where + ": x from the pinhole model");
            assertEquals(z * (i / SIZE + 0.5 - c) / f, y, 1e-6, where + ": y from the pinhole model");
        }
        assertTrue(missing > 0 && missing < 0.3 * n, where + ": missing points " + missing);
    }

    /**
     * The 3DSR preprocessing (spec §5): plane through the mean xyz of the top-left, top-right and
     * bottom-left 3x3 corner patches; foreground = distance > 5 mm. It must find the object, and
     * the defects must lie on it.
     */
    static void checkPlaneAndForeground(FloatImage xyz, ByteImage gt, String where) {
        double[] p1 = corner(xyz, 0, 0), p2 = corner(xyz, SIZE - 3, 0), p3 = corner(xyz, 0, SIZE - 3);
        double[] u = {p3[0] - p1[0], p3[1] - p1[1], p3[2] - p1[2]}, v = {p2[0] - p1[0], p2[1] - p1[1], p2[2] - p1[2]};
        double[] nrm = {u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]};
        double len = Math.sqrt(nrm[0] * nrm[0] + nrm[1] * nrm[1] + nrm[2] * nrm[2]);
        int fg = 0, gtOn = 0, gtInFg = 0, n = SIZE * SIZE;
        for (int i = 0; i < n; i++) {
            double z = xyz.data()[3 * i + 2];
            double dist = Math.abs((xyz.data()[3 * i] - p1[0]) * nrm[0] + (xyz.data()[3 * i + 1] - p1[1]) * nrm[1] + (z - p1[2]) * nrm[2]) / len;
            boolean isFg = z != 0 && dist > 0.005;
            if (isFg) fg++;
            if (gt.data()[i] != 0) { gtOn++; if (isFg || z == 0) gtInFg++; }
        }
        assertTrue(fg > 0.05 * n && fg < 0.6 * n, where + ": plane-removal foreground " + fg + " of " + n);
        assertTrue(gtInFg >= 0.8 * gtOn, where + ": only " + gtInFg + " of " + gtOn + " defect pixels on the foreground");
    }

    static double[] corner(FloatImage xyz, int x0, int y0) {
        double[] s = new double[3];
        int k = 0;
        for (int y = y0; y < y0 + 3; y++)
            for (int x = x0; x < x0 + 3; x++)
                if (xyz.get(x, y, 2) != 0) { for (int c = 0; c < 3; c++) s[c] += xyz.get(x, y, c); k++; }
        assertTrue(k > 0, "corner patch has valid points");
        for (int c = 0; c < 3; c++) s[c] /= k;
        return s;
    }

    @Test
    void geometricDefectsChangeDepthNotColourAndStainsTheReverse() {
        for (SynthCategory cat : SynthCategory.all())
            for (String type : List.of("bump", "dent", "crack", "color"))
                for (long seed = 0; seed < 3; seed++) {
                    SynthDataset.Sample bad = SynthDataset.sample(cat, type, 96, new Rng(seed));
                    SynthDataset.Sample clean = SynthDataset.sample(cat, type, 96, new Rng(seed), false);
                    double dz = 0, drgb = 0, drgbOff = 0;
                    int on = 0, off = 0;
                    for (int i = 0; i < 96 * 96; i++) {
                        float za = bad.xyz().data()[3 * i + 2], zb = clean.xyz().data()[3 * i + 2];
                        double d = 0;
                        for (int c = 0; c < 3; c++) d += Math.abs((bad.rgb().data()[3 * i + c] & 0xFF) - (clean.rgb().data()[3 * i + c] & 0xFF));
                        if (bad.gt().data()[i] != 0) {
                            on++;
                            if (za != 0 && zb != 0) dz = Math.max(dz, Math.abs(za - zb));
                            drgb += d / 3;
                        } else { off++; drgbOff += d / 3; }
                    }
                    String where = cat.name() + "/" + type + " seed " + seed;
                    assertTrue(on > 0, where + ": empty gt");
                    drgb /= on;
                    if (type.equals("color")) {
                        assertArrayEquals(clean.xyz().data(), bad.xyz().data(), where + ": a stain must not change the point cloud");
                        assertTrue(drgb > 20, where + ": stain barely visible, mean |dRGB| " + drgb);
                    } else {
                        assertTrue(dz > 0.0015, where + ": depth change only " + dz + " m");
                        assertTrue(drgb < 12, where + ": geometric defect too visible in RGB, mean |dRGB| " + drgb);
                    }
                    assertTrue(drgbOff / off < 3, where + ": RGB changed away from the defect: " + drgbOff / off);
                }
    }

    static String hash(Path root) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (String f : tree(root)) {
            md.update(f.getBytes());
            md.update(Files.readAllBytes(root.resolve(f)));
        }
        return HexFormat.of().formatHex(md.digest());
    }

    @Test
    void sameSeedSameBytesWhateverTheThreadCount() throws Exception {
        Path b = tmp.resolve("b"), c = tmp.resolve("c");
        assertEquals(0, synth(b, "--seed", "5", "--threads", "1"));
        assertEquals(hash(data), hash(b));
        assertEquals(0, synth(c, "--seed", "6", "--threads", "2", "--categories", "tire"));
        assertNotEquals(Files.mismatch(data.resolve("tire/train/good/rgb/000.png"), c.resolve("tire/train/good/rgb/000.png")), -1L,
                "another seed gives other images");
    }

    @Test
    void badArgumentsAreRejectedClearly() {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new SynthCommand());
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        assertNotEquals(0, cl.execute("--out", tmp.resolve("d").toString(), "--categories", "bagel"));
        assertNotEquals(0, synth(data, "--seed", "5"), "a non-empty category folder needs --overwrite");
        assertNotEquals(0, new CommandLine(new SynthCommand()).execute("--size", "64"), "--out is required");
        assertThrows(IllegalArgumentException.class, () -> SynthCategory.byName("bagel"));
    }
}
