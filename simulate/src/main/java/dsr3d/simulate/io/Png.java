package dsr3d.simulate.io;

import dsr3d.tensor.io.AtomicFiles;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * PNG (and, for reading RGB, any format ImageIO decodes, e.g. JPEG) through javax.imageio.
 *
 * <ul>
 *   <li>{@link #readRgb}: any colour type (grey, palette, alpha, 16-bit) converted to 8-bit RGB;
 *       alpha is dropped.</li>
 *   <li>{@link #readGray8}: a single-channel mask with its stored values untouched (MVTec gt
 *       class ids 255, 254, ... must not go through a colour conversion).</li>
 *   <li>{@link #readGray16}: a 16-bit single-channel image (Eyecandies depth) as raw values.</li>
 *   <li>{@link #writeRgb}, {@link #writeGray8}: 8-bit PNG (colour type 2 / 0), atomically.</li>
 * </ul>
 */
public final class Png {
    private Png() {}

    public static ByteImage readRgb(Path file) throws IOException {
        BufferedImage img = read(file);
        int w = img.getWidth(), h = img.getHeight();
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        byte[] d = new byte[3 * w * h];
        for (int i = 0; i < argb.length; i++) {
            d[3 * i] = (byte) (argb[i] >> 16);
            d[3 * i + 1] = (byte) (argb[i] >> 8);
            d[3 * i + 2] = (byte) argb[i];
        }
        return new ByteImage(w, h, 3, d);
    }

    public static ByteImage readGray8(Path file) throws IOException {
        return gray8(read(file), file.toString());
    }

    /**
     * {@link #readGray8(Path)} of a PNG file's bytes in memory, named {@code name} in errors: the
     * same ImageIO decoder and checks, without a file (the fuzz test reads 10^6 inputs this way).
     */
    public static ByteImage readGray8(byte[] png, String name) throws IOException {
        return gray8(decode(png, name), name);
    }

    private static ByteImage gray8(BufferedImage img, String file) throws IOException {
        Raster r = img.getRaster();
        int w = img.getWidth(), h = img.getHeight();
        if (r.getNumBands() != 1)
            throw new IOException(file + ": expected a single-channel grey PNG mask, got " + r.getNumBands() + " channels");
        byte[] d = new byte[w * h];
        int[] row = new int[w];
        boolean palette = img.getColorModel() instanceof IndexColorModel;
        IndexColorModel icm = palette ? (IndexColorModel) img.getColorModel() : null;
        int bits = r.getSampleModel().getSampleSize(0);
        if (!palette && bits != 8)
            throw new IOException(file + ": expected an 8-bit grey PNG mask, got " + bits + " bits per sample");
        for (int y = 0; y < h; y++) {
            r.getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) d[y * w + x] = (byte) (palette ? icm.getRed(row[x]) : row[x]);
        }
        return new ByteImage(w, h, 1, d);
    }

    /** Raw 16-bit values 0..65535 (exact in float) as a 1-channel image. */
    public static FloatImage readGray16(Path file) throws IOException {
        BufferedImage img = read(file);
        Raster r = img.getRaster();
        if (r.getNumBands() != 1 || r.getDataBuffer().getDataType() != DataBuffer.TYPE_USHORT)
            throw new IOException(file + ": expected a 16-bit single-channel PNG, got " + r.getNumBands()
                    + " channel(s) of " + r.getSampleModel().getSampleSize(0) + " bits");
        int w = img.getWidth(), h = img.getHeight();
        float[] d = new float[w * h];
        r.getSamples(0, 0, w, h, 0, d);
        return new FloatImage(w, h, 1, d);
    }

    public static void writeRgb(Path file, ByteImage image) throws IOException {
        if (image.channels() != 3) throw new IllegalArgumentException("writeRgb needs 3 channels, got " + image.channels());
        BufferedImage img = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_3BYTE_BGR);
        int[] px = new int[image.width() * image.height() * 3];
        byte[] d = image.data();
        for (int i = 0; i < px.length; i++) px[i] = d[i] & 0xFF;
        img.getRaster().setPixels(0, 0, image.width(), image.height(), px);
        AtomicFiles.write(file, encode(img, file));
    }

    public static void writeGray8(Path file, ByteImage image) throws IOException {
        if (image.channels() != 1) throw new IllegalArgumentException("writeGray8 needs 1 channel, got " + image.channels());
        BufferedImage img = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster r = img.getRaster();
        r.setDataElements(0, 0, image.width(), image.height(), image.data().clone());
        AtomicFiles.write(file, encode(img, file));
    }

    private static byte[] encode(BufferedImage img, Path file) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream(img.getWidth() * img.getHeight());
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bos)) { // no temp-file cache
            writer.setOutput(out);
            writer.write(img);
        } finally {
            writer.dispose();
        }
        return bos.toByteArray();
    }

    private static BufferedImage read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException(file + ": no such file");
        return decode(Files.readAllBytes(file), file.toString());
    }

    /** Decodes an image file's bytes (files and the in-memory readers alike). */
    private static BufferedImage decode(byte[] bytes, String file) throws IOException {
        checkPngSize(bytes, file);
        BufferedImage img;
        try {
            img = ImageIO.read(new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))); // ImageIO.read closes the stream
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + ": cannot decode image: " + e.getMessage(), e);
        }
        if (img == null) throw new IOException(file + ": not an image format ImageIO can read");
        return img;
    }

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    /** Deflate's largest possible expansion is about 1032:1; with a margin. */
    private static final long MAX_INFLATE_RATIO = 1100;

    /**
     * Refuses a PNG whose IHDR declares more pixel data than its IDAT chunks can possibly hold
     * (w x h x bits per pixel / 8 bytes, a lower bound interlaced or not, against 1100 times the
     * compressed bytes). ImageIO would otherwise allocate and walk the declared image first: a
     * few damaged header bytes cost gigabytes and seconds. Never refuses a complete PNG; anything
     * that is not a well-formed chunk sequence is left to ImageIO to judge.
     */
    private static void checkPngSize(byte[] b, String file) throws IOException {
        if (b.length < 8 || !Arrays.equals(b, 0, 8, PNG_SIGNATURE, 0, 8)) return;
        long width = -1, height = -1, bitsPerPixel = -1, idat = 0;
        for (int p = 8; p + 12 <= b.length; ) {
            long len = u32(b, p);
            if (len > b.length - p - 12) break;
            String type = new String(b, p + 4, 4, StandardCharsets.ISO_8859_1);
            if (type.equals("IHDR") && len >= 13) {
                width = u32(b, p + 8);
                height = u32(b, p + 12);
                int samples = switch (b[p + 17]) { case 0, 3 -> 1; case 4 -> 2; case 2 -> 3; case 6 -> 4; default -> -1; };
                bitsPerPixel = samples < 0 ? -1 : samples * (b[p + 16] & 0xff);
            } else if (type.equals("IDAT")) {
                idat += len;
            } else if (type.equals("IEND")) {
                break;
            }
            p += 12 + (int) len;
        }
        if (width < 0 || bitsPerPixel <= 0) return;
        double rawBytes = (double) width * height * bitsPerPixel / 8;
        if (rawBytes > MAX_INFLATE_RATIO * (idat + 1))
            throw new IOException(file + ": PNG declares " + width + "x" + height + " pixels (" + (long) rawBytes
                    + " bytes) but holds only " + idat + " compressed bytes (truncated or damaged)");
    }

    private static long u32(byte[] b, int p) {
        return (b[p] & 0xffL) << 24 | (b[p + 1] & 0xff) << 16 | (b[p + 2] & 0xff) << 8 | (b[p + 3] & 0xff);
    }
}
