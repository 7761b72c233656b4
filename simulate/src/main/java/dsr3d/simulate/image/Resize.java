package dsr3d.simulate.image;

/**
 * Resizing of planar images [C][H][W] with OpenCV's conventions, which the official code relies
 * on: bilinear uses half-pixel centres (src = (dst + 0.5) * scale - 0.5, clamped at the border)
 * and does no antialiasing when shrinking; nearest takes src = floor(dst * scale).
 */
public final class Resize {
    private Resize() {}

    public static float[] bilinear(float[] src, int channels, int h, int w, int outH, int outW) {
        check(src, channels, h, w, outH, outW);
        float[] dst = new float[channels * outH * outW];
        double sy = (double) h / outH, sx = (double) w / outW;
        int[] x0 = new int[outW], x1 = new int[outW];
        float[] fx = new float[outW];
        for (int x = 0; x < outW; x++) {
            double s = Math.min(w - 1, Math.max(0, (x + 0.5) * sx - 0.5));
            x0[x] = (int) s;
            x1[x] = Math.min(w - 1, x0[x] + 1);
            fx[x] = (float) (s - x0[x]);
        }
        for (int y = 0; y < outH; y++) {
            double s = Math.min(h - 1, Math.max(0, (y + 0.5) * sy - 0.5));
            int y0 = (int) s, y1 = Math.min(h - 1, y0 + 1);
            float fy = (float) (s - y0);
            for (int c = 0; c < channels; c++) {
                int in = c * h * w, out = c * outH * outW + y * outW;
                for (int x = 0; x < outW; x++) {
                    float top = src[in + y0 * w + x0[x]] + fx[x] * (src[in + y0 * w + x1[x]] - src[in + y0 * w + x0[x]]);
                    float bot = src[in + y1 * w + x0[x]] + fx[x] * (src[in + y1 * w + x1[x]] - src[in + y1 * w + x0[x]]);
                    dst[out + x] = top + fy * (bot - top);
                }
            }
        }
        return dst;
    }

    public static float[] nearest(float[] src, int channels, int h, int w, int outH, int outW) {
        check(src, channels, h, w, outH, outW);
        float[] dst = new float[channels * outH * outW];
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < outH; y++) {
                int sy = Math.min(h - 1, (int) Math.floor(y * (double) h / outH));
                for (int x = 0; x < outW; x++) {
                    int sx = Math.min(w - 1, (int) Math.floor(x * (double) w / outW));
                    dst[c * outH * outW + y * outW + x] = src[c * h * w + sy * w + sx];
                }
            }
        return dst;
    }

    private static void check(float[] src, int channels, int h, int w, int outH, int outW) {
        if (channels <= 0 || h <= 0 || w <= 0 || outH <= 0 || outW <= 0)
            throw new IllegalArgumentException("resize: sizes must be positive, got channels=" + channels + " " + h + "x" + w
                    + " -> " + outH + "x" + outW);
        if (src.length != channels * h * w)
            throw new IllegalArgumentException("resize: expected " + channels + "*" + h + "*" + w + " values, got " + src.length);
    }
}
