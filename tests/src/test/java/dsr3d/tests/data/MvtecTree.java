package dsr3d.tests.data;

import dsr3d.simulate.io.ByteImage;
import dsr3d.simulate.io.FloatImage;
import dsr3d.simulate.io.Png;
import dsr3d.simulate.io.Tiff;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes tiny MVTec 3D-AD samples in the real formats (8-bit RGB PNG, 3-channel float32 TIFF,
 * 8-bit class-id gt PNG) with the simulate module's writers: a tilted table with a raised box.
 */
final class MvtecTree {
    private MvtecTree() {}

    static final int W = 24, H = 20;   // deliberately not square (MVTec tire is 600 wide x 800 high)

    /** Box rows [6, 14), cols [8, 18). */
    static boolean inBox(int y, int x) { return y >= 6 && y < 14 && x >= 8 && x < 18; }

    static FloatImage cloud(int w, int h) {
        FloatImage f = FloatImage.zeros(w, h, 3);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                f.set(x, y, 0, x * 0.001f);
                f.set(x, y, 1, y * 0.001f);
                float z = 0.5f + 0.1f * x * 0.001f + 0.05f * y * 0.001f;
                if (inBox(y, x)) z -= 0.02f + 0.0004f * (x - 8);
                f.set(x, y, 2, z);
            }
        return f;
    }

    static ByteImage rgb(int w, int h, int r, int g, int b) {
        byte[] d = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++) { d[3 * i] = (byte) r; d[3 * i + 1] = (byte) g; d[3 * i + 2] = (byte) b; }
        return new ByteImage(w, h, 3, d);
    }

    /** gt with class id {@code id} on rows [y0, y1) x cols [x0, x1). */
    static ByteImage gt(int w, int h, int id, int y0, int y1, int x0, int x1) {
        byte[] d = new byte[w * h];
        for (int y = y0; y < y1; y++) for (int x = x0; x < x1; x++) d[y * w + x] = (byte) id;
        return new ByteImage(w, h, 1, d);
    }

    /** Writes rgb + xyz (+ gt if non-null) of one sample under {@code typeDir}. */
    static void sample(Path typeDir, String stem, ByteImage gt) throws IOException {
        Files.createDirectories(typeDir.resolve("rgb"));
        Files.createDirectories(typeDir.resolve("xyz"));
        Png.writeRgb(typeDir.resolve("rgb").resolve(stem + ".png"), rgb(W, H, 200, 100, 50));
        Tiff.writeFloat(typeDir.resolve("xyz").resolve(stem + ".tiff"), cloud(W, H));
        if (gt != null) {
            Files.createDirectories(typeDir.resolve("gt"));
            Png.writeGray8(typeDir.resolve("gt").resolve(stem + ".png"), gt);
        }
    }

    /**
     * A clean category: train/good 000-002, validation/good 000, test/good 000 (all-zero gt) and
     * 001 (no gt file), test/hole 000-001 (id 253), test/combined 000 (ids 254 and 255).
     */
    static Path category(Path root, String name) throws IOException {
        Path c = root.resolve(name);
        for (String s : new String[]{"000", "001", "002"}) sample(c.resolve("train/good"), s, null);
        sample(c.resolve("validation/good"), "000", null);
        sample(c.resolve("test/good"), "000", gt(W, H, 0, 0, 0, 0, 0));
        sample(c.resolve("test/good"), "001", null);
        sample(c.resolve("test/hole"), "000", gt(W, H, 253, 8, 12, 10, 14));
        sample(c.resolve("test/hole"), "001", gt(W, H, 253, 6, 9, 8, 11));
        ByteImage comb = gt(W, H, 254, 6, 10, 8, 12);
        for (int y = 10; y < 14; y++) for (int x = 14; x < 18; x++) comb.data()[y * W + x] = (byte) 255;
        sample(c.resolve("test/combined"), "000", comb);
        return c;
    }
}
