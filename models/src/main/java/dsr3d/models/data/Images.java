package dsr3d.models.data;

import dsr3d.simulate.io.ByteImage;
import dsr3d.simulate.io.FloatImage;
import dsr3d.simulate.io.Png;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Adapter from the simulate module's PNG reader to {@link Raster}, turning every failure into a
 * {@link DataException} that names the file.
 */
final class Images {
    private Images() {}

    /** 8-bit RGB, R first (as the official loader has it after cv2's BGR->RGB). */
    static Raster readRgb8(Path file) {
        try {
            return fromBytes(Png.readRgb(file), 8);
        } catch (IOException | RuntimeException e) {
            throw new DataException(file, "cannot read RGB image", e);
        }
    }

    /** 8-bit single channel, stored values untouched (gt class ids). */
    static Raster readGray8(Path file) {
        try {
            return fromBytes(Png.readGray8(file), 8);
        } catch (IOException | RuntimeException e) {
            throw new DataException(file, "cannot read 8-bit grey mask", e);
        }
    }

    /** 16-bit single channel, raw values 0..65535 (Eyecandies depth). */
    static Raster readGray16(Path file) {
        FloatImage f;
        try {
            f = Png.readGray16(file);
        } catch (IOException | RuntimeException e) {
            throw new DataException(file, "cannot read 16-bit grey depth", e);
        }
        int[] d = new int[f.data().length];
        for (int i = 0; i < d.length; i++) d[i] = (int) f.data()[i];
        return new Raster(f.width(), f.height(), 1, 16, d);
    }

    private static Raster fromBytes(ByteImage b, int bits) {
        byte[] src = b.data();
        int[] d = new int[src.length];
        for (int i = 0; i < d.length; i++) d[i] = src[i] & 0xFF;
        return new Raster(b.width(), b.height(), b.channels(), bits, d);
    }
}
