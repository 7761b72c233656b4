package dsr3d.models.viz;

import dsr3d.tensor.Tensor;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A stage-1 training picture of one sample: input and reconstruction side by side, depth (viridis,
 * [0, 1]) then RGB (clamped to [0, 1]): [depth in | depth out | rgb in | rgb out], panels enlarged by
 * an integer factor to at least 128 pixels. Channels: 4 = [D, R, G, B], 1 = [D], 3 = [R, G, B].
 */
public final class ReconPicture {
    private ReconPicture() {}

    /** x, recon [B, C, S, S]: writes sample 0. */
    public static void write(Path file, Tensor x, Tensor recon) throws IOException {
        int c = x.size(1), s = x.size(2), n = s * s;
        float[] in = x.slice(0, 0, 1).contiguous().toFloatArray(), out = recon.slice(0, 0, 1).contiguous().toFloatArray();
        boolean depth = c != 3, rgb = c != 1;
        int panels = (depth ? 2 : 0) + (rgb ? 2 : 0), zoom = Math.max(1, (128 + s - 1) / s), side = s * zoom, gap = 4;
        BufferedImage img = new BufferedImage(panels * side + (panels - 1) * gap, side, BufferedImage.TYPE_INT_RGB);
        int panel = 0;
        if (depth) {
            draw(img, panel++ * (side + gap), in, 0, n, s, zoom, true);
            draw(img, panel++ * (side + gap), out, 0, n, s, zoom, true);
        }
        if (rgb) {
            int off = depth ? n : 0;
            draw(img, panel++ * (side + gap), in, off, n, s, zoom, false);
            draw(img, panel * (side + gap), out, off, n, s, zoom, false);
        }
        PngOut.write(file, img);
    }

    private static void draw(BufferedImage img, int x0, float[] v, int off, int n, int s, int zoom, boolean depth) {
        for (int y = 0; y < s * zoom; y++)
            for (int x = 0; x < s * zoom; x++) {
                int i = (y / zoom) * s + x / zoom;
                int rgb = depth ? Colormap.VIRIDIS.rgb(v[off + i])
                        : byteOf(v[off + i]) << 16 | byteOf(v[off + n + i]) << 8 | byteOf(v[off + 2 * n + i]);
                img.setRGB(x0 + x, y, rgb);
            }
    }

    private static int byteOf(float f) { return (int) Math.round(Math.max(0, Math.min(1, f)) * 255); }
}
