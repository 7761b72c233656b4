package dsr3d.simulate.io;

/**
 * Decoders for the TIFF strip compressions {@link Tiff} accepts (LZW, PackBits) and the
 * floating-point predictor. All work on byte arrays with explicit offsets, never write past
 * {@code want} bytes, and return how many bytes they produced so that the caller can report a
 * short strip.
 */
final class TiffCodecs {
    private TiffCodecs() {}

    /** PackBits (Apple RLE): header n in 0..127 copies n+1 literal bytes; -127..-1 repeats the next byte 1-n times. */
    static int unpackBits(byte[] src, int off, int len, byte[] dst, int dstPos, int want) {
        int i = off, end = off + len, out = 0;
        while (i < end && out < want) {
            int n = src[i++];
            if (n >= 0) {
                int k = Math.min(n + 1, Math.min(end - i, want - out));
                System.arraycopy(src, i, dst, dstPos + out, k);
                i += n + 1;
                out += k;
            } else if (n != -128) {
                if (i >= end) break;
                byte v = src[i++];
                int k = Math.min(1 - n, want - out);
                for (int j = 0; j < k; j++) dst[dstPos + out + j] = v;
                out += k;
            }
        }
        return out;
    }

    private static final int CLEAR = 256, EOI = 257;

    /**
     * TIFF LZW (MSB-first codes, 9 to 12 bits, "early change": the width grows one code before
     * the table fills). The table stores each string as (prefix code, last byte, length).
     */
    static int lzwDecode(byte[] src, int off, int len, byte[] dst, int dstPos, int want) {
        int[] prefix = new int[4096];
        byte[] suffix = new byte[4096];
        int[] length = new int[4096];
        byte[] first = new byte[4096];
        for (int c = 0; c < 256; c++) { suffix[c] = (byte) c; first[c] = (byte) c; length[c] = 1; prefix[c] = -1; }
        int next = 258, width = 9, old = -1, out = 0;
        long bitPos = 0, bitEnd = (long) len * 8;
        byte[] scratch = new byte[4096];
        while (bitPos + width <= bitEnd && out < want) {
            int code = 0;
            for (int b = 0; b < width; b++, bitPos++) {
                int bit = (src[off + (int) (bitPos >>> 3)] >> (7 - (int) (bitPos & 7))) & 1;
                code = (code << 1) | bit;
            }
            if (code == EOI) break;
            if (code == CLEAR) { next = 258; width = 9; old = -1; continue; }
            int strCode;
            byte firstByte;
            if (code < next) {
                strCode = code;
                firstByte = first[code];
                if (old >= 0 && next < 4096) add(prefix, suffix, length, first, next++, old, firstByte);
            } else if (code == next && old >= 0) {
                firstByte = first[old];
                if (next < 4096) add(prefix, suffix, length, first, next++, old, firstByte);
                strCode = code;
            } else {
                return out; // corrupt: code beyond the table
            }
            // Emit the string of strCode (walk prefixes backwards into scratch).
            int n = length[strCode];
            for (int k = n - 1, c = strCode; k >= 0; k--, c = prefix[c]) scratch[k] = suffix[c];
            int k = Math.min(n, want - out);
            System.arraycopy(scratch, 0, dst, dstPos + out, k);
            out += k;
            old = strCode;
            if (next + 1 >= (1 << width) && width < 12) width++;
        }
        return out;
    }

    private static void add(int[] prefix, byte[] suffix, int[] length, byte[] first, int code, int pre, byte last) {
        prefix[code] = pre;
        suffix[code] = last;
        length[code] = length[pre] + 1;
        first[code] = first[pre];
    }

    /**
     * Undoes TIFF predictor 3 on {@code rows} rows of {@code samples} float32 values each: the
     * row bytes were split into 4 byte planes (most significant first) and then horizontally
     * differenced byte by byte.
     */
    static void undoFloatPredictor(byte[] data, int pos, int rows, int samples) {
        int rowBytes = samples * 4;
        byte[] tmp = new byte[rowBytes];
        for (int r = 0; r < rows; r++) {
            int base = pos + r * rowBytes;
            for (int i = 1; i < rowBytes; i++) data[base + i] += data[base + i - 1];
            for (int s = 0; s < samples; s++)
                for (int b = 0; b < 4; b++) tmp[4 * s + b] = data[base + b * samples + s];
            System.arraycopy(tmp, 0, data, base, rowBytes);
        }
    }

    /** zlib stream (TIFF Deflate, compression 8 or 32946); corrupt data ends the strip early. */
    static int inflate(byte[] src, int off, int len, byte[] dst, int dstPos, int want) {
        java.util.zip.Inflater inf = new java.util.zip.Inflater();
        int got = 0;
        try {
            inf.setInput(src, off, len);
            while (got < want && !inf.finished()) {
                int k = inf.inflate(dst, dstPos + got, want - got);
                if (k == 0 && (inf.needsInput() || inf.needsDictionary())) break;
                got += k;
            }
        } catch (java.util.zip.DataFormatException e) {
            return got;
        } finally {
            inf.end();
        }
        return got;
    }

    static byte[] deflate(byte[] data) {
        java.util.zip.Deflater def = new java.util.zip.Deflater(6);
        try {
            def.setInput(data);
            def.finish();
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(data.length / 2 + 64);
            byte[] chunk = new byte[65536];
            while (!def.finished()) out.write(chunk, 0, def.deflate(chunk));
            return out.toByteArray();
        } finally {
            def.end();
        }
    }

    /**
     * The inverse of {@link #undoFloatPredictor}: big-endian float bytes of each row are split
     * into byte planes (most significant first), then differenced from the right.
     */
    static byte[] applyFloatPredictor(byte[] bigEndian, int rows, int samples) {
        int rowBytes = samples * 4;
        byte[] out = new byte[bigEndian.length];
        for (int r = 0; r < rows; r++) {
            int base = r * rowBytes;
            for (int s = 0; s < samples; s++)
                for (int b = 0; b < 4; b++) out[base + b * samples + s] = bigEndian[base + 4 * s + b];
            for (int i = rowBytes - 1; i >= 1; i--) out[base + i] -= out[base + i - 1];
        }
        return out;
    }
}
