package dsr3d.simulate.source;

import dsr3d.simulate.Rng;
import dsr3d.simulate.noise.Perlin;

/**
 * A built-in stand-in for ImageNet so that stage 1 runs with no download: image {@code index}
 * is drawn from a stream seeded by (seed, index) alone, so the source behaves like a fixed
 * data set of {@code size} images.
 *
 * <p>Each image stacks what natural photos have and a depth map does not: a lit background
 * gradient, fractal (1/f-like) luminance texture, colour regions cut out of low-frequency noise,
 * striped or speckled patterns, and 3-12 anti-aliased shapes (ellipses, rotated boxes,
 * triangles, thick lines) with their own texture, shading and soft drop shadows; finally a
 * small sensor noise. Colours come from an earthy palette (moderate saturation, mid values),
 * with an occasional saturated accent.
 */
public final class ProceduralImageSource implements ImageSource {
    private final long seed;
    private final int size, height, width;

    public ProceduralImageSource(long seed, int size, int height, int width) {
        if (size <= 0) throw new IllegalArgumentException("procedural source size must be > 0, got " + size);
        if (height <= 0 || width <= 0) throw new IllegalArgumentException("image size must be positive, got " + height + "x" + width);
        this.seed = seed;
        this.size = size;
        this.height = height;
        this.width = width;
    }

    @Override public int size() { return size; }

    @Override public int height() { return height; }

    @Override public int width() { return width; }

    @Override
    public float[] sample(int index, Rng ignored) {
        checkIndex(index);
        return render(new Rng(seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL));
    }

    private float[] render(Rng rng) {
        int h = height, w = width, n = h * w;
        float[] img = new float[3 * n];

        // 1. Background: two palette colours blended along a random direction, lit by fractal noise.
        float[] c0 = paletteColour(rng), c1 = paletteColour(rng);
        double dir = rng.uniform(0, 2 * Math.PI), dx = Math.cos(dir), dy = Math.sin(dir);
        float[] lum = Perlin.fractal(h, w, 1 << rng.intBetween(0, 2), 5, rng);
        double texAmp = rng.uniform(0.05, 0.35);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                double t = 0.5 + 0.5 * ((x / (double) w - 0.5) * dx + (y / (double) h - 0.5) * dy) * 1.4;
                t = Math.max(0, Math.min(1, t));
                double l = 1 + texAmp * lum[i];
                for (int c = 0; c < 3; c++) img[c * n + i] = (float) ((c0[c] + t * (c1[c] - c0[c])) * l);
            }

        // 2. Colour regions cut from low-frequency noise (fields, sky/ground, patches).
        int regions = rng.intBetween(0, 3);
        for (int r = 0; r < regions; r++) {
            float[] field = Perlin.fractal(h, w, 1 << rng.intBetween(0, 2), 3, rng);
            float[] col = paletteColour(rng);
            double thr = rng.uniform(-0.2, 0.4), soft = rng.uniform(0.02, 0.15);
            float[] pattern = pattern(rng, h, w);
            for (int i = 0; i < n; i++) {
                double a = smooth((field[i] - thr) / soft);
                if (a <= 0) continue;
                for (int c = 0; c < 3; c++) img[c * n + i] = (float) ((1 - a) * img[c * n + i] + a * col[c] * pattern[i]);
            }
        }

        // 3. Shapes, each with a soft shadow first.
        int shapes = rng.intBetween(3, 12);
        for (int s = 0; s < shapes; s++) drawShape(img, h, w, rng);

        // 4. Sensor noise and clamp.
        double sigma = rng.uniform(0.002, 0.02);
        for (int i = 0; i < img.length; i++) img[i] = (float) Math.max(0, Math.min(1, img[i] + sigma * rng.gaussian()));
        return img;
    }

    /** A multiplicative pattern around 1: flat, fine noise, stripes or speckles. */
    private static float[] pattern(Rng rng, int h, int w) {
        float[] p = new float[h * w];
        int kind = rng.nextInt(4);
        switch (kind) {
            case 0 -> java.util.Arrays.fill(p, 1f);
            case 1 -> {
                float[] f = Perlin.fractal(h, w, 8 << rng.nextInt(3), 3, rng);
                double a = rng.uniform(0.1, 0.4);
                for (int i = 0; i < p.length; i++) p[i] = (float) (1 + a * f[i]);
            }
            case 2 -> {
                double ang = rng.uniform(0, Math.PI), period = rng.uniform(4, 24), a = rng.uniform(0.1, 0.35);
                double ca = Math.cos(ang), sa = Math.sin(ang);
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++)
                        p[y * w + x] = (float) (1 + a * Math.sin(2 * Math.PI * (x * ca + y * sa) / period));
            }
            default -> {
                double density = rng.uniform(0.01, 0.08), a = rng.uniform(0.3, 0.7);
                for (int i = 0; i < p.length; i++) p[i] = rng.chance(density) ? (float) (1 - a) : 1f;
            }
        }
        return p;
    }

    /** One anti-aliased shape given by a signed distance (negative inside), with shading and a shadow. */
    private static void drawShape(float[] img, int h, int w, Rng rng) {
        int n = h * w, kind = rng.nextInt(4);
        double cx = rng.uniform(0, w), cy = rng.uniform(0, h);
        double s = Math.min(h, w) * rng.uniform(0.05, 0.35);
        double ang = rng.uniform(0, Math.PI), ca = Math.cos(ang), sa = Math.sin(ang);
        double ar = rng.uniform(0.3, 1.0);
        double[] tri = {rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1)};
        float[] col = paletteColour(rng);
        float[] pattern = pattern(rng, h, w);
        double shadeDir = rng.uniform(0, 2 * Math.PI), shade = rng.uniform(0, 0.5);
        double shX = rng.uniform(-0.08, 0.08) * s * 2, shY = rng.uniform(0, 0.1) * s * 2, shStrength = rng.uniform(0, 0.5);
        int x0 = (int) Math.max(0, cx - 1.3 * s - Math.abs(shX) - 2), x1 = (int) Math.min(w - 1, cx + 1.3 * s + Math.abs(shX) + 2);
        int y0 = (int) Math.max(0, cy - 1.3 * s - Math.abs(shY) - 2), y1 = (int) Math.min(h - 1, cy + 1.3 * s + Math.abs(shY) + 2);
        for (int pass = 0; pass < 2; pass++) {        // pass 0: shadow (offset, blurred edge); pass 1: the shape
            for (int y = y0; y <= y1; y++)
                for (int x = x0; x <= x1; x++) {
                    double px = x - cx - (pass == 0 ? shX : 0), py = y - cy - (pass == 0 ? shY : 0);
                    double u = (px * ca + py * sa) / s, v = (-px * sa + py * ca) / s;   // shape frame, unit size
                    double d = switch (kind) {
                        case 0 -> (Math.hypot(u, v / ar) - 1) * Math.min(1, ar);                 // ellipse
                        case 1 -> Math.max(Math.abs(u) - 1, Math.abs(v) - ar);                  // box
                        case 2 -> triangle(u, v, tri);                                            // triangle
                        default -> Math.abs(v) - 0.08 * ar - 0.02;                                 // thick line
                    } * s;
                    if (kind == 3 && Math.abs(u) > 1.2) continue;
                    int i = y * w + x;
                    if (pass == 0) {
                        double a = shStrength * smooth(-d / 6);
                        for (int c = 0; c < 3; c++) img[c * n + i] *= (float) (1 - a);
                    } else {
                        double a = smooth(-d);           // ~1 px anti-aliased edge
                        if (a <= 0) continue;
                        double lit = 1 + shade * (u * Math.cos(shadeDir) + v * Math.sin(shadeDir));
                        for (int c = 0; c < 3; c++)
                            img[c * n + i] = (float) ((1 - a) * img[c * n + i] + a * col[c] * pattern[i] * lit);
                    }
                }
        }
    }

    /** Signed distance-like value of a triangle with vertices in tri (max of the three edge half-planes). */
    private static double triangle(double u, double v, double[] t) {
        double d = Double.NEGATIVE_INFINITY;
        double area = (t[2] - t[0]) * (t[5] - t[1]) - (t[4] - t[0]) * (t[3] - t[1]);
        double sign = area >= 0 ? 1 : -1;
        for (int e = 0; e < 3; e++) {
            double ax = t[2 * e], ay = t[2 * e + 1], bx = t[2 * ((e + 1) % 3)], by = t[2 * ((e + 1) % 3) + 1];
            double ex = bx - ax, ey = by - ay, len = Math.hypot(ex, ey) + 1e-9;
            d = Math.max(d, -sign * (ex * (v - ay) - ey * (u - ax)) / len);
        }
        return d;
    }

    /** Smooth step of x over [-0.5, 0.5] -> [0, 1]. */
    private static double smooth(double x) {
        double t = Math.max(0, Math.min(1, x + 0.5));
        return t * t * (3 - 2 * t);
    }

    /**
     * An RGB colour with natural-image statistics: mostly earthy, desaturated mid tones (hue
     * biased to greens, browns and blues), sometimes a saturated accent.
     */
    static float[] paletteColour(Rng rng) {
        double[] hues = {0.08, 0.11, 0.25, 0.33, 0.58, 0.62, 0.0, 0.15};
        double hue = rng.chance(0.8) ? hues[rng.nextInt(hues.length)] + rng.gaussian() * 0.04 : rng.uniform();
        double sat = rng.chance(0.85) ? Math.pow(rng.uniform(), 1.5) * 0.6 : rng.uniform(0.6, 1.0);
        double val = rng.uniform(0.15, 0.95);
        return hsv(hue - Math.floor(hue), sat, val);
    }

    static float[] hsv(double h, double s, double v) {
        double r = Math.abs(h * 6 - 3) - 1, g = 2 - Math.abs(h * 6 - 2), b = 2 - Math.abs(h * 6 - 4);
        r = Math.max(0, Math.min(1, r));
        g = Math.max(0, Math.min(1, g));
        b = Math.max(0, Math.min(1, b));
        return new float[]{(float) (v * (1 - s + s * r)), (float) (v * (1 - s + s * g)), (float) (v * (1 - s + s * b))};
    }
}
