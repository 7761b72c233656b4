package dsr3d.simulate.io;

import dsr3d.tensor.io.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Minimal baseline TIFF for 32-bit IEEE float images: what MVTec 3D-AD stores (xyz point
 * clouds, H x W x 3 float32) and what the evaluation writes (anomaly maps, H x W x 1).
 *
 * <p>Reading accepts: little- and big-endian files; the first image (IFD) only; strips with any
 * RowsPerStrip; compression none (1), LZW (5), Deflate (8, 32946) and PackBits (32773); predictor none (1) or
 * floating point (3); PlanarConfiguration 1 (chunky); SampleFormat 3 with BitsPerSample 32 for
 * every sample. Anything else is rejected with an {@link IOException} that names the file and
 * the tag. Every offset and count is checked against the file length before use, and the pixel
 * buffer is only allocated once its size is proven plausible, so hostile files give a clear
 * error instead of an OutOfMemoryError or an index exception.
 *
 * <p>Writing produces a little-endian, single-strip file (photometric RGB for 3 channels,
 * BlackIsZero otherwise), uncompressed by default (what MVTec 3D-AD ships, readable by anything)
 * or Deflate with the floating-point predictor (a few times smaller for smooth depth; read by
 * libtiff, tifffile, PIL), via a temporary file and a rename, so a reader never sees a
 * half-written file.
 */
public final class Tiff {
    private Tiff() {}

    // Baseline tag numbers used here.
    static final int IMAGE_WIDTH = 256, IMAGE_LENGTH = 257, BITS_PER_SAMPLE = 258, COMPRESSION = 259,
            PHOTOMETRIC = 262, STRIP_OFFSETS = 273, SAMPLES_PER_PIXEL = 277, ROWS_PER_STRIP = 278,
            STRIP_BYTE_COUNTS = 279, PLANAR_CONFIGURATION = 284, PREDICTOR = 317, TILE_WIDTH = 322,
            EXTRA_SAMPLES = 338, SAMPLE_FORMAT = 339;
    static final int COMPRESSION_NONE = 1, COMPRESSION_LZW = 5, COMPRESSION_DEFLATE = 8, COMPRESSION_ADOBE_DEFLATE = 32946,
            COMPRESSION_PACKBITS = 32773;

    /** Largest decoded image accepted: 2^30 bytes (e.g. 16k x 16k x 1 float). */
    static final long MAX_PIXEL_BYTES = 1L << 30;

    // ------------------------------------------------------------------ reading

    /** Reads the first image of a float32 TIFF. */
    public static FloatImage readFloat(Path file) throws IOException {
        byte[] bytes;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE - 8) throw new IOException(file + ": TIFF file too large (" + size + " bytes)");
            bytes = new byte[(int) size];
            ByteBuffer bb = ByteBuffer.wrap(bytes);
            while (bb.hasRemaining()) if (ch.read(bb) < 0) break;
        }
        return decode(bytes, file.toString());
    }

    /** Decodes an in-memory TIFF; {@code name} appears in error messages. */
    public static FloatImage decode(byte[] bytes, String name) throws IOException {
        return new Reader(bytes, name).read();
    }

    /** One IFD entry: where its values live (inline or at an offset) and how many. */
    private record Entry(int tag, int type, long count, int valuePos) {}

    private static final class Reader {
        private final ByteBuffer buf;
        private final String name;
        private final Entry[] entries = new Entry[65536];

        Reader(byte[] bytes, String name) {
            this.buf = ByteBuffer.wrap(bytes);
            this.name = name;
        }

        private IOException fail(String msg) { return new IOException(name + ": " + msg); }

        FloatImage read() throws IOException {
            if (buf.capacity() < 8) throw fail("not a TIFF: file has " + buf.capacity() + " bytes, header needs 8");
            byte b0 = buf.get(0), b1 = buf.get(1);
            if (b0 == 'I' && b1 == 'I') buf.order(ByteOrder.LITTLE_ENDIAN);
            else if (b0 == 'M' && b1 == 'M') buf.order(ByteOrder.BIG_ENDIAN);
            else throw fail("not a TIFF: byte-order mark is not II or MM");
            int magic = u16(2);
            if (magic == 43) throw fail("BigTIFF (magic 43) not supported");
            if (magic != 42) throw fail("not a TIFF: magic number " + magic + ", expected 42");
            long ifd = u32(4);
            readIfd(ifd);

            long width = scalar(IMAGE_WIDTH, -1), height = scalar(IMAGE_LENGTH, -1);
            if (width <= 0 || height <= 0)
                throw fail("ImageWidth/ImageLength (tags 256/257) missing or zero: " + width + "x" + height);
            if (entries[TILE_WIDTH] != null) throw fail("tiled TIFF (tag 322 TileWidth) not supported; only strips");
            long spp = scalar(SAMPLES_PER_PIXEL, 1);
            if (spp < 1 || spp > 64) throw fail("SamplesPerPixel (tag 277) = " + spp + ", expected 1..64");
            long planar = scalar(PLANAR_CONFIGURATION, 1);
            if (planar != 1)
                throw fail("PlanarConfiguration (tag 284) = " + planar + " (separate planes) not supported; only 1 (chunky)");
            long[] bits = array(BITS_PER_SAMPLE, new long[]{1});
            for (long b : bits)
                if (b != 32) throw fail("BitsPerSample (tag 258) = " + b + " not supported; only 32-bit float");
            long[] format = array(SAMPLE_FORMAT, new long[]{1});
            for (long f : format)
                if (f != 3) throw fail("SampleFormat (tag 339) = " + f + " (" + sampleFormatName(f)
                        + ") not supported; only 3 (IEEE float)");
            long compression = scalar(COMPRESSION, 1);
            if (compression != COMPRESSION_NONE && compression != COMPRESSION_LZW && compression != COMPRESSION_PACKBITS
                    && compression != COMPRESSION_DEFLATE && compression != COMPRESSION_ADOBE_DEFLATE)
                throw fail("Compression (tag 259) = " + compression
                        + " not supported; only 1 (none), 5 (LZW), 8/32946 (Deflate), 32773 (PackBits)");
            long predictor = scalar(PREDICTOR, 1);
            if (predictor != 1 && predictor != 3)
                throw fail("Predictor (tag 317) = " + predictor + " not supported; only 1 (none) or 3 (floating point)");

            long rowBytes = width * spp * 4;
            long total = rowBytes * height;
            if (total > MAX_PIXEL_BYTES)
                throw fail("image " + width + "x" + height + "x" + spp + " float32 needs " + total + " bytes, limit " + MAX_PIXEL_BYTES);
            if (compression == COMPRESSION_NONE && total > buf.capacity())
                throw fail("image " + width + "x" + height + "x" + spp + " float32 needs " + total
                        + " bytes but the file has only " + buf.capacity());
            // Compressed strips expand at most ~1000x (LZW: 12-bit code -> <= 4096 bytes; PackBits 64x).
            if (total > 4096L * buf.capacity())
                throw fail("image size " + total + " bytes is implausible for a file of " + buf.capacity() + " bytes");

            long rowsPerStrip = Math.min(scalar(ROWS_PER_STRIP, height), height);
            if (rowsPerStrip <= 0) throw fail("RowsPerStrip (tag 278) = " + rowsPerStrip + ", expected > 0");
            long strips = (height + rowsPerStrip - 1) / rowsPerStrip;
            long[] offsets = array(STRIP_OFFSETS, null);
            if (offsets == null) throw fail("StripOffsets (tag 273) missing");
            if (offsets.length != strips)
                throw fail("StripOffsets (tag 273) has " + offsets.length + " entries, expected " + strips
                        + " (height " + height + ", RowsPerStrip " + rowsPerStrip + ")");
            long[] counts = array(STRIP_BYTE_COUNTS, null);
            if (counts == null) {
                if (compression != COMPRESSION_NONE) throw fail("StripByteCounts (tag 279) missing for a compressed image");
                counts = new long[(int) strips];
                for (int s = 0; s < strips; s++) counts[s] = Math.min(rowsPerStrip, height - s * rowsPerStrip) * rowBytes;
            }
            if (counts.length != strips)
                throw fail("StripByteCounts (tag 279) has " + counts.length + " entries, expected " + strips);

            byte[] pixels = new byte[(int) total];
            for (int s = 0; s < strips; s++) {
                long rows = Math.min(rowsPerStrip, height - s * rowsPerStrip);
                int want = (int) (rows * rowBytes);
                int dstPos = (int) (s * rowsPerStrip * rowBytes);
                long off = offsets[s], cnt = counts[s];
                if (off < 0 || cnt < 0 || off + cnt > buf.capacity())
                    throw fail("strip " + s + " at offset " + off + " with " + cnt + " bytes lies beyond the end of the file ("
                            + buf.capacity() + " bytes)");
                int got = switch ((int) compression) {
                    case COMPRESSION_NONE -> {
                        if (cnt < want) throw fail("strip " + s + " has " + cnt + " bytes, expected " + want + " (truncated?)");
                        System.arraycopy(buf.array(), (int) off, pixels, dstPos, want);
                        yield want;
                    }
                    case COMPRESSION_PACKBITS -> TiffCodecs.unpackBits(buf.array(), (int) off, (int) cnt, pixels, dstPos, want);
                    case COMPRESSION_DEFLATE, COMPRESSION_ADOBE_DEFLATE ->
                            TiffCodecs.inflate(buf.array(), (int) off, (int) cnt, pixels, dstPos, want);
                    default -> TiffCodecs.lzwDecode(buf.array(), (int) off, (int) cnt, pixels, dstPos, want);
                };
                if (got != want)
                    throw fail("strip " + s + " decoded to " + got + " bytes, expected " + want + " (corrupt or truncated)");
                if (predictor == 3) TiffCodecs.undoFloatPredictor(pixels, dstPos, (int) rows, (int) (width * spp));
            }
            // After the floating-point predictor the bytes are big-endian regardless of the header.
            ByteOrder sampleOrder = predictor == 3 ? ByteOrder.BIG_ENDIAN : buf.order();
            float[] data = new float[(int) (total / 4)];
            ByteBuffer.wrap(pixels).order(sampleOrder).asFloatBuffer().get(data);
            return new FloatImage((int) width, (int) height, (int) spp, data);
        }

        private void readIfd(long ifd) throws IOException {
            if (ifd < 8 || ifd + 2 > buf.capacity())
                throw fail("first IFD offset " + ifd + " lies outside the file (" + buf.capacity() + " bytes)");
            int n = u16((int) ifd);
            if (ifd + 2 + 12L * n > buf.capacity())
                throw fail("IFD with " + n + " entries at offset " + ifd + " runs past the end of the file (truncated?)");
            for (int i = 0; i < n; i++) {
                int p = (int) ifd + 2 + 12 * i;
                int tag = u16(p), type = u16(p + 2);
                long count = u32(p + 4);
                int size = typeSize(type);
                if (size == 0) continue; // unknown type: ignore the entry, as the TIFF spec asks
                long bytes = count * size;
                int valuePos;
                if (bytes <= 4) valuePos = p + 8;
                else {
                    long off = u32(p + 8);
                    if (off + bytes > buf.capacity())
                        throw fail("tag " + tag + ": " + count + " values at offset " + off + " lie beyond the end of the file ("
                                + buf.capacity() + " bytes)");
                    valuePos = (int) off;
                }
                entries[tag] = new Entry(tag, type, count, valuePos);
            }
        }

        private long scalar(int tag, long dflt) throws IOException {
            long[] v = array(tag, null);
            if (v == null) return dflt;
            if (v.length != 1) throw fail("tag " + tag + " has " + v.length + " values, expected 1");
            return v[0];
        }

        private long[] array(int tag, long[] dflt) throws IOException {
            Entry e = entries[tag];
            if (e == null) return dflt;
            if (e.count > (1 << 24)) throw fail("tag " + tag + " has an absurd count " + e.count);
            long[] out = new long[(int) e.count];
            for (int i = 0; i < out.length; i++) {
                out[i] = switch (e.type) {
                    case 1, 7 -> buf.get(e.valuePos + i) & 0xFF;
                    case 3 -> u16(e.valuePos + 2 * i);
                    case 4 -> u32(e.valuePos + 4 * i);
                    case 16 -> buf.getLong(e.valuePos + 8 * i);
                    default -> throw fail("tag " + tag + " has field type " + e.type + ", expected an unsigned integer type");
                };
            }
            return out;
        }

        private int u16(int pos) { return buf.getShort(pos) & 0xFFFF; }

        private long u32(int pos) { return buf.getInt(pos) & 0xFFFFFFFFL; }
    }

    private static int typeSize(int type) {
        return switch (type) {
            case 1, 2, 6, 7 -> 1;
            case 3, 8 -> 2;
            case 4, 9, 11, 13 -> 4;
            case 5, 10, 12, 16, 17, 18 -> 8;
            default -> 0;
        };
    }

    private static String sampleFormatName(long f) {
        return switch ((int) f) {
            case 1 -> "unsigned integer";
            case 2 -> "signed integer";
            case 3 -> "IEEE float";
            case 4 -> "undefined";
            default -> "unknown";
        };
    }

    // ------------------------------------------------------------------ writing

    /** Writes {@code image} as an uncompressed little-endian float32 TIFF, atomically. */
    public static void writeFloat(Path file, FloatImage image) throws IOException {
        AtomicFiles.write(file, encode(image, false));
    }

    /** As {@link #writeFloat(Path, FloatImage)}; {@code deflate} selects Deflate + floating-point predictor. */
    public static void writeFloat(Path file, FloatImage image, boolean deflate) throws IOException {
        AtomicFiles.write(file, encode(image, deflate));
    }

    /** The bytes of an uncompressed little-endian float32 TIFF holding {@code image}. */
    public static byte[] encode(FloatImage image) { return encode(image, false); }

    /** The bytes of a little-endian float32 TIFF, uncompressed or Deflate with predictor 3. */
    public static byte[] encode(FloatImage image, boolean deflate) {
        int w = image.width(), h = image.height(), spp = image.channels();
        long rawBytes = (long) w * h * spp * 4;
        if (rawBytes > MAX_PIXEL_BYTES)
            throw new IllegalArgumentException("image too large for this TIFF writer: " + rawBytes + " bytes");
        byte[] pixels = new byte[(int) rawBytes];
        ByteBuffer.wrap(pixels).order(deflate ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(image.data());
        if (deflate) pixels = TiffCodecs.deflate(TiffCodecs.applyFloatPredictor(pixels, h, w * spp));
        boolean extra = spp != 1 && spp != 3;
        int nTags = 11 + (extra ? 1 : 0) + (deflate ? 1 : 0);
        int ifdPos = 8;
        int ifdBytes = 2 + 12 * nTags + 4;
        // Out-of-line values: BitsPerSample and SampleFormat (spp shorts each, if > 2), ExtraSamples (spp-1 shorts).
        int bitsPos = ifdPos + ifdBytes, formatPos = bitsPos + (spp > 2 ? 2 * spp : 0);
        int extraPos = formatPos + (spp > 2 ? 2 * spp : 0);
        int dataPos = extraPos + (extra && spp - 1 > 2 ? 2 * (spp - 1) : 0);
        dataPos = (dataPos + 3) & ~3;
        ByteBuffer b = ByteBuffer.allocate(dataPos + pixels.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(ifdPos);
        b.position(ifdPos);
        b.putShort((short) nTags);
        tag(b, IMAGE_WIDTH, 4, 1, w);
        tag(b, IMAGE_LENGTH, 4, 1, h);
        shorts(b, BITS_PER_SAMPLE, spp, 32, bitsPos);
        tag(b, COMPRESSION, 3, 1, deflate ? COMPRESSION_DEFLATE : COMPRESSION_NONE);
        tag(b, PHOTOMETRIC, 3, 1, spp == 3 ? 2 : 1);
        tag(b, STRIP_OFFSETS, 4, 1, dataPos);
        tag(b, SAMPLES_PER_PIXEL, 3, 1, spp);
        tag(b, ROWS_PER_STRIP, 4, 1, h);
        tag(b, STRIP_BYTE_COUNTS, 4, 1, pixels.length);
        tag(b, PLANAR_CONFIGURATION, 3, 1, 1);
        if (deflate) tag(b, PREDICTOR, 3, 1, 3);
        if (extra) shorts(b, EXTRA_SAMPLES, spp - 1, 0, extraPos);
        shorts(b, SAMPLE_FORMAT, spp, 3, formatPos);
        b.putInt(0); // no next IFD
        b.position(dataPos);
        b.put(pixels);
        return b.array();
    }

    /** An IFD entry with one inline value (SHORT values sit in the first 2 bytes of the field). */
    private static void tag(ByteBuffer b, int tag, int type, int count, int value) {
        b.putShort((short) tag).putShort((short) type).putInt(count);
        if (type == 3) b.putShort((short) value).putShort((short) 0);
        else b.putInt(value);
    }

    /** An IFD entry of {@code count} equal SHORT values, inline if they fit in 4 bytes, else at {@code pos}. */
    private static void shorts(ByteBuffer b, int tag, int count, int value, int pos) {
        b.putShort((short) tag).putShort((short) 3).putInt(count);
        if (count <= 2) {
            b.putShort((short) value).putShort((short) (count == 2 ? value : 0));
        } else {
            b.putInt(pos);
            for (int i = 0; i < count; i++) b.putShort(pos + 2 * i, (short) value);
        }
    }
}
