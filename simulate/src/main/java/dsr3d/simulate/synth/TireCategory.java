package dsr3d.simulate.synth;

import dsr3d.simulate.Rng;
import dsr3d.simulate.noise.Perlin;

/**
 * "tire": a toy tyre lying flat, a ring (flattened torus section) 14-20 mm high with a hole
 * showing the background, radial tread grooves (relief) on the top, near-black rubber with a
 * lighter printed band on one side wall (colour without relief).
 */
final class TireCategory implements SynthCategory {
    @Override public String name() { return "tire"; }

    @Override
    public ObjectModel generate(int size, double pixelMetres, Rng rng) {
        int n = size * size;
        float[] albedo = Background.albedo(size, rng);
        float[] height = new float[n];
        boolean[] core = new boolean[n];
        double cx = size * (0.5 + rng.uniform(-0.05, 0.05)), cy = size * (0.5 + rng.uniform(-0.05, 0.05));
        double mid = size * rng.uniform(0.22, 0.27), half = size * rng.uniform(0.085, 0.11);
        double top = rng.uniform(0.014, 0.020), grooveDepth = rng.uniform(0.0008, 0.0014);
        int grooves = rng.intBetween(24, 40);
        double phase = rng.uniform(0, 2 * Math.PI);
        double bandInner = rng.chance(0.5) ? 1 : -1;      // which side wall carries the printed band
        float[] grain = Perlin.fractal(size, size, 16, 2, rng);
        float[] rubber = {(float) rng.uniform(0.09, 0.14), (float) rng.uniform(0.09, 0.14), (float) rng.uniform(0.1, 0.15)};
        float[] print = {(float) rng.uniform(0.55, 0.8), (float) rng.uniform(0.55, 0.8), (float) rng.uniform(0.55, 0.8)};
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++) {
                int i = y * size + x;
                double dx = x - cx, dy = y - cy, r = Math.hypot(dx, dy), t = (r - mid) / half;  // t in (-1, 1) across the ring
                if (Math.abs(t) >= 1) continue;
                double profile = Math.pow(1 - t * t, 0.35);
                double theta = Math.atan2(dy, dx);
                double tread = Math.abs(t) < 0.6 && Math.abs(Math.sin(grooves * theta / 2 + phase)) < 0.22 ? 1 : 0;
                height[i] = (float) (top * profile - grooveDepth * tread);
                Fields.paint(albedo, n, i, rubber, 1 + 0.25 * grain[i] - 0.2 * tread, 1);
                double band = bandInner * t;
                if (band > 0.68 && band < 0.8) Fields.paint(albedo, n, i, print, 1, 0.8);
                core[i] = Math.abs(t) < 0.5;
            }
        return new ObjectModel(size, height, albedo, core);
    }
}
