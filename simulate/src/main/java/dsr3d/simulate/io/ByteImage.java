package dsr3d.simulate.io;

import java.util.Objects;

/**
 * An 8-bit image with interleaved channels: {@code data[(y * width + x) * channels + c]},
 * values 0..255 stored in signed bytes (read them with {@code & 0xFF}). RGB images have
 * channels = 3 in R, G, B order; masks and grey images channels = 1.
 */
public record ByteImage(int width, int height, int channels, byte[] data) {

    public ByteImage {
        if (width <= 0 || height <= 0 || channels <= 0)
            throw new IllegalArgumentException("ByteImage size must be positive, got width=" + width
                    + " height=" + height + " channels=" + channels);
        Objects.requireNonNull(data, "data");
        if (data.length != (long) width * height * channels)
            throw new IllegalArgumentException("ByteImage data length " + data.length + " != " + width + "*" + height + "*" + channels);
    }

    public int get(int x, int y, int c) { return data[(y * width + x) * channels + c] & 0xFF; }

    /** Planar float copy [C][H][W] scaled by 1/255 (the "/255" of every loader). */
    public float[] toPlanarFloat() {
        int n = width * height;
        float[] out = new float[channels * n];
        for (int i = 0; i < n; i++)
            for (int c = 0; c < channels; c++) out[c * n + i] = (data[i * channels + c] & 0xFF) / 255f;
        return out;
    }

    /** From planar floats [C][H][W] in [0, 1]: v * 255 rounded, clamped to 0..255. */
    public static ByteImage fromPlanarFloat(float[] chw, int channels, int height, int width) {
        int n = width * height;
        if (chw.length != channels * n)
            throw new IllegalArgumentException("expected " + channels + "*" + height + "*" + width + " values, got " + chw.length);
        byte[] d = new byte[channels * n];
        for (int i = 0; i < n; i++)
            for (int c = 0; c < channels; c++) {
                int v = Math.round(chw[c * n + i] * 255f);
                d[i * channels + c] = (byte) Math.max(0, Math.min(255, v));
            }
        return new ByteImage(width, height, channels, d);
    }

    /** Size only (the record default would print every sample). */
    @Override
    public String toString() { return "%s[%dx%dx%d %s]".formatted(getClass().getSimpleName(), width, height, channels, "8-bit"); }
}
