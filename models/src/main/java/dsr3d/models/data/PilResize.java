package dsr3d.models.data;

/**
 * Resizing as PIL does it for {@code Image.resize} (what torchvision's Resize does to a PIL
 * image), for the BTF/M3DM loaders (docs/data-and-evaluation.md §2.2).
 *
 * <ul>
 *   <li>{@link #bicubic8u}: PIL's separable resampling with the bicubic kernel (a = -0.5), support
 *       widened by the scale when downsampling (antialiasing), weights normalised per output
 *       pixel, converted to 22-bit fixed point (rounded away from zero), accumulated from
 *       2^21, shifted and clipped to 0..255; horizontal pass first, 8-bit intermediate.</li>
 *   <li>{@link #nearestIndex}: PIL nearest, source = (i + 0.5) * src / dst, accumulated as Pillow does, truncated.</li>
 *   <li>{@link #torchNearestIndex}: torch.nn.functional.interpolate(mode='nearest'), source =
 *       floor(i * (float) (src / dst)) in float32, clamped.</li>
 * </ul>
 */
public final class PilResize {
    private PilResize() {}

    static final int PRECISION_BITS = 32 - 8 - 2;

    /** @param src [h][w][c] 0..255 @return [dh][dw][c] 0..255 */
    public static int[] bicubic8u(int[] src, int h, int w, int c, int dh, int dw) {
        if ((long) h * w * c != src.length) throw new IllegalArgumentException("bicubic8u: src length " + src.length + " != " + h + "*" + w + "*" + c);
        int[] tmp = src;
        if (dw != w) tmp = pass(tmp, h, w, c, dw, true);
        if (dh != h) tmp = pass(tmp, h, dw, c, dh, false);
        return tmp == src ? src.clone() : tmp;
    }

    /** One separable pass: horizontal (w -> out) or vertical (h -> out). */
    private static int[] pass(int[] src, int h, int w, int c, int out, boolean horizontal) {
        int in = horizontal ? w : h;
        double scale = (double) in / out;
        double filterScale = Math.max(scale, 1.0);
        double support = 2.0 * filterScale;
        int[] lo = new int[out], cnt = new int[out];
        int[][] k = new int[out][];
        for (int i = 0; i < out; i++) {
            double center = (i + 0.5) * scale;
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xmax = Math.min((int) (center + support + 0.5), in) - xmin;
            double[] wts = new double[xmax];
            double sum = 0;
            for (int j = 0; j < xmax; j++) {
                wts[j] = cubic((j + xmin - center + 0.5) / filterScale);
                sum += wts[j];
            }
            k[i] = new int[xmax];
            for (int j = 0; j < xmax; j++) {
                double v = sum != 0 ? wts[j] / sum : 0;
                k[i][j] = (int) (v < 0 ? -0.5 + v * (1 << PRECISION_BITS) : 0.5 + v * (1 << PRECISION_BITS));
            }
            lo[i] = xmin;
            cnt[i] = xmax;
        }
        int oh = horizontal ? h : out, ow = horizontal ? out : w;
        int[] dst = new int[oh * ow * c];
        for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++)
                for (int ch = 0; ch < c; ch++) {
                    int i = horizontal ? x : y;
                    long acc = 1L << (PRECISION_BITS - 1);
                    for (int j = 0; j < cnt[i]; j++) {
                        int s = horizontal ? (y * w + lo[i] + j) * c + ch : ((lo[i] + j) * w + x) * c + ch;
                        acc += (long) src[s] * k[i][j];
                    }
                    long v = acc >> PRECISION_BITS;
                    dst[(y * ow + x) * c + ch] = (int) Math.max(0, Math.min(255, v));
                }
        return dst;
    }

    /** PIL's bicubic kernel, a = -0.5. */
    static double cubic(double x) {
        final double a = -0.5;
        x = Math.abs(x);
        if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
        if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
        return 0;
    }

    /**
     * PIL nearest, as Pillow's ImagingScaleAffine computes it: the source coordinate starts at
     * 0.5 * scale and is advanced by adding scale = src / dst once per output pixel (in double),
     * then truncated. The accumulated sum is not always floor((i + 0.5) * scale): the OpenCV/PIL
     * reference fixtures (tests/fixtures/make_reference_fixtures.py) showed a 9x14 -> 20x31 case
     * where the closed form picks a neighbouring pixel.
     */
    public static int[] nearestIndex(int src, int dst) {
        int[] idx = new int[dst];
        double scale = (double) src / dst, xo = scale * 0.5;
        for (int i = 0; i < dst; i++) {
            idx[i] = Math.min((int) xo, src - 1);
            xo += scale;
        }
        return idx;
    }

    /** torch 'nearest': floor(i * scale) with scale = (float) src / dst. */
    public static int[] torchNearestIndex(int src, int dst) {
        int[] idx = new int[dst];
        float scale = (float) src / dst;
        for (int i = 0; i < dst; i++) idx[i] = Math.min((int) Math.floor(i * scale), src - 1);
        return idx;
    }

    /** Gathers [dh][dw][c] from [h][w][c] with per-axis source indices. */
    static float[] gather(float[] src, int w, int c, int[] ys, int[] xs) {
        float[] dst = new float[ys.length * xs.length * c];
        for (int y = 0; y < ys.length; y++)
            for (int x = 0; x < xs.length; x++)
                System.arraycopy(src, (ys[y] * w + xs[x]) * c, dst, (y * xs.length + x) * c, c);
        return dst;
    }

    static int[] gather(int[] src, int w, int c, int[] ys, int[] xs) {
        int[] dst = new int[ys.length * xs.length * c];
        for (int y = 0; y < ys.length; y++)
            for (int x = 0; x < xs.length; x++)
                System.arraycopy(src, (ys[y] * w + xs[x]) * c, dst, (y * xs.length + x) * c, c);
        return dst;
    }
}
