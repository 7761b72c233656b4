package dsr3d.simulate.synth;

import dsr3d.simulate.Rng;
import dsr3d.simulate.noise.Perlin;

/**
 * "potato": a smooth elliptical dome 18-26 mm high with low-frequency lumps, scattered "eyes"
 * (small dark shallow pits) and a mottled beige-brown skin whose colour varies on its own,
 * uncorrelated with the relief.
 */
final class PotatoCategory implements SynthCategory {
    @Override public String name() { return "potato"; }

    @Override
    public ObjectModel generate(int size, double pixelMetres, Rng rng) {
        int n = size * size;
        float[] albedo = Background.albedo(size, rng);
        float[] height = new float[n];
        boolean[] core = new boolean[n];
        double cx = size * (0.5 + rng.uniform(-0.05, 0.05)), cy = size * (0.5 + rng.uniform(-0.05, 0.05));
        double rx = size * rng.uniform(0.25, 0.32), ry = size * rng.uniform(0.18, 0.25);
        double yaw = rng.uniform(-Math.PI / 2, Math.PI / 2), ca = Math.cos(yaw), sa = Math.sin(yaw);
        double top = rng.uniform(0.018, 0.026);
        double[] wob = Fields.wobble(rng, 3);
        float[] lumps = Perlin.fractal(size, size, 2, 2, rng);
        float[] mottle = Perlin.fractal(size, size, 8, 3, rng);
        float[] skin = {(float) rng.uniform(0.68, 0.8), (float) rng.uniform(0.55, 0.64), (float) rng.uniform(0.36, 0.45)};
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++) {
                int i = y * size + x;
                double dx = x - cx, dy = y - cy, u = (dx * ca + dy * sa) / rx, v = (-dx * sa + dy * ca) / ry;
                double rho = Math.hypot(u, v) / (1 + 0.05 * Fields.wobbleAt(wob, Math.atan2(v, u)));
                if (rho >= 1) continue;
                double dome = Math.sqrt(1 - rho * rho);
                height[i] = (float) (dome * (top + 0.002 * lumps[i]));
                Fields.paint(albedo, n, i, skin, 1 + 0.22 * mottle[i], 1);
                core[i] = rho < 0.6;
            }
        int eyes = rng.intBetween(3, 7);
        for (int k = 0; k < eyes; k++) {
            double a = rng.uniform(0, 2 * Math.PI), rr = Math.sqrt(rng.uniform()) * 0.75;
            double u = rr * Math.cos(a) * rx, v = rr * Math.sin(a) * ry;
            double px = cx + u * ca - v * sa, py = cy + u * sa + v * ca, er = size * rng.uniform(0.01, 0.018);
            for (int y = (int) Math.max(0, py - er - 1); y <= Math.min(size - 1, py + er + 1); y++)
                for (int x = (int) Math.max(0, px - er - 1); x <= Math.min(size - 1, px + er + 1); x++) {
                    int i = y * size + x;
                    double d = Math.hypot(x - px, y - py) / er;
                    if (d >= 1 || height[i] <= 0) continue;
                    height[i] -= (float) (0.0004 * (1 - d * d));
                    Fields.paint(albedo, n, i, skin, 0.45, Fields.smoothstep((1 - d) * 2));
                }
        }
        return new ObjectModel(size, height, albedo, core);
    }
}
