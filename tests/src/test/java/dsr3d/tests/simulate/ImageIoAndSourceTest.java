package dsr3d.tests.simulate;

import dsr3d.simulate.Rng;
import dsr3d.simulate.io.ByteImage;
import dsr3d.simulate.io.FloatImage;
import dsr3d.simulate.io.Png;
import dsr3d.simulate.source.FolderImageSource;
import dsr3d.simulate.source.ProceduralImageSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/** PNG helpers (exact values, colour conversions) and the two stage-1 image sources. */
class ImageIoAndSourceTest {

    @TempDir
    Path dir;

    @Test
    void rgbAndGreyRoundTripExactly() throws IOException {
        int w = 13, h = 7;
        byte[] rgb = new byte[3 * w * h], grey = new byte[w * h];
        for (int i = 0; i < rgb.length; i++) rgb[i] = (byte) (i * 37);
        for (int i = 0; i < grey.length; i++) grey[i] = (byte) (i % 3 == 0 ? 0 : 256 - i % 4); // 0, 255, 254, 253
        Png.writeRgb(dir.resolve("a.png"), new ByteImage(w, h, 3, rgb));
        Png.writeGray8(dir.resolve("g.png"), new ByteImage(w, h, 1, grey));
        assertArrayEquals(rgb, Png.readRgb(dir.resolve("a.png")).data());
        assertArrayEquals(grey, Png.readGray8(dir.resolve("g.png")).data(), "class ids survive unchanged");
        // The grey mask read as RGB is R = G = B.
        ByteImage asRgb = Png.readRgb(dir.resolve("g.png"));
        for (int i = 0; i < w * h; i++) {
            assertEquals(asRgb.data()[3 * i], asRgb.data()[3 * i + 1]);
            assertEquals(asRgb.data()[3 * i], asRgb.data()[3 * i + 2]);
        }
        IOException e = assertThrows(IOException.class, () -> Png.readGray8(dir.resolve("a.png")));
        assertTrue(e.getMessage().contains("a.png"), e.getMessage());
    }

    @Test
    void reads16BitGreyAndRejectsNonImages() throws IOException {
        BufferedImage img = new BufferedImage(5, 3, BufferedImage.TYPE_USHORT_GRAY);
        for (int i = 0; i < 15; i++) img.getRaster().setSample(i % 5, i / 5, 0, 4000 * i + 7);
        ImageIO.write(img, "png", dir.resolve("d.png").toFile());
        FloatImage d = Png.readGray16(dir.resolve("d.png"));
        for (int i = 0; i < 15; i++) assertEquals(4000 * i + 7, d.data()[i]);
        Files.writeString(dir.resolve("x.png"), "not a png");
        IOException e = assertThrows(IOException.class, () -> Png.readRgb(dir.resolve("x.png")));
        assertTrue(e.getMessage().contains("x.png"));
        assertThrows(IOException.class, () -> Png.readRgb(dir.resolve("missing.png")));
    }

    @Test
    void refusesAPngDeclaringMorePixelsThanItsDataCanHold() throws IOException {
        // All zeros compress close to deflate's limit (about 1000:1): still read, from file and bytes.
        Path flat = dir.resolve("flat.png");
        Png.writeGray8(flat, new ByteImage(1000, 1000, 1, new byte[1000 * 1000]));
        assertEquals(1000 * 1000, Png.readGray8(flat).data().length);
        byte[] small = Files.readAllBytes(flat);
        assertEquals(1000 * 1000, Png.readGray8(small, "flat.png").data().length);
        // An 8x6 mask whose IHDR width gets a damaged high byte: 0x10000008 columns.
        Path f = dir.resolve("m.png");
        Png.writeGray8(f, new ByteImage(8, 6, 1, new byte[48]));
        byte[] b = Files.readAllBytes(f);
        assertEquals(8, b[19]);      // IHDR data starts at byte 16: width (4 bytes, big-endian), height
        b[16] = 0x10;
        Files.write(f, b);
        IOException e = assertThrows(IOException.class, () -> Png.readGray8(f));
        assertTrue(e.getMessage().contains("m.png: PNG declares 268435464x6 pixels"), e.getMessage());
        e = assertThrows(IOException.class, () -> Png.readGray8(b, "mem.png"));
        assertTrue(e.getMessage().contains("mem.png: PNG declares 268435464x6 pixels"), e.getMessage());
    }

    @Test
    void folderSourceFindsNestedJpegAndPngAndResizes() throws IOException {
        Path a = Files.createDirectories(dir.resolve("train/n01"));
        Path b = Files.createDirectories(dir.resolve("train/n02"));
        BufferedImage red = new BufferedImage(40, 20, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 20; y++) for (int x = 0; x < 40; x++) red.setRGB(x, y, 0xC81E0A);
        ImageIO.write(red, "jpeg", a.resolve("x.JPEG").toFile());
        ImageIO.write(red, "png", b.resolve("y.png").toFile());
        Files.writeString(b.resolve("notes.txt"), "ignored");
        FolderImageSource src = new FolderImageSource(dir, 16, 24);
        assertEquals(2, src.size());
        assertTrue(src.files().get(0).toString().endsWith("x.JPEG"), "sorted order");
        float[] png = src.sample(1, new Rng(0));
        assertEquals(3 * 16 * 24, png.length);
        assertEquals(200 / 255f, png[0], 1e-6f);
        assertEquals(30 / 255f, png[16 * 24], 1e-6f);
        assertEquals(10 / 255f, png[2 * 16 * 24], 1e-6f);
        float[] jpg = src.sample(0, new Rng(0));
        assertEquals(200 / 255f, jpg[5], 0.05f);
        assertThrows(IndexOutOfBoundsException.class, () -> src.sample(2, new Rng(0)));
        assertThrows(IOException.class, () -> new FolderImageSource(dir.resolve("train/n02/notes.txt"), 8, 8));
    }

    @Test
    void proceduralSourceIsDeterministicVariedAndColourful() {
        ProceduralImageSource src = new ProceduralImageSource(9, 100, 64, 64);
        float[] a = src.sample(3, null), again = new ProceduralImageSource(9, 100, 64, 64).sample(3, new Rng(123));
        assertArrayEquals(a, again, "an index always gives the same image");
        assertFalse(Arrays.equals(a, src.sample(4, null)));
        int n = 64 * 64;
        for (int k = 0; k < 10; k++) {
            float[] img = src.sample(k, null);
            double mean = 0, sq = 0, chroma = 0;
            for (int i = 0; i < 3 * n; i++) {
                assertTrue(img[i] >= 0 && img[i] <= 1, "range");
                mean += img[i];
                sq += img[i] * img[i];
            }
            for (int i = 0; i < n; i++) chroma += Math.abs(img[i] - img[n + i]) + Math.abs(img[n + i] - img[2 * n + i]);
            mean /= 3 * n;
            double std = Math.sqrt(sq / (3 * n) - mean * mean);
            assertTrue(std > 0.03, "image " + k + " is nearly flat: std " + std);
            assertTrue(chroma / n > 0.01, "image " + k + " is grey");
        }
    }
}
