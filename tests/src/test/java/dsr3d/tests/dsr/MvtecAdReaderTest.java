package dsr3d.tests.dsr;

import dsr3d.models.data.MvtecAdDataset;
import dsr3d.tests.support.Fixture;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dsr3d.tests.support.TensorAsserts.assertAllClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The MVTec AD reader against the official TestMVTecDataset (cv2: IMREAD_COLOR in BGR order,
 * INTER_LINEAR resize, / 255; masks IMREAD_GRAYSCALE, same resize, / 255) on the toy tree of
 * make_dsr_fixtures.py: 96 x 80 images (one grey) resized to 64 and 40, in the official order.
 * Values agree exactly (both are float32 of k / 255).
 */
class MvtecAdReaderTest {
    @Test void matchesTestMVTecDataset() throws Exception {
        Fixture f = DsrFixtures.load("reader");
        Path root = DsrFixtures.resource("pipeline/mvtec");
        MvtecAdDataset ds = MvtecAdDataset.open(root);
        assertEquals(List.of("toy"), ds.categories());
        List<MvtecAdDataset.Item> items = ds.samples("toy", "test");
        assertEquals(List.of("toy/crack/000", "toy/crack/001", "toy/good/000"), items.stream().map(MvtecAdDataset.Item::id).toList());
        for (int size : new int[] {64, 40})
            for (int i = 0; i < items.size(); i++) {
                String k = "s" + size + "." + i + ".";
                MvtecAdDataset.Loaded l = MvtecAdDataset.load(items.get(i), size);
                assertAllClose(k + "image", f.array(k + "image").values(), floats(l.image()), 0, 0);
                assertAllClose(k + "mask", f.array(k + "mask").values(), floats(l.mask()), 0, 0);
                assertEquals(f.array(k + "has_anomaly").values()[0], items.get(i).anomalous() ? 1.0 : 0.0, k + "has_anomaly");
            }
        assertEquals(1, ds.samples("toy", "train").size());
    }

    @Test void aMissingMaskIsNamed() throws Exception {
        Path root = Files.createTempDirectory("mvtec-ad");
        Path img = root.resolve("c/test/hole/000.png");
        Files.createDirectories(img.getParent());
        Files.copy(DsrFixtures.resource("pipeline/mvtec/toy/test/good/000.png"), img);
        var e = assertThrows(dsr3d.models.data.DataException.class, () -> MvtecAdDataset.open(root).samples("c", "test"));
        assertEquals(true, e.getMessage().contains("000_mask.png"), e.getMessage());
    }

    private static double[] floats(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) d[i] = v[i];
        return d;
    }
}
