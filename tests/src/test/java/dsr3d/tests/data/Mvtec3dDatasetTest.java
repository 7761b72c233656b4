package dsr3d.tests.data;

import dsr3d.models.data.DataException;
import dsr3d.models.data.DataProblem;
import dsr3d.models.data.LoadOptions;
import dsr3d.models.data.LoadedSample;
import dsr3d.models.data.Mvtec3dDataset;
import dsr3d.models.data.Preprocess3dsr.GtMode;
import dsr3d.models.data.Sample;
import dsr3d.simulate.io.FloatImage;
import dsr3d.simulate.io.Png;
import dsr3d.simulate.io.Tiff;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MVTec 3D-AD scanning and loading on trees generated here in the real file formats, then
 * damaged in the ways real copies get damaged: every problem must name its file, nothing may
 * crash with anything but a {@link DataException}.
 */
class Mvtec3dDatasetTest {
    static final int S = 16;
    static final LoadOptions OPTS = new LoadOptions(S, GtMode.NEAREST_BINARY);

    @TempDir Path root;

    @Test
    void scanListsCategoriesTypesAndPairsByStem() throws IOException {
        MvtecTree.category(root, "tire");
        MvtecTree.category(root, "cookie");
        Mvtec3dDataset ds = Mvtec3dDataset.open(root, OPTS);
        assertEquals(List.of("cookie", "tire"), ds.categories());
        assertEquals(List.of("combined", "good", "hole"), ds.types("tire", "test"));
        assertEquals(List.of("good"), ds.types("tire", "train"));
        assertEquals(List.of(), ds.problems(), "clean tree has no problems");
        List<Sample> train = ds.samples("tire", "train").toList();
        assertEquals(List.of("000", "001", "002"), train.stream().map(Sample::stem).toList());
        for (Sample s : train) {
            assertEquals(s.stem() + ".png", s.rgb().getFileName().toString());
            assertEquals(s.stem() + ".tiff", s.xyz().getFileName().toString());
            assertNull(s.gt());
            assertEquals(0, s.label());
        }
        assertEquals(5, ds.samples("tire", "test").count());   // good 2, hole 2, combined 1
        Sample hole = ds.samples("tire", "test", "hole").get(1);
        assertEquals("001", hole.stem());
        assertEquals(1, hole.label());
        assertEquals(root.resolve("tire/test/hole/gt/001.png"), hole.gt());
        // a single category folder also works as the root
        assertEquals(List.of("tire"), Mvtec3dDataset.open(root.resolve("tire"), OPTS).categories());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ds.samples("bagel", "test"));
        assertTrue(e.getMessage().contains("bagel") && e.getMessage().contains("tire"), e.getMessage());
    }

    /** Source index of OpenCV's nearest rule, in exact integer arithmetic: floor(i * src / dst). */
    static int src(int i, int srcSize, int dstSize) { return (int) ((long) i * srcSize / dstSize); }

    @Test
    void loadGivesDepthRgbAndBinarisedGtAtWorkingSize() throws IOException {
        MvtecTree.category(root, "tire");
        Mvtec3dDataset ds = Mvtec3dDataset.open(root, OPTS);
        LoadedSample l = ds.samples("tire", "test", "hole").get(0).load();
        assertArrayEquals(new int[]{4, S, S}, l.input().shape());
        assertEquals(1, l.label());
        float[] all = l.input().toFloatArray();
        int n = S * S;
        for (int y = 0; y < S; y++)
            for (int x = 0; x < S; x++) {
                int i = y * S + x;
                int sy = src(y, MvtecTree.H, S), sx = src(x, MvtecTree.W, S);
                boolean box = MvtecTree.inBox(sy, sx);
                assertEquals(box ? 1f : 0f, l.foreground()[i], "foreground at " + y + "," + x);
                assertEquals(box ? 1f : 0f, l.validDepth()[i]);
                if (box) assertTrue(all[i] >= 0.1f - 1e-6f && all[i] <= 0.9f + 1e-6f, "depth " + all[i]);
                boolean defect = sy >= 8 && sy < 12 && sx >= 10 && sx < 14;       // id 253 -> 1
                assertEquals(defect ? 1f : 0f, l.gt()[i], "gt at " + y + "," + x);
                assertEquals(200 / 255f, all[n + i], 1e-6f);
                assertEquals(100 / 255f, all[2 * n + i], 1e-6f);
                assertEquals(50 / 255f, all[3 * n + i], 1e-6f);
            }
        float[] d = l.depth();
        assertEquals(0.1f, min(d, 1e-3f), 1e-6f);
        assertEquals(0.9f, max(d), 1e-6f);

        // test/good: one with an all-zero gt, one without gt file: both load zeros, label 0.
        for (Sample g : ds.samples("tire", "test", "good")) {
            LoadedSample lg = g.load();
            assertEquals(0, lg.label());
            for (float v : lg.gt()) assertEquals(0f, v);
        }
        // combined with ids 254 and 255: both count as defect.
        float gtSum = 0;
        for (float v : ds.samples("tire", "test", "combined").get(0).load().gt()) gtSum += v;
        assertTrue(gtSum > 0);
        float[] compat = Mvtec3dDataset.open(root, new LoadOptions(S, GtMode.BILINEAR_DIV255))
                .samples("tire", "test", "combined").get(0).load().gt();
        assertTrue(max(compat) <= 1f && max(compat) > 0.99f, "254/255 and 255/255 in compat mode");
    }

    static float min(float[] a, float above) { float m = Float.MAX_VALUE; for (float v : a) if (v > above) m = Math.min(m, v); return m; }

    static float max(float[] a) { float m = -Float.MAX_VALUE; for (float v : a) m = Math.max(m, v); return m; }

    @Test
    void hostileFilesGiveErrorsNamingTheFile() throws IOException {
        Path c = MvtecTree.category(root, "tire");
        // 1. rgb without xyz, and xyz without rgb
        Path lonelyRgb = c.resolve("train/good/rgb/002.png");
        Files.delete(c.resolve("train/good/xyz/002.tiff"));
        Path lonelyXyz = c.resolve("test/hole/xyz/005.tiff");
        Tiff.writeFloat(lonelyXyz, MvtecTree.cloud(MvtecTree.W, MvtecTree.H));
        // 2. defect image without gt
        MvtecTree.sample(c.resolve("test/cut"), "000", null);
        Path missingGt = c.resolve("test/cut/gt/000.png");
        // 3. gt of another size
        Path smallGt = c.resolve("test/hole/gt/001.png");
        Png.writeGray8(smallGt, MvtecTree.gt(10, 10, 253, 2, 4, 2, 4));
        // 4. truncated TIFF
        Path truncated = c.resolve("test/combined/xyz/000.tiff");
        byte[] t = Files.readAllBytes(truncated);
        Files.write(truncated, Arrays.copyOf(t, t.length / 2));
        // 5. wrong sample format (unsigned int instead of IEEE float)
        Path wrongFormat = c.resolve("validation/good/xyz/000.tiff");
        byte[] wf = Files.readAllBytes(wrongFormat);
        patchSampleFormat(wf, 1);
        Files.write(wrongFormat, wf);
        // 6. a 1-channel float TIFF
        Path oneChannel = c.resolve("train/good/xyz/001.tiff");
        Tiff.writeFloat(oneChannel, FloatImage.zeros(MvtecTree.W, MvtecTree.H, 1));
        // 7. unreadable PNG
        Path garbage = c.resolve("test/good/rgb/000.png");
        Files.write(garbage, "not a png at all".getBytes());

        // 8. a 'good' sample whose gt marks defect pixels
        Path dirtyGoodGt = c.resolve("test/good/gt/001.png");
        Png.writeGray8(dirtyGoodGt, MvtecTree.gt(MvtecTree.W, MvtecTree.H, 255, 0, 3, 0, 3));

        Mvtec3dDataset ds = Mvtec3dDataset.open(root, OPTS);
        List<Path> scanFiles = ds.problems().stream().map(DataProblem::file).toList();
        assertTrue(scanFiles.contains(lonelyRgb), "rgb without xyz: " + ds.problems());
        assertTrue(scanFiles.contains(lonelyXyz), "xyz without rgb: " + ds.problems());
        assertTrue(scanFiles.contains(missingGt), "missing gt: " + ds.problems());
        assertEquals(2, ds.samples("tire", "train").count(), "unpaired rgb is skipped");

        assertLoadFails(ds.samples("tire", "test", "cut").get(0), missingGt, "missing gt");
        assertLoadFails(ds.samples("tire", "test", "hole").get(1), smallGt, "10x10");
        assertLoadFails(ds.samples("tire", "test", "combined").get(0), truncated, "");
        assertLoadFails(ds.samples("tire", "validation", "good").get(0), wrongFormat, "");
        assertLoadFails(ds.samples("tire", "train", "good").get(1), oneChannel, "3 float channels");
        assertLoadFails(ds.samples("tire", "test", "good").get(0), garbage, "");

        List<DataProblem> all = ds.validate(null);
        List<Path> files = all.stream().map(DataProblem::file).toList();
        for (Path p : List.of(lonelyRgb, lonelyXyz, missingGt, smallGt, truncated, wrongFormat, oneChannel, garbage, dirtyGoodGt))
            assertTrue(files.contains(p), "validate reports " + p + ": " + all);
        for (DataProblem p : all) assertTrue(p.toString().startsWith(p.file().toString()), p.toString());
        // good samples load an all-zero gt whatever their file says (as the official loader)
        for (float v : ds.samples("tire", "test", "good").get(1).load().gt()) assertEquals(0f, v);
        // the intact samples still load
        ds.samples("tire", "test", "hole").get(0).load();
        ds.samples("tire", "train", "good").get(0).load();
    }

    static void assertLoadFails(Sample s, Path file, String fragment) {
        DataException e = assertThrows(DataException.class, s::load, "loading " + s.id());
        assertEquals(file, e.file(), e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    /** Sets every SampleFormat value of a little-endian TIFF written by Tiff.encode. */
    static void patchSampleFormat(byte[] tiff, int value) {
        ByteBuffer b = ByteBuffer.wrap(tiff).order(ByteOrder.LITTLE_ENDIAN);
        int ifd = b.getInt(4), n = b.getShort(ifd) & 0xFFFF;
        for (int i = 0; i < n; i++) {
            int p = ifd + 2 + 12 * i;
            if ((b.getShort(p) & 0xFFFF) != 339) continue;
            int count = b.getInt(p + 4);
            int at = count <= 2 ? p + 8 : b.getInt(p + 8);
            for (int k = 0; k < count; k++) b.putShort(at + 2 * k, (short) value);
            return;
        }
        throw new AssertionError("SampleFormat tag not found");
    }

    @Test
    void realSizedTireSampleLoadsAt384() throws IOException {
        // 600 wide x 800 high like MVTec tire; object: rows [300, 500) x cols [200, 400), raised 2 cm.
        int w = 600, h = 800;
        FloatImage cloud = FloatImage.zeros(w, h, 3);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                boolean obj = y >= 300 && y < 500 && x >= 200 && x < 400;
                cloud.set(x, y, 0, x * 0.0002f);
                cloud.set(x, y, 1, y * 0.0002f);
                cloud.set(x, y, 2, 0.6f + 0.02f * x * 0.0002f - (obj ? 0.02f + 0.00001f * (y - 300) : 0f));
            }
        Path type = root.resolve("tire/test/good");
        java.nio.file.Files.createDirectories(type.resolve("rgb"));
        java.nio.file.Files.createDirectories(type.resolve("xyz"));
        Png.writeRgb(type.resolve("rgb/000.png"), MvtecTree.rgb(w, h, 1, 2, 3));
        Tiff.writeFloat(type.resolve("xyz/000.tiff"), cloud);
        LoadedSample l = Mvtec3dDataset.open(root).samples("tire", "test", "good").get(0).load();
        int s = 384;
        assertArrayEquals(new int[]{4, s, s}, l.input().shape());
        int fg = 0;
        for (int y = 0; y < s; y++)
            for (int x = 0; x < s; x++) {
                int sy = src(y, h, s), sx = src(x, w, s);
                boolean obj = sy >= 300 && sy < 500 && sx >= 200 && sx < 400;
                assertEquals(obj ? 1f : 0f, l.foreground()[y * s + x], "foreground at " + y + "," + x);
                if (obj) fg++;
            }
        assertTrue(fg > 0);
        float[] d = l.depth();
        assertEquals(0.1f, min(d, 1e-3f), 1e-6f);
        assertEquals(0.9f, max(d), 1e-6f);
    }

    @Test
    void rootWithoutCategoriesIsAClearError() throws IOException {
        Files.createDirectories(root.resolve("empty"));
        DataException e = assertThrows(DataException.class, () -> Mvtec3dDataset.open(root.resolve("empty")));
        assertTrue(e.getMessage().contains("no MVTec 3D-AD category"), e.getMessage());
        assertThrows(DataException.class, () -> Mvtec3dDataset.open(root.resolve("nope")));
    }
}
