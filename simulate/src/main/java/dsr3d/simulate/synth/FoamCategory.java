package dsr3d.simulate.synth;

import dsr3d.simulate.Rng;
import dsr3d.simulate.noise.Perlin;

/**
 * "foam": a rectangular foam block 10-15 mm high at a random yaw, near-vertical sides (so the
 * sensor loses points along them) and a porous top: small pits (relief) that are also darker,
 * on a pale yellow-green base with blotchy tone.
 */
final class FoamCategory implements SynthCategory {
    @Override public String name() { return "foam"; }

    @Override
    public ObjectModel generate(int size, double pixelMetres, Rng rng) {
        int n = size * size;
        float[] albedo = Background.albedo(size, rng);
        float[] height = new float[n];
        boolean[] core = new boolean[n];
        double cx = size * (0.5 + rng.uniform(-0.04, 0.04)), cy = size * (0.5 + rng.uniform(-0.04, 0.04));
        double a = size * rng.uniform(0.24, 0.3), b = size * rng.uniform(0.17, 0.24);
        double yaw = rng.uniform(-Math.PI / 2, Math.PI / 2), ca = Math.cos(yaw), sa = Math.sin(yaw);
        double top = rng.uniform(0.010, 0.015), bevel = size * 0.025;
        float[] pores = Perlin.fractal(size, size, 32, 2, rng);
        float[] tone = Perlin.fractal(size, size, 2, 4, rng);
        float[] base = {(float) rng.uniform(0.78, 0.9), (float) rng.uniform(0.75, 0.88), (float) rng.uniform(0.45, 0.6)};
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++) {
                int i = y * size + x;
                double dx = x - cx, dy = y - cy, u = dx * ca + dy * sa, v = -dx * sa + dy * ca;
                double inside = Math.min(a - Math.abs(u), b - Math.abs(v));
                if (inside <= 0) continue;
                double profile = Fields.smoothstep(inside / bevel);
                double pit = Fields.smoothstep((pores[i] - 0.35) / 0.25);
                height[i] = (float) (profile * (top - 0.0005 * pit));
                Fields.paint(albedo, n, i, base, (1 + 0.12 * tone[i]) * (1 - 0.35 * pit), 1);
                core[i] = inside > 3 * bevel;
            }
        return new ObjectModel(size, height, albedo, core);
    }
}
