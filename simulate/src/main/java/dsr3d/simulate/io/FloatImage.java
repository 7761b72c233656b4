package dsr3d.simulate.io;

import java.util.Objects;

/**
 * A float image with interleaved channels, the in-memory form of a float TIFF.
 *
 * <p>Layout: {@code data[(y * width + x) * channels + c]}, i.e. [H][W][C] row-major, the
 * "chunky" order of TIFF PlanarConfiguration 1. For an MVTec 3D-AD xyz file, channels = 3 and
 * c = 0, 1, 2 are x, y, z in metres, (0,0,0) marking a missing point.
 */
public record FloatImage(int width, int height, int channels, float[] data) {

    public FloatImage {
        if (width <= 0 || height <= 0 || channels <= 0)
            throw new IllegalArgumentException("FloatImage size must be positive, got width=" + width
                    + " height=" + height + " channels=" + channels);
        Objects.requireNonNull(data, "data");
        long n = (long) width * height * channels;
        if (data.length != n)
            throw new IllegalArgumentException("FloatImage data length " + data.length + " != width*height*channels = "
                    + width + "*" + height + "*" + channels + " = " + n);
    }

    /** A zero image of the given size. */
    public static FloatImage zeros(int width, int height, int channels) {
        long n = (long) width * height * channels;
        if (n > Integer.MAX_VALUE - 8)
            throw new IllegalArgumentException("FloatImage too large: " + width + "x" + height + "x" + channels);
        return new FloatImage(width, height, channels, new float[(int) Math.max(0, n)]);
    }

    public float get(int x, int y, int c) { return data[(y * width + x) * channels + c]; }

    public void set(int x, int y, int c, float v) { data[(y * width + x) * channels + c] = v; }

    /** One channel as a new [H][W] row-major array (e.g. z = channel(2) of an xyz cloud). */
    public float[] channel(int c) {
        if (c < 0 || c >= channels) throw new IllegalArgumentException("channel " + c + " not in [0, " + channels + ")");
        float[] out = new float[width * height];
        for (int i = 0; i < out.length; i++) out[i] = data[i * channels + c];
        return out;
    }

    /** Size only (the record default would print every sample). */
    @Override
    public String toString() { return "%s[%dx%dx%d %s]".formatted(getClass().getSimpleName(), width, height, channels, "float"); }
}
