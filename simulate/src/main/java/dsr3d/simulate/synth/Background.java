package dsr3d.simulate.synth;

import dsr3d.simulate.Rng;
import dsr3d.simulate.noise.Perlin;

/** The albedo of the background plane: a dark-to-mid grey cloth with faint fractal texture. */
final class Background {
    private Background() {}

    static float[] albedo(int size, Rng rng) {
        int n = size * size;
        float[] a = new float[3 * n];
        double base = rng.uniform(0.3, 0.5);
        double[] tint = {rng.uniform(0.95, 1.05), rng.uniform(0.95, 1.05), rng.uniform(0.95, 1.1)};
        float[] tex = Perlin.fractal(size, size, 4, 4, rng);
        for (int i = 0; i < n; i++)
            for (int c = 0; c < 3; c++) a[c * n + i] = (float) (base * tint[c] * (1 + 0.06 * tex[i]));
        return a;
    }
}
