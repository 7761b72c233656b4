package dsr3d.tests.data;

import dsr3d.models.data.DataException;
import dsr3d.models.data.DataProblem;
import dsr3d.models.data.EyecandiesDataset;
import dsr3d.models.data.EyecandiesGeometry;
import dsr3d.models.data.LoadOptions;
import dsr3d.models.data.LoadedSample;
import dsr3d.models.data.Preprocess3dsr.GtMode;
import dsr3d.models.data.Sample;
import dsr3d.simulate.io.Png;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Eyecandies: 16-bit depth decoding with its info_depth range, back-projection, the light
 * choice, labels from metadata, and scan problems, on files generated here.
 */
class EyecandiesDatasetTest {
    static final int N = 24;    // image side (the real data is 512)

    @TempDir Path root;

    static void writeDepth16(Path file, int w, int h, int[] values) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_USHORT_GRAY);
        img.getRaster().setPixels(0, 0, w, h, values);
        Files.createDirectories(file.getParent());
        assertTrue(ImageIO.write(img, "png", file.toFile()));
    }

    static void info(Path file, double min, double max) throws IOException {
        Files.writeString(file, "# depth range\nnormalization:\n  max: " + max + "   # metres\n  min: " + min + "\nother: 3\n");
    }

    @Test
    void depthPngDecodesWithItsRange() throws IOException {
        Path d = root.resolve("00_depth.png"), y = root.resolve("00_info_depth.yaml");
        writeDepth16(d, 4, 1, new int[]{0, 65535, 13107, 52428});
        info(y, 0.3, 0.7);
        EyecandiesDataset.DepthMap m = EyecandiesDataset.readDepthMetres(d, y);
        assertEquals(4, m.width());
        assertEquals(1, m.height());
        // v/65535 * 0.4 + 0.3: 0 -> 0.3, 65535 -> 0.7, 13107 = 65535/5 -> 0.38, 52428 = 4*13107 -> 0.62
        assertArrayEquals(new float[]{0.3f, 0.7f, 0.38f, 0.62f}, m.metres(), 1e-6f);
    }

    @Test
    void badRangeFilesNameTheFile() throws IOException {
        Path y = root.resolve("bad_info_depth.yaml");
        Files.writeString(y, "normalization:\n  min: 0.5\n");
        DataException e = assertThrows(DataException.class, () -> EyecandiesDataset.readDepthRange(y));
        assertEquals(y, e.file());
        assertTrue(e.getMessage().contains("normalization.max"), e.getMessage());
        Files.writeString(y, "normalization:\n  min: 0.5\n  max: 0.5\n");
        assertTrue(assertThrows(DataException.class, () -> EyecandiesDataset.readDepthRange(y)).getMessage().contains("max > min"));
        Path pose = root.resolve("00_pose.txt");
        Files.writeString(pose, "1 0 0\n0 1 0\n");
        DataException pe = assertThrows(DataException.class, () -> EyecandiesDataset.readPose(pose));
        assertTrue(pe.getMessage().startsWith(pose.toString()) && pe.getMessage().contains("16"), pe.getMessage());
    }

    @Test
    void backProjectionIsThePinholeModelThenTheInversePose() {
        int w = 8, h = 6;
        float[] depth = new float[w * h];
        for (int i = 0; i < depth.length; i++) depth[i] = 0.4f + 0.01f * i;
        double f = EyecandiesGeometry.FOCAL_PX;
        // pose = translation by t (camera = world + t), so world = camera - t
        double[] t = {0.01, -0.02, 0.05};
        double[] pose = {1, 0, 0, t[0], 0, 1, 0, t[1], 0, 0, 1, t[2], 0, 0, 0, 1};
        float[] xyz = EyecandiesGeometry.pointCloud(depth, h, w, pose, f);
        for (int v = 0; v < h; v++)
            for (int u = 0; u < w; u++) {
                int i = v * w + u;
                double d = depth[i];
                assertEquals((u - w / 2.0) * d / f - t[0], xyz[i * 3], 1e-6);
                assertEquals((v - h / 2.0) * d / f - t[1], xyz[i * 3 + 1], 1e-6);
                assertEquals(d - t[2], xyz[i * 3 + 2], 1e-6);
            }
    }

    /** Table at raw depth 40000 with a box [8,16)^2 raised (nearer) to 20000; range 0.5..0.6 m. */
    static void sample(Path data, String idx, Integer anomalous, boolean withDepth) throws IOException {
        Files.createDirectories(data);
        int[] raw = new int[N * N];
        for (int y = 0; y < N; y++)
            for (int x = 0; x < N; x++) raw[y * N + x] = (y >= 8 && y < 16 && x >= 8 && x < 16) ? 20000 + 300 * (x - 8) : 40000;
        if (withDepth) writeDepth16(data.resolve(idx + "_depth.png"), N, N, raw);
        info(data.resolve(idx + "_info_depth.yaml"), 0.5, 0.6);
        Files.writeString(data.resolve(idx + "_pose.txt"), "1 0 0 0\n0 1 0 0\n0 0 1 0\n0 0 0 1\n");
        for (int k = 0; k < 6; k++) Png.writeRgb(data.resolve(idx + "_image_" + k + ".png"), MvtecTree.rgb(N, N, 10 * k + 5, 7, 9));
        if (anomalous != null) Files.writeString(data.resolve(idx + "_metadata.yaml"), "anomalous: " + anomalous + "\n");
        Png.writeGray8(data.resolve(idx + "_mask.png"), MvtecTree.gt(N, N, anomalous != null && anomalous == 1 ? 255 : 0, 10, 14, 10, 14));
    }

    @Test
    void scanLoadLightAndLabels() throws IOException {
        Path cat = root.resolve("CandyCane");
        sample(cat.resolve("train/data"), "000", null, true);
        sample(cat.resolve("train/data"), "001", null, true);
        sample(cat.resolve("train/data"), "002", null, false);           // depth missing
        sample(cat.resolve("test_public/data"), "00", 1, true);
        sample(cat.resolve("test_public/data"), "01", 0, true);

        EyecandiesDataset ds = EyecandiesDataset.open(root, new LoadOptions(N, GtMode.NEAREST_BINARY), 2);
        assertEquals(List.of("CandyCane"), ds.categories());
        List<Path> probs = ds.problems().stream().map(DataProblem::file).toList();
        assertEquals(List.of(cat.resolve("train/data/002_depth.png")), probs, ds.problems().toString());
        assertEquals(List.of("000", "001"), ds.samples("CandyCane", "train").map(Sample::stem).toList());
        List<Sample> test = ds.samples("CandyCane", "test_public").toList();
        assertEquals(List.of("bad", "good"), test.stream().map(Sample::type).toList());
        Sample bad = test.get(0);
        assertEquals("image_2", bad.light());
        assertEquals("00_image_2.png", bad.rgb().getFileName().toString());

        LoadedSample l = bad.load();
        assertEquals(1, l.label());
        assertArrayEquals(new int[]{4, N, N}, l.input().shape());
        float[] all = l.input().toFloatArray();
        int n = N * N;
        for (int y = 0; y < N; y++)
            for (int x = 0; x < N; x++) {
                int i = y * N + x;
                boolean box = y >= 8 && y < 16 && x >= 8 && x < 16;
                assertEquals(box ? 1f : 0f, l.foreground()[i], "foreground " + y + "," + x);
                if (box) assertTrue(all[i] >= 0.1f - 1e-6f && all[i] <= 0.9f + 1e-6f);
                assertEquals(25 / 255f, all[n + i], 1e-6f, "R of image_2 (10*2+5)");
                assertEquals(y >= 10 && y < 14 && x >= 10 && x < 14 ? 1f : 0f, l.gt()[i]);
            }
        assertEquals(0, test.get(1).load().label());
        // the light can be chosen: image_5 has R = 55
        LoadedSample l5 = EyecandiesDataset.open(root.resolve("CandyCane"), new LoadOptions(N, GtMode.NEAREST_BINARY), 5)
                .samples("CandyCane", "train").findFirst().orElseThrow().load();
        assertEquals(55 / 255f, l5.input().toFloatArray()[n], 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> EyecandiesDataset.open(root, LoadOptions.defaults(), 6));
    }
}
