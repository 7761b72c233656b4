package dsr3d.tests.simulate;

import dsr3d.simulate.Rng;
import dsr3d.simulate.synth.SynthCategory;
import dsr3d.simulate.synth.SynthDataset;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * synth --defect-scale: 1 is the benchmark exactly; larger scales give larger defects on the same scenes (cracks grow
 * least: a longer crack leaves the object). synth --relief-scale: 1 is the benchmark exactly; 2 makes geometric defects
 * deeper (the z of the point cloud moves about twice as far inside the defect) and leaves colour defects alone.
 */
class DefectScaleTest {
    static int gtPixels(SynthDataset.Sample s) {
        int n = 0;
        for (byte b : s.gt().data()) if (b != 0) n++;
        return n;
    }

    @Test void scaleOneIsTheBenchmarkAndScaleTwoGrowsEveryDefectType() {
        for (String type : List.of("bump", "dent", "crack", "color")) {
            long one = 0, two = 0;
            for (int i = 0; i < 12; i++) {
                SynthCategory cat = SynthCategory.byName(i % 2 == 0 ? "cookie" : "foam");
                SynthDataset.Sample base = SynthDataset.sample(cat, type, 64, new Rng(100 + i));
                SynthDataset.Sample s1 = SynthDataset.sample(cat, type, 64, new Rng(100 + i), true, 1.0, 1.0);
                SynthDataset.Sample s2 = SynthDataset.sample(cat, type, 64, new Rng(100 + i), true, 2.0, 1.0);
                assertArrayEquals(base.rgb().data(), s1.rgb().data(), type + ": scale 1 changes nothing");
                assertArrayEquals(base.gt().data(), s1.gt().data());
                one += gtPixels(s1);
                two += gtPixels(s2);
            }
            assertTrue(two > 1.1 * one, type + ": defect pixels at scale 2 (" + two + ") should be well above those at scale 1 (" + one + ")");
        }
        assertThrows(IllegalArgumentException.class, () -> new SynthDataset.Config(List.of("cookie"), 64, 1, 0, 1, 0, 1, 0.0, 1.0));
        assertThrows(IllegalArgumentException.class, () -> new SynthDataset.Config(List.of("cookie"), 64, 1, 0, 1, 0, 1, 1.0, 0.0));
    }

    /** Largest |z(defective) - z(clean)| over the defect's gt pixels, in metres. */
    static double maxDepthChange(SynthDataset.Sample bad, SynthDataset.Sample clean) {
        float[] a = bad.xyz().data(), b = clean.xyz().data();
        int n = bad.gt().data().length;
        double m = 0;
        for (int i = 0; i < n; i++)
            if (bad.gt().data()[i] != 0 && a[3 * i + 2] != 0 && b[3 * i + 2] != 0) m = Math.max(m, Math.abs(a[3 * i + 2] - b[3 * i + 2]));
        return m;
    }

    @Test void reliefScaleOneIsTheBenchmarkAndTwoDeepensGeometricDefectsOnly() {
        for (String type : List.of("bump", "dent", "crack", "color")) {
            double one = 0, two = 0;
            for (int i = 0; i < 8; i++) {
                SynthCategory cat = SynthCategory.byName(i % 2 == 0 ? "cookie" : "foam");
                SynthDataset.Sample base = SynthDataset.sample(cat, type, 64, new Rng(200 + i));
                SynthDataset.Sample clean = SynthDataset.sample(cat, type, 64, new Rng(200 + i), false);
                SynthDataset.Sample r1 = SynthDataset.sample(cat, type, 64, new Rng(200 + i), true, 1.0, 1.0);
                SynthDataset.Sample r2 = SynthDataset.sample(cat, type, 64, new Rng(200 + i), true, 1.0, 2.0);
                assertArrayEquals(base.xyz().data(), r1.xyz().data(), type + ": relief 1 changes nothing");
                if (type.equals("color")) {
                    assertArrayEquals(r1.xyz().data(), r2.xyz().data(), "relief does not touch colour defects");
                    assertArrayEquals(r1.rgb().data(), r2.rgb().data());
                    continue;
                }
                one += maxDepthChange(r1, clean);
                two += maxDepthChange(r2, clean);
            }
            if (!type.equals("color"))
                assertTrue(two > 1.6 * one && two < 2.4 * one, type + ": summed peak depth change at relief 2 (" + two + " m) should be about twice relief 1's (" + one + " m)");
        }
    }
}
