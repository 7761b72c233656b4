package dsr3d.tests.infer;

import dsr3d.models.data.LoadOptions;
import dsr3d.models.data.LoadedSample;
import dsr3d.models.data.Mvtec3dDataset;
import dsr3d.models.data.Preprocess3dsr;
import dsr3d.models.data.Sample;
import dsr3d.tests.support.Fixture;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static dsr3d.tests.support.TensorAsserts.assertAllClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The reader `infer` uses (Mvtec3dDataset, 3DSR preprocessing) against the official
 * MVTecDRAEMTestDataset run on generated samples (tests/fixtures/make_preprocess_fixtures.py):
 * depth, RGB, foreground and the gt mask (official bilinear / 255 mode) at 64 x 64.
 */
class OfficialPreprocessTest {
    @Test
    void matchesOfficialTestDataset() throws Exception {
        Fixture f = Fixture.load("preprocess/expected");
        Path root = Path.of(OfficialPreprocessTest.class.getResource("/fixtures/preprocess/mvtec").toURI());
        Mvtec3dDataset ds = Mvtec3dDataset.open(root, new LoadOptions(64, Preprocess3dsr.GtMode.BILINEAR_DIV255));
        List<Sample> samples = ds.samples("blob", "test").toList();
        int n = (int) f.array("count").values()[0];
        assertEquals(n, samples.size());
        for (int i = 0; i < n; i++) {
            String type = f.array("type_" + i).values()[0] == 0 ? "good" : "bump";
            String stem = String.format("%03d", (int) f.array("stem_" + i).values()[0]);
            Sample s = samples.stream().filter(x -> x.type().equals(type) && x.stem().equals(stem)).findFirst().orElseThrow();
            LoadedSample l = s.load();
            float[] in = l.input().toFloatArray();
            double[] depth = new double[64 * 64], rgb = new double[3 * 64 * 64], gt = new double[64 * 64], fg = new double[64 * 64];
            for (int k = 0; k < depth.length; k++) depth[k] = in[k];
            for (int k = 0; k < rgb.length; k++) rgb[k] = in[depth.length + k];
            for (int k = 0; k < gt.length; k++) { gt[k] = l.gt()[k]; fg[k] = l.foreground()[k]; }
            String what = type + "/" + stem;
            assertAllClose(what + " depth", f.array("image_" + i).values(), depth, 1e-6, 1e-6);
            assertAllClose(what + " rgb", f.array("rgb_" + i).values(), rgb, 1e-6, 1e-6);
            assertAllClose(what + " foreground", f.array("fg_" + i).values(), fg, 0, 0);
            assertAllClose(what + " gt", f.array("mask_" + i).values(), gt, 1e-6, 1e-6);
        }
    }
}
