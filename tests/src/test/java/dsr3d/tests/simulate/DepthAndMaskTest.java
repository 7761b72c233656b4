package dsr3d.tests.simulate;

import dsr3d.simulate.AnomalyMasks;
import dsr3d.simulate.DepthSimulation;
import dsr3d.simulate.Rng;
import dsr3d.simulate.image.ImageOps;
import dsr3d.simulate.source.ProceduralImageSource;
import dsr3d.simulate.source.Stage1Sampler;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/** Stage-1 depth simulation (spec §3) and stage-2 anomaly masks (spec §4.2, DSR §8). */
class DepthAndMaskTest {

    static float min(float[] v) { float m = Float.MAX_VALUE; for (float x : v) m = Math.min(m, x); return m; }

    static float max(float[] v) { float m = -Float.MAX_VALUE; for (float x : v) m = Math.max(m, x); return m; }

    @Test
    void depthLiesInUnitIntervalAndVaries() {
        DepthSimulation sim = new DepthSimulation();
        qt().withExamples(40).forAll(longs().all()).checkAssert(seed -> {
            float[] d = sim.sample(64, 64, null, new Rng(seed));
            assertTrue(min(d) >= 0f && max(d) <= 1f, "[" + min(d) + ", " + max(d) + "]");
        });
        // Over many samples the affine map spreads ranges and offsets: some narrow, some wide.
        double narrow = 1, wide = 0;
        Rng rng = new Rng(3);
        for (int k = 0; k < 60; k++) {
            float[] d = sim.sample(64, 64, null, rng);
            narrow = Math.min(narrow, max(d) - min(d));
            wide = Math.max(wide, max(d) - min(d));
        }
        assertTrue(narrow < 0.2 && wide > 0.8, "affine ranges " + narrow + " .. " + wide);
    }

    @Test
    void noAffineIsMinMaxNormalisedPerlin() {
        DepthSimulation sim = new DepthSimulation(DepthSimulation.Options.NO_AFFINE);
        for (long s = 0; s < 10; s++) {
            float[] d = sim.sample(32, 32, null, new Rng(s));
            assertEquals(0f, min(d));
            assertEquals(1f, max(d), 1e-6f);
        }
    }

    @Test
    void noPerlinUsesTheGreyOfThePairedImage() {
        ProceduralImageSource src = new ProceduralImageSource(1, 10, 32, 32);
        float[] rgb = src.sample(4, null);
        float[] d = new DepthSimulation(new DepthSimulation.Options(false, false)).sample(32, 32, rgb, new Rng(0));
        float[] g = ImageOps.minMaxNormalize(ImageOps.grey(rgb, 32, 32));
        assertArrayEquals(g, d, 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> new DepthSimulation(DepthSimulation.Options.NO_PERLIN).sample(32, 32, null, new Rng(0)));
    }

    @Test
    void stage1PairsHaveMatchingSizes() {
        Stage1Sampler s = new Stage1Sampler(new ProceduralImageSource(0, 5, 64, 64), new DepthSimulation());
        Stage1Sampler.Pair p = s.sample(new Rng(1));
        assertEquals(3 * 64 * 64, p.rgb().length);
        assertEquals(64 * 64, p.depth().length);
    }

    @Test
    void threeDsrMasksAreBinaryInsideForegroundAndValidDepth() {
        int h = 64, w = 64;
        float[] fg = new float[h * w], valid = new float[h * w];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                fg[y * w + x] = Math.hypot(x - 32, y - 32) < 24 ? 1 : 0;
                valid[y * w + x] = (x + y) % 7 == 0 ? 0 : 1;
            }
        Rng rng = new Rng(11);
        int empty = 0, trials = 200;
        for (int t = 0; t < trials; t++) {
            float[] m = AnomalyMasks.threeDsr(h, w, fg, valid, rng);
            int on = 0;
            for (int i = 0; i < m.length; i++) {
                assertTrue(m[i] == 0f || m[i] == 1f, "binary");
                if (m[i] == 1f) {
                    on++;
                    assertTrue(fg[i] != 0 && valid[i] != 0, "mask pixel outside foreground/valid depth");
                }
            }
            if (on == 0) empty++;
        }
        // Half the samples are empty by design; a few more when |P| never exceeds tau inside the disc.
        assertTrue(empty >= 75 && empty <= 145, "empty masks: " + empty + " of " + trials);
    }

    @Test
    void dsrMasksIgnoreForegroundAndAreHalfEmpty() {
        Rng rng = new Rng(2);
        int empty = 0, touchesCorner = 0;
        for (int t = 0; t < 200; t++) {
            float[] m = AnomalyMasks.dsr(64, 64, rng);
            float sum = 0;
            for (float v : m) { assertTrue(v == 0f || v == 1f); sum += v; }
            if (sum == 0) empty++;
            if (m[5 * 64 + 5] == 1f || m[58 * 64 + 58] == 1f) touchesCorner++;
        }
        assertTrue(empty >= 75 && empty <= 145, "empty: " + empty);
        assertTrue(touchesCorner > 0, "DSR masks are not restricted to a foreground");
    }
}
