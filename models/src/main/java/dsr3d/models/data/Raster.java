package dsr3d.models.data;

/**
 * An integer image as read from a PNG: [H][W][C] row-major samples (8- or 16-bit values).
 */
public record Raster(int width, int height, int channels, int bitDepth, int[] data) {
    public Raster {
        if ((long) width * height * channels != data.length)
            throw new IllegalArgumentException("Raster: data length " + data.length + " != " + width + "x" + height + "x" + channels);
    }
}
