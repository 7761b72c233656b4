package dsr3d.simulate.synth;

import dsr3d.simulate.Rng;

/** Small scalar helpers shared by the synthetic object and defect generators. */
final class Fields {
    private Fields() {}

    /** Hermite smooth step of x from 0 (x <= 0) to 1 (x >= 1). */
    static double smoothstep(double x) {
        double t = Math.max(0, Math.min(1, x));
        return t * t * (3 - 2 * t);
    }

    /** A smooth random periodic function of an angle: sum of a few sines with random phases, about [-1, 1]. */
    static double[] wobble(Rng rng, int harmonics) {
        double[] p = new double[2 * harmonics];
        for (int k = 0; k < harmonics; k++) {
            p[2 * k] = rng.uniform(0, 2 * Math.PI);
            p[2 * k + 1] = rng.gaussian() / (k + 1);
        }
        return p;
    }

    static double wobbleAt(double[] p, double theta) {
        double s = 0;
        for (int k = 0; k < p.length / 2; k++) s += p[2 * k + 1] * Math.sin((k + 2) * theta + p[2 * k]);
        return s;
    }

    /** Distance from (px, py) to the segment (ax, ay)-(bx, by). */
    static double segmentDistance(double px, double py, double ax, double ay, double bx, double by) {
        double ex = bx - ax, ey = by - ay, len2 = ex * ex + ey * ey;
        double t = len2 == 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * ex + (py - ay) * ey) / len2));
        return Math.hypot(px - ax - t * ex, py - ay - t * ey);
    }

    /** 3 channels planar [3][n] filled with a colour times a per-pixel factor. */
    static void paint(float[] albedo, int n, int i, float[] rgb, double factor, double alpha) {
        for (int c = 0; c < 3; c++)
            albedo[c * n + i] = (float) ((1 - alpha) * albedo[c * n + i] + alpha * rgb[c] * factor);
    }
}
