package dsr3d.simulate.synth;

import dsr3d.simulate.Rng;
import dsr3d.simulate.noise.Perlin;

/**
 * "cookie": a round, slightly irregular disc 8-12 mm high with a rounded rim and a domed top,
 * a bumpy baked surface (fine fractal relief), golden-brown albedo with darker rim and
 * dark chocolate chips (strong colour contrast, almost no relief).
 */
final class CookieCategory implements SynthCategory {
    @Override public String name() { return "cookie"; }

    @Override
    public ObjectModel generate(int size, double pixelMetres, Rng rng) {
        int n = size * size;
        float[] albedo = Background.albedo(size, rng);
        float[] height = new float[n];
        boolean[] core = new boolean[n];
        double cx = size * (0.5 + rng.uniform(-0.05, 0.05)), cy = size * (0.5 + rng.uniform(-0.05, 0.05));
        double radius = size * rng.uniform(0.27, 0.33), rim = 0.18 * radius;
        double top = rng.uniform(0.008, 0.012), dome = rng.uniform(0.001, 0.003);
        double[] wob = Fields.wobble(rng, 4);
        float[] relief = Perlin.fractal(size, size, 8, 3, rng);
        float[] tone = Perlin.fractal(size, size, 4, 4, rng);
        float[] baseColour = {(float) rng.uniform(0.72, 0.85), (float) rng.uniform(0.48, 0.58), (float) rng.uniform(0.22, 0.32)};
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++) {
                int i = y * size + x;
                double dx = x - cx, dy = y - cy, r = Math.hypot(dx, dy);
                double edge = radius * (1 + 0.035 * Fields.wobbleAt(wob, Math.atan2(dy, dx)));
                double inside = edge - r;               // pixels from the outline, > 0 inside
                if (inside <= 0) continue;
                double profile = Math.sqrt(Fields.smoothstep(inside / rim));
                height[i] = (float) (profile * (top + dome * (1 - (r / edge) * (r / edge))) + profile * 0.0006 * relief[i]);
                double baked = 0.75 + 0.25 * Fields.smoothstep(inside / (1.5 * rim));   // darker rim
                Fields.paint(albedo, n, i, baseColour, baked * (1 + 0.18 * tone[i]), 1);
                core[i] = inside > 1.6 * rim;
            }
        int chips = rng.intBetween(5, 10);
        for (int k = 0; k < chips; k++) {
            double a = rng.uniform(0, 2 * Math.PI), rr = radius * Math.sqrt(rng.uniform()) * 0.8;
            double px = cx + rr * Math.cos(a), py = cy + rr * Math.sin(a), cr = size * rng.uniform(0.015, 0.03);
            float[] chip = {(float) rng.uniform(0.18, 0.28), (float) rng.uniform(0.1, 0.16), (float) rng.uniform(0.05, 0.09)};
            for (int y = (int) Math.max(0, py - cr - 1); y <= Math.min(size - 1, py + cr + 1); y++)
                for (int x = (int) Math.max(0, px - cr - 1); x <= Math.min(size - 1, px + cr + 1); x++) {
                    int i = y * size + x;
                    double d = Math.hypot(x - px, y - py) / cr;
                    if (d >= 1 || height[i] <= 0) continue;
                    Fields.paint(albedo, n, i, chip, 1, Fields.smoothstep((1 - d) * 3));
                    height[i] += (float) (0.0003 * (1 - d * d));                       // a chip barely sticks out
                }
        }
        return new ObjectModel(size, height, albedo, core);
    }
}
