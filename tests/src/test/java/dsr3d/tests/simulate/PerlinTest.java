package dsr3d.tests.simulate;

import dsr3d.simulate.Rng;
import dsr3d.simulate.image.Rotate;
import dsr3d.simulate.noise.Perlin;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * Perlin noise against the spec's formula (§3), its range, determinism per seed, and the
 * independence of split random streams; rotation with zero fill.
 */
class PerlinTest {

    /** The spec's formula, written directly: same angle order (row-major lattice), fade, lerp rows then columns, sqrt(2). */
    static double specNoise(long seed, int h, int w, int resY, int resX, int y, int x) {
        Rng rng = new Rng(seed);
        double[][] angle = new double[resY + 1][resX + 1];
        for (int i = 0; i <= resY; i++) for (int j = 0; j <= resX; j++) angle[i][j] = 2 * Math.PI * rng.uniform();
        double gy = y * (double) resY / h, gx = x * (double) resX / w;
        int i = (int) Math.floor(gy), j = (int) Math.floor(gx);
        double u = gy - i, v = gx - j;
        double n00 = Math.cos(angle[i][j]) * u + Math.sin(angle[i][j]) * v;
        double n10 = Math.cos(angle[i + 1][j]) * (u - 1) + Math.sin(angle[i + 1][j]) * v;
        double n01 = Math.cos(angle[i][j + 1]) * u + Math.sin(angle[i][j + 1]) * (v - 1);
        double n11 = Math.cos(angle[i + 1][j + 1]) * (u - 1) + Math.sin(angle[i + 1][j + 1]) * (v - 1);
        double fu = 6 * Math.pow(u, 5) - 15 * Math.pow(u, 4) + 10 * Math.pow(u, 3);
        double fv = 6 * Math.pow(v, 5) - 15 * Math.pow(v, 4) + 10 * Math.pow(v, 3);
        double a = n00 + fu * (n10 - n00), b = n01 + fu * (n11 - n01);
        return Math.sqrt(2) * (a + fv * (b - a));
    }

    @Test
    void matchesTheSpecFormula() {
        qt().withExamples(60).forAll(longs().all(), integers().between(0, 3), integers().between(0, 3), integers().between(0, 10_000))
                .checkAssert((seed, ey, ex, where) -> {
                    int resY = 1 << ey, resX = 1 << ex, h = 32, w = 48;
                    float[] p = Perlin.noise(h, w, resY, resX, new Rng(seed));
                    int y = where % h, x = (where / h) % w;
                    assertEquals(specNoise(seed, h, w, resY, resX, y, x), p[y * w + x], 1e-5, "pixel (" + y + "," + x + ")");
                });
    }

    @Test
    void rangeIsWithinPlusMinusOneAndZeroOnTheLattice() {
        qt().withExamples(40).forAll(longs().all(), integers().between(0, 5), integers().between(0, 5)).checkAssert((seed, ey, ex) -> {
            int resY = 1 << ey, resX = 1 << ex, h = 64, w = 64;
            float[] p = Perlin.noise(h, w, resY, resX, new Rng(seed));
            float lo = Float.MAX_VALUE, hi = -Float.MAX_VALUE;
            for (float v : p) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
            assertTrue(lo >= -1.0001f && hi <= 1.0001f, "range [" + lo + ", " + hi + "]");
            assertTrue(hi - lo > 0.05f, "noise is not flat: [" + lo + ", " + hi + "]");
            for (int y = 0; y < h; y += h / resY)
                for (int x = 0; x < w; x += w / resX) assertEquals(0f, p[y * w + x], 1e-6f, "lattice corner");
        });
    }

    @Test
    void sameSeedSameNoiseDifferentSeedDifferent() {
        float[] a = Perlin.randomRotated(64, 96, new Rng(7)), b = Perlin.randomRotated(64, 96, new Rng(7));
        assertArrayEquals(a, b);
        float[] c = Perlin.randomRotated(64, 96, new Rng(8));
        assertFalse(java.util.Arrays.equals(a, c));
    }

    @Test
    void randomRotatedHandlesSizesNotDivisibleByTheLattice() {
        for (long s = 0; s < 20; s++) {
            float[] p = Perlin.randomRotated(37, 50, new Rng(s));
            assertEquals(37 * 50, p.length);
            for (float v : p) assertTrue(Math.abs(v) <= 1.0001f);
        }
    }

    @Test
    void splitStreamsAreIndependentAndReproducible() {
        Rng parent = new Rng(42);
        Rng a = parent.split(), b = parent.split();
        // A child's stream does not depend on how much its sibling consumed.
        double[] first = new double[1000];
        for (int i = 0; i < first.length; i++) first[i] = b.uniform();
        Rng parent2 = new Rng(42);
        Rng a2 = parent2.split();
        for (int i = 0; i < 12345; i++) a2.uniform();
        Rng b2 = parent2.split();
        for (double v : first) assertEquals(v, b2.uniform());
        // Siblings are uncorrelated.
        int n = 20000;
        double sa = 0, sb = 0, sab = 0, saa = 0, sbb = 0;
        Rng p3 = new Rng(5);
        Rng x = p3.split(), y = p3.split();
        for (int i = 0; i < n; i++) {
            double u = x.uniform(), v = y.uniform();
            sa += u; sb += v; sab += u * v; saa += u * u; sbb += v * v;
        }
        double cov = sab / n - sa / n * sb / n, corr = cov / Math.sqrt((saa / n - sa * sa / n / n) * (sbb / n - sb * sb / n / n));
        assertTrue(Math.abs(corr) < 0.03, "sibling streams correlate: " + corr);
        assertNotEquals(a.nextLong(), new Rng(42).nextLong(), "a child is not the parent's own stream");
    }

    @Test
    void rotationByZeroIsIdentityAndByNinetyIsExact() {
        int h = 7, w = 7;
        float[] img = new float[h * w];
        for (int i = 0; i < img.length; i++) img[i] = i + 1;
        assertArrayEquals(img, Rotate.rotate(img, 1, h, w, 0), 1e-5f);
        float[] r = Rotate.rotate(img, 1, h, w, 90);
        // Destination (x, y) samples the source at (y, w-1-x) for +90 (clockwise on screen, y down).
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) assertEquals(img[(w - 1 - x) * w + y], r[y * w + x], 1e-4f, "(" + x + "," + y + ")");
    }

    @Test
    void rotationFillsOutsideWithZero() {
        int h = 32, w = 32;
        float[] ones = new float[h * w];
        java.util.Arrays.fill(ones, 1f);
        float[] r = Rotate.rotate(ones, 1, h, w, 45);
        assertEquals(0f, r[0]);
        assertEquals(0f, r[w - 1]);
        assertEquals(1f, r[(h / 2) * w + w / 2], 1e-6f);
    }
}
