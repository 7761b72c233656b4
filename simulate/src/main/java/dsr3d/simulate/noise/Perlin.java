package dsr3d.simulate.noise;

import dsr3d.simulate.Rng;
import dsr3d.simulate.image.Rotate;

/**
 * 2-D gradient ("Perlin") noise with the semantics of the reference code (3DSR spec §3):
 * a lattice of resY x resX cells over an H x W image, one random unit gradient (angle uniform
 * in [0, 2pi)) per lattice corner, the quintic fade 6t^5 - 15t^4 + 10t^3, interpolation along
 * rows then columns, and a final factor sqrt(2). Values lie in about [-1, 1] and are exactly 0
 * at lattice corners.
 *
 * <p>The random-scale variant draws resY = 2^a and resX = 2^b with a, b uniform in {0..5}
 * (1 to 32 cells per axis), then rotates the noise uniformly in [-90, 90] degrees with bilinear
 * interpolation and zero fill (the imgaug augmenter of the official code).
 */
public final class Perlin {
    private Perlin() {}

    /** Largest scale exponent of the official code: scales 2^0 .. 2^5. */
    public static final int MAX_SCALE_EXPONENT = 5;

    /**
     * Noise of resY x resX lattice cells over h x w pixels, row-major [h][w]. h must be divisible
     * by resY and w by resX (the reference code repeats gradients per cell and requires it).
     */
    public static float[] noise(int h, int w, int resY, int resX, Rng rng) {
        if (h <= 0 || w <= 0 || resY <= 0 || resX <= 0)
            throw new IllegalArgumentException("Perlin: sizes must be positive, got " + h + "x" + w + " with res " + resY + "x" + resX);
        if (h % resY != 0 || w % resX != 0)
            throw new IllegalArgumentException("Perlin: image " + h + "x" + w + " must be divisible by the lattice " + resY + "x" + resX);
        // Gradients on the (resY+1) x (resX+1) lattice corners.
        int gw = resX + 1;
        double[] gy = new double[(resY + 1) * gw], gx = new double[(resY + 1) * gw];
        for (int i = 0; i < gy.length; i++) {
            double angle = 2 * Math.PI * rng.uniform();
            gy[i] = Math.cos(angle); // first component pairs with the row offset, as (cos, sin) with grid (row, col)
            gx[i] = Math.sin(angle);
        }
        int cellH = h / resY, cellW = w / resX;
        double[] fu = new double[h], u = new double[h], fv = new double[w], v = new double[w];
        for (int y = 0; y < h; y++) { u[y] = (y % cellH) / (double) cellH; fu[y] = fade(u[y]); }
        for (int x = 0; x < w; x++) { v[x] = (x % cellW) / (double) cellW; fv[x] = fade(v[x]); }
        float[] out = new float[h * w];
        double sqrt2 = Math.sqrt(2);
        for (int y = 0; y < h; y++) {
            int i = y / cellH;
            double uy = u[y], ty = fu[y];
            for (int x = 0; x < w; x++) {
                int j = x / cellW;
                double vx = v[x];
                int c00 = i * gw + j, c10 = c00 + gw, c01 = c00 + 1, c11 = c10 + 1;
                double n00 = gy[c00] * uy + gx[c00] * vx;
                double n10 = gy[c10] * (uy - 1) + gx[c10] * vx;
                double n01 = gy[c01] * uy + gx[c01] * (vx - 1);
                double n11 = gy[c11] * (uy - 1) + gx[c11] * (vx - 1);
                double a = n00 + ty * (n10 - n00);   // along rows (row offset u)
                double b = n01 + ty * (n11 - n01);
                out[y * w + x] = (float) (sqrt2 * (a + fv[x] * (b - a)));  // then along columns
            }
        }
        return out;
    }

    /** 6t^5 - 15t^4 + 10t^3. */
    static double fade(double t) { return t * t * t * (t * (t * 6 - 15) + 10); }

    /** One random lattice scale 2^a, a uniform in {0..maxExponent}. */
    public static int randomScale(Rng rng, int maxExponent) { return 1 << rng.intBetween(0, maxExponent); }

    /**
     * The reference's random noise: scales 2^{0..5} per axis drawn independently, then a rotation
     * uniform in [-90, 90] degrees with zero fill. Not normalised (about [-1, 1]; rotated-in
     * corners are 0). For sizes not divisible by the lattice the noise is made on the next
     * divisible size and cropped (for 256 and 384 this is exactly the reference).
     */
    public static float[] randomRotated(int h, int w, Rng rng) {
        int resY = randomScale(rng, MAX_SCALE_EXPONENT), resX = randomScale(rng, MAX_SCALE_EXPONENT);
        float[] p = crop(noise(ceilTo(h, resY), ceilTo(w, resX), resY, resX, rng), ceilTo(w, resX), h, w);
        double angle = rng.uniform(-90, 90);
        return Rotate.rotate(p, 1, h, w, angle);
    }

    /**
     * Fractal sum of octaves (amplitude halves, frequency doubles), for textures in the synthetic
     * data; the lattice starts at {@code baseRes} cells and is clamped so that each axis divides
     * evenly (sizes are rounded up internally and cropped).
     */
    public static float[] fractal(int h, int w, int baseRes, int octaves, Rng rng) {
        float[] sum = new float[h * w];
        double amp = 1;
        for (int o = 0; o < octaves; o++) {
            int res = baseRes << o;
            if (o > 0 && res > Math.max(1, Math.min(h, w) / 2)) break; // finer than 2 px per cell adds nothing
            int ph = ceilTo(h, res), pw = ceilTo(w, res);
            float[] n = noise(ph, pw, res, res, rng);
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) sum[y * w + x] += (float) (amp * n[y * pw + x]);
            amp *= 0.5;
        }
        return sum;
    }

    /** Top-left h x w of a row-major image of width {@code srcW}. */
    private static float[] crop(float[] src, int srcW, int h, int w) {
        if (srcW == w && src.length == h * w) return src;
        float[] out = new float[h * w];
        for (int y = 0; y < h; y++) System.arraycopy(src, y * srcW, out, y * w, w);
        return out;
    }

    private static int ceilTo(int n, int m) { return (n + m - 1) / m * m; }
}
