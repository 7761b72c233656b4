package dsr3d.tests.simulate;

import dsr3d.simulate.Rng;
import dsr3d.simulate.synth.SynthCategory;
import dsr3d.simulate.synth.SynthDataset;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** synth --defect-scale: 1 is the benchmark exactly; larger scales give larger defects on the same scenes (cracks grow least: a longer crack leaves the object). */
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
                SynthDataset.Sample s1 = SynthDataset.sample(cat, type, 64, new Rng(100 + i), true, 1.0);
                SynthDataset.Sample s2 = SynthDataset.sample(cat, type, 64, new Rng(100 + i), true, 2.0);
                assertArrayEquals(base.rgb().data(), s1.rgb().data(), type + ": scale 1 changes nothing");
                assertArrayEquals(base.gt().data(), s1.gt().data());
                one += gtPixels(s1);
                two += gtPixels(s2);
            }
            assertTrue(two > 1.1 * one, type + ": defect pixels at scale 2 (" + two + ") should be well above those at scale 1 (" + one + ")");
        }
        assertThrows(IllegalArgumentException.class, () -> new SynthDataset.Config(List.of("cookie"), 64, 1, 0, 1, 0, 1, 0.0));
    }
}
