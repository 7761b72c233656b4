package dsr3d.simulate.image;

/**
 * Rotation about the image centre with bilinear interpolation and zero fill: the behaviour of
 * the imgaug {@code Affine(rotate=...)} augmenter the official code uses (order 1, constant
 * mode, cval 0). Samples outside the source read as 0, so edge pixels blend towards 0.
 *
 * <p>Images are planar [C][H][W]; each channel is rotated with the same geometry. Positive
 * angles rotate clockwise on screen (image y points down), as imgaug does.
 */
public final class Rotate {
    private Rotate() {}

    /** Rotated copy of {@code src} ([channels][h][w]) by {@code degrees} about ((w-1)/2, (h-1)/2). */
    public static float[] rotate(float[] src, int channels, int h, int w, double degrees) {
        if (src.length != channels * h * w)
            throw new IllegalArgumentException("rotate: expected " + channels + "*" + h + "*" + w + " values, got " + src.length);
        float[] dst = new float[src.length];
        double a = Math.toRadians(degrees), cos = Math.cos(a), sin = Math.sin(a);
        double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
        int plane = h * w;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                // Inverse map: the destination pixel comes from the source rotated back by -angle.
                double dx = x - cx, dy = y - cy;
                double sx = cos * dx + sin * dy + cx, sy = -sin * dx + cos * dy + cy;
                int x0 = (int) Math.floor(sx), y0 = (int) Math.floor(sy);
                if (x0 < -1 || y0 < -1 || x0 >= w || y0 >= h) continue; // entirely outside: stays 0
                float fx = (float) (sx - x0), fy = (float) (sy - y0);
                for (int c = 0; c < channels; c++) {
                    int base = c * plane;
                    float v00 = at(src, base, w, h, x0, y0), v10 = at(src, base, w, h, x0 + 1, y0);
                    float v01 = at(src, base, w, h, x0, y0 + 1), v11 = at(src, base, w, h, x0 + 1, y0 + 1);
                    float top = v00 + fx * (v10 - v00), bottom = v01 + fx * (v11 - v01);
                    dst[base + y * w + x] = top + fy * (bottom - top);
                }
            }
        }
        return dst;
    }

    private static float at(float[] src, int base, int w, int h, int x, int y) {
        return x < 0 || y < 0 || x >= w || y >= h ? 0f : src[base + y * w + x];
    }
}
