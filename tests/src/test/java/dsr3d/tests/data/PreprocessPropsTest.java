package dsr3d.tests.data;

import dsr3d.models.data.CvResize;
import dsr3d.models.data.Preprocess3dsr;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * Algebraic properties of the preprocessing steps on random inputs (QuickTheories drives the seed):
 * closing is extensive and idempotent; hole filling never touches non-zero pixels and never leaves
 * the range of its input; normalised depth stays in [0.1, 0.9]; resizes stay within the input range.
 */
class PreprocessPropsTest {

    @Test
    void closingIsExtensiveAndIdempotent() {
        qt().withExamples(60).forAll(longs().all()).checkAssert(seed -> {
            Random r = new Random(seed);
            int h = 1 + r.nextInt(20), w = 1 + r.nextInt(20);
            boolean[] m = new boolean[h * w];
            double p = r.nextDouble();
            for (int i = 0; i < m.length; i++) m[i] = r.nextDouble() < p;
            boolean[] c = Preprocess3dsr.closing3x3(m, h, w, 3);
            for (int i = 0; i < m.length; i++) if (m[i]) assertTrue(c[i], "closing removed pixel " + i);
            assertArrayEquals(c, Preprocess3dsr.closing3x3(c, h, w, 3), "closing is idempotent");
        });
    }

    @Test
    void fillingKeepsNonZeroPixelsAndTheValueRange() {
        qt().withExamples(60).forAll(longs().all()).checkAssert(seed -> {
            Random r = new Random(seed);
            int h = 1 + r.nextInt(16), w = 1 + r.nextInt(16);
            double[] d = new double[h * w];
            double lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
            for (int i = 0; i < d.length; i++)
                if (r.nextDouble() < 0.6) { d[i] = 0.1 + 0.8 * r.nextDouble(); lo = Math.min(lo, d[i]); hi = Math.max(hi, d[i]); }
            double[] f = Preprocess3dsr.fillHoles(d, h, w, 2);
            for (int i = 0; i < d.length; i++) {
                if (d[i] != 0) assertEquals(d[i], f[i], 0.0);
                // each pass divides by (count + 1e-12), so a filled value may sit up to ~passes*1e-12 (relative) below lo
                else if (f[i] != 0) assertTrue(f[i] >= lo * (1 - 1e-9) && f[i] <= hi, "filled value " + f[i] + " outside [" + lo + ", " + hi + "]");
            }
        });
    }

    @Test
    void normalisationRange() {
        qt().withExamples(60).forAll(longs().all()).checkAssert(seed -> {
            Random r = new Random(seed);
            double[] d = new double[1 + r.nextInt(50)];
            for (int i = 0; i < d.length; i++) if (r.nextBoolean()) d[i] = 0.3 + r.nextDouble();
            double[] before = d.clone();
            Preprocess3dsr.normaliseDepth(d);
            for (int i = 0; i < d.length; i++) {
                if (before[i] == 0) assertEquals(0.0, d[i]);
                else assertTrue(d[i] >= 0.1 - 1e-12 && d[i] <= 0.9 + 1e-12, "value " + d[i]);
            }
        });
    }

    @Test
    void resizesStayWithinTheInputRange() {
        qt().withExamples(60).forAll(longs().all()).checkAssert(seed -> {
            Random r = new Random(seed);
            int h = 1 + r.nextInt(30), w = 1 + r.nextInt(30), c = 1 + r.nextInt(3);
            int dh = 1 + r.nextInt(30), dw = 1 + r.nextInt(30);
            int[] src = new int[h * w * c];
            int lo = 255, hi = 0;
            for (int i = 0; i < src.length; i++) { src[i] = r.nextInt(256); lo = Math.min(lo, src[i]); hi = Math.max(hi, src[i]); }
            for (int v : CvResize.linear8u(src, h, w, c, dh, dw)) assertTrue(v >= lo - 1 && v <= hi + 1, v + " outside [" + lo + "," + hi + "]");
            float[] f = new float[src.length];
            for (int i = 0; i < f.length; i++) f[i] = src[i];
            java.util.Set<Float> values = new java.util.HashSet<>();
            for (float v : f) values.add(v);
            for (float v : CvResize.nearest(f, h, w, c, dh, dw)) assertTrue(values.contains(v), "nearest invents " + v);
        });
    }
}
