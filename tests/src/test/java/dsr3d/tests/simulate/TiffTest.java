package dsr3d.tests.simulate;

import dsr3d.simulate.io.FloatImage;
import dsr3d.simulate.io.Tiff;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

/**
 * The float TIFF reader/writer: round trips (1 and 3 channels, odd sizes), files written by
 * the JDK's own TIFF plugin (big-endian, several strips, LZW, PackBits) as an independent
 * oracle, and hostile files, which must give an IOException naming the file and the problem.
 */
class TiffTest {

    @TempDir
    Path dir;

    static FloatImage random(int w, int h, int c, long seed) {
        Random r = new Random(seed);
        float[] d = new float[w * h * c];
        for (int i = 0; i < d.length; i++) d[i] = (float) (r.nextGaussian() * 0.3);
        d[0] = Float.NaN;            // special values survive bit-exactly
        if (d.length > 1) d[1] = -0.0f;
        if (d.length > 2) d[2] = 0f;
        return new FloatImage(w, h, c, d);
    }

    static void assertSameBits(FloatImage want, FloatImage got) {
        assertEquals(want.width(), got.width(), "width");
        assertEquals(want.height(), got.height(), "height");
        assertEquals(want.channels(), got.channels(), "channels");
        for (int i = 0; i < want.data().length; i++)
            assertEquals(Float.floatToRawIntBits(want.data()[i]), Float.floatToRawIntBits(got.data()[i]), "sample " + i);
    }

    @ParameterizedTest
    @CsvSource({"1,1,1", "7,5,1", "13,3,3", "1,9,3", "33,17,3", "5,4,2", "6,3,4"})
    void roundTripsBitExactly(int w, int h, int c) throws IOException {
        FloatImage img = random(w, h, c, 31L * w + h + c);
        Path f = dir.resolve("img.tiff");
        Tiff.writeFloat(f, img);
        assertSameBits(img, Tiff.readFloat(f));
        try (var s = Files.list(dir)) { assertEquals(1, s.count(), "the temporary file was renamed away"); }
    }

    @ParameterizedTest
    @CsvSource({"1,1,1", "7,5,1", "13,3,3", "33,17,3", "6,3,4"})
    void deflateWithFloatPredictorRoundTripsAndShrinksSmoothData(int w, int h, int c) throws IOException {
        FloatImage img = random(w, h, c, 77L * w + h);
        assertSameBits(img, Tiff.decode(Tiff.encode(img, true), "deflate.tiff"));
        FloatImage smooth = FloatImage.zeros(64, 48, 3);   // a depth-like ramp
        for (int i = 0; i < smooth.data().length; i++) smooth.data()[i] = 0.5f + (i / 3 % 64) * 1e-4f + (i / 192) * 2e-4f;
        byte[] packed = Tiff.encode(smooth, true);
        assertSameBits(smooth, Tiff.decode(packed, "ramp.tiff"));
        assertTrue(packed.length < Tiff.encode(smooth).length / 3, "predictor + deflate: " + packed.length + " bytes");
    }

    @Test
    void jdkImageIoReadsWhatWeWrite() throws IOException {
        FloatImage img = random(11, 7, 3, 5);
        Path f = dir.resolve("xyz.tiff");
        Tiff.writeFloat(f, img);
        BufferedImage bi = ImageIO.read(f.toFile());
        assertNotNull(bi, "ImageIO has a TIFF reader");
        Raster r = bi.getRaster();
        assertEquals(DataBuffer.TYPE_FLOAT, r.getDataBuffer().getDataType());
        for (int y = 0; y < 7; y++)
            for (int x = 0; x < 11; x++)
                for (int c = 0; c < 3; c++)
                    assertEquals(Float.floatToRawIntBits(img.get(x, y, c)), Float.floatToRawIntBits(r.getSampleFloat(x, y, c)));
    }

    /** A float image encoded by the JDK TIFF writer (big-endian "MM", its own strip layout). */
    static byte[] jdkTiff(FloatImage img, String compression) throws IOException {
        int c = img.channels();
        ColorSpace cs = ColorSpace.getInstance(c == 3 ? ColorSpace.CS_sRGB : ColorSpace.CS_GRAY);
        ComponentColorModel cm = new ComponentColorModel(cs, false, false, Transparency.OPAQUE, DataBuffer.TYPE_FLOAT);
        WritableRaster raster = cm.createCompatibleWritableRaster(img.width(), img.height());
        raster.setPixels(0, 0, img.width(), img.height(), img.data());
        BufferedImage bi = new BufferedImage(cm, raster, false, null);
        ImageWriter w = ImageIO.getImageWritersByFormatName("tiff").next();
        ImageWriteParam p = w.getDefaultWriteParam();
        if (compression != null) {
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionType(compression);
        }
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bos)) {
            w.setOutput(out);
            w.write(null, new IIOImage(bi, null, null), p);
        } finally {
            w.dispose();
        }
        return bos.toByteArray();
    }

    @ParameterizedTest
    @CsvSource({"NONE,3", "NONE,1", "LZW,3", "LZW,1", "PackBits,3", "PackBits,1", "ZLib,3", "Deflate,1"})
    void readsJdkWrittenFiles(String compression, int channels) throws IOException {
        // Tall enough that the JDK splits it into several strips; smooth + noisy parts so LZW
        // codes grow past 9 bits and PackBits sees both runs and literals.
        int w = 70, h = 130;
        FloatImage img = random(w, h, channels, 9);
        for (int i = 0; i < w * h * channels / 2; i++) img.data()[i] = (i / 97) * 0.25f;
        byte[] bytes = jdkTiff(img, compression.equals("NONE") ? null : compression);
        assertEquals('M', bytes[0], "JDK writes big-endian, which exercises the MM path");
        assertSameBits(img, Tiff.decode(bytes, "jdk.tiff"));
    }

    // ------------------------------------------------------------------ hostile input

    /** Overwrites the inline value of {@code tag} in a little-endian file written by Tiff.encode. */
    static void patchTag(byte[] tiff, int tag, int type, int count, int value) {
        ByteBuffer b = ByteBuffer.wrap(tiff).order(ByteOrder.LITTLE_ENDIAN);
        int ifd = b.getInt(4), n = b.getShort(ifd) & 0xFFFF;
        for (int i = 0; i < n; i++) {
            int p = ifd + 2 + 12 * i;
            if ((b.getShort(p) & 0xFFFF) == tag) {
                b.putShort(p + 2, (short) type).putInt(p + 4, count);
                if (type == 3) b.putShort(p + 8, (short) value).putShort(p + 10, (short) 0);
                else b.putInt(p + 8, value);
                return;
            }
        }
        throw new AssertionError("tag " + tag + " not found");
    }

    static IOException decodeFails(byte[] bytes) {
        IOException e = assertThrows(IOException.class, () -> Tiff.decode(bytes, "bad.tiff"));
        assertTrue(e.getMessage().startsWith("bad.tiff: "), "names the file: " + e.getMessage());
        return e;
    }

    @Test
    void rejectsSixteenBitIntegerSamples() {
        byte[] t = Tiff.encode(random(4, 4, 1, 1));
        patchTag(t, 258, 3, 1, 16);
        patchTag(t, 339, 3, 1, 1);
        String m = decodeFails(t).getMessage();
        assertTrue(m.contains("BitsPerSample") && m.contains("16"), m);
    }

    @Test
    void rejectsIntegerSampleFormat() {
        byte[] t = Tiff.encode(random(4, 4, 1, 1));
        patchTag(t, 339, 3, 1, 1);
        String m = decodeFails(t).getMessage();
        assertTrue(m.contains("SampleFormat") && m.contains("339"), m);
    }

    @Test
    void rejectsPlanarAndUnknownCompression() {
        byte[] t = Tiff.encode(random(4, 4, 1, 1));
        patchTag(t, 284, 3, 1, 2);
        assertTrue(decodeFails(t).getMessage().contains("PlanarConfiguration"));
        byte[] u = Tiff.encode(random(4, 4, 1, 1));
        patchTag(u, 259, 3, 1, 7);
        String m = decodeFails(u).getMessage();
        assertTrue(m.contains("Compression") && m.contains("7"), m);
    }

    @Test
    void rejectsStripOffsetBeyondEndOfFile() {
        byte[] t = Tiff.encode(random(5, 5, 3, 1));
        patchTag(t, 273, 4, 1, t.length - 10);
        assertTrue(decodeFails(t).getMessage().contains("beyond the end of the file"));
    }

    @Test
    void rejectsAbsurdSizeWithoutAllocating() {
        byte[] t = Tiff.encode(random(5, 5, 3, 1));
        patchTag(t, 256, 4, 1, 1_000_000);
        patchTag(t, 257, 4, 1, 1_000_000);
        assertTrue(decodeFails(t).getMessage().contains("bytes"));
    }

    @Test
    void rejectsNonTiffAndTinyFiles() {
        decodeFails(new byte[0]);
        decodeFails("hello, world".getBytes());
        byte[] t = Tiff.encode(random(3, 3, 1, 1));
        ByteBuffer.wrap(t).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 1 << 30); // IFD offset far away
        decodeFails(t);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4, 8, 9, 40, 100, 200})
    void truncatedFileGivesIOException(int keep) {
        byte[] t = Tiff.encode(random(9, 7, 3, 2));
        decodeFails(Arrays.copyOf(t, Math.min(keep, t.length - 1)));
    }

    @Test
    void readFloatNamesTheFile() throws IOException {
        Path f = dir.resolve("cut.tiff");
        byte[] t = Tiff.encode(random(9, 7, 3, 2));
        Files.write(f, Arrays.copyOf(t, t.length - 5));
        IOException e = assertThrows(IOException.class, () -> Tiff.readFloat(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    }

    /** Fuzz: any truncation plus any corrupted bytes either decodes or throws IOException, nothing else. */
    @Test
    void corruptFilesNeverThrowAnythingButIOException() throws IOException {
        byte[] plain = Tiff.encode(random(6, 5, 3, 3));
        FloatImage smooth = random(40, 30, 1, 4);
        for (int i = 0; i < smooth.data().length; i++) smooth.data()[i] = (i / 50) * 0.5f;
        byte[][] sources = {plain, jdkTiff(smooth, "LZW"), jdkTiff(smooth, "PackBits"), Tiff.encode(smooth, true)};
        qt().withExamples(400).forAll(integers().between(0, 3), integers().all(), integers().between(0, 6))
                .checkAssert((which, seed, flips) -> {
                    byte[] src = sources[which];
                    Random r = new Random(seed);
                    byte[] t = Arrays.copyOf(src, 1 + r.nextInt(src.length));
                    for (int k = 0; k < flips; k++) t[r.nextInt(Math.min(t.length, 200))] = (byte) r.nextInt(256);
                    try {
                        Tiff.decode(t, "fuzz.tiff");
                    } catch (IOException e) {
                        assertTrue(e.getMessage().startsWith("fuzz.tiff: "), e.getMessage());
                    }
                });
    }
}
