package dsr3d.tests.eval;

import dsr3d.models.viz.AnomalyOverlay;
import dsr3d.models.viz.Colormap;
import dsr3d.models.viz.CurvePlot;
import dsr3d.simulate.io.ByteImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Colour maps, curve plots and anomaly overlays render what they claim (pixel checks). */
class VizTest {
    @TempDir
    Path tmp;

    @Test
    void colormapsHitTheirEndStopsAndViridisBrightensMonotonically() {
        assertEquals(0x440154, Colormap.VIRIDIS.rgb(0));
        assertEquals(0xfde725, Colormap.VIRIDIS.rgb(1));
        assertEquals(0x440154, Colormap.VIRIDIS.rgb(-3), "clamped");
        assertEquals(0x440154, Colormap.VIRIDIS.rgb(Double.NaN));
        // halfway between the first two stops 0x440154 and 0x482475: (0x44+0x48)/2, (0x01+0x24)/2 rounded, (0x54+0x75)/2 rounded
        assertEquals(0x46 << 16 | 0x13 << 8 | 0x65, Colormap.VIRIDIS.rgb(0.05));
        double last = -1;
        for (int k = 0; k <= 100; k++) {
            int c = Colormap.VIRIDIS.rgb(k / 100.0);
            double luma = 0.299 * (c >> 16 & 255) + 0.587 * (c >> 8 & 255) + 0.114 * (c & 255);
            assertTrue(luma > last - 1e-9, "viridis luma must not decrease at t=" + k / 100.0);
            last = luma;
        }
    }

    @Test
    void curvePlotDrawsSeriesAndTheLimitMarker() throws IOException {
        double[] x = {0, 0.1, 0.5, 1}, y = {0, 0.7, 0.9, 1};
        BufferedImage withLimit = CurvePlot.render("t", "x", "y", List.of(new CurvePlot.Series("AU = 0.5", x, y, CurvePlot.GREEN)), 0.3);
        BufferedImage noLimit = CurvePlot.render("t", "x", "y", List.of(new CurvePlot.Series("AU = 0.5", x, y, CurvePlot.GREEN)), Double.NaN);
        assertTrue(count(withLimit, CurvePlot.GREEN.getRGB()) > 100, "the curve is drawn");
        assertTrue(count(withLimit, 0xffc03030) > 50, "the dashed limit line is drawn");
        assertEquals(0, count(noLimit, 0xffc03030), "no limit line without a limit");
        Path f = tmp.resolve("sub/plot.png");
        dsr3d.models.viz.PngOut.write(f, withLimit);
        assertEquals(withLimit.getWidth(), ImageIO.read(f.toFile()).getWidth());
    }

    @Test
    void overlayShowsPanelsOutlineAndHeat() throws IOException {
        int w = 40, h = 30;
        float[] map = new float[w * h];
        boolean[] gt = new boolean[w * h];
        for (int y = 10; y < 20; y++) for (int x = 15; x < 25; x++) { gt[y * w + x] = true; map[y * w + x] = 1; }
        byte[] rgb = new byte[3 * w * h];
        java.util.Arrays.fill(rgb, (byte) 128);
        float[] depth = new float[w * h];
        for (int i = 0; i < depth.length; i++) depth[i] = i % w < 5 ? 0 : 0.5f + i % w * 0.01f;
        AnomalyOverlay.Sample full = new AnomalyOverlay.Sample("s", new ByteImage(w, h, 3, rgb), depth, w, h, gt, w, h, map, w, h,
                Double.NaN, Double.NaN);
        BufferedImage img = AnomalyOverlay.render(full);
        assertTrue(count(img, 0xffff2020) > 20, "red gt outline in the ground-truth panel");
        assertTrue(count(img, 0xff000000 | Colormap.VIRIDIS.rgb(1)) > 0, "depth maximum in viridis yellow");
        assertTrue(count(img, 0xff000000) > 100, "missing depth (0) shown black");
        AnomalyOverlay.Sample mapOnly = new AnomalyOverlay.Sample("s", null, null, 0, 0, null, 0, 0, map, w, h, 0, 1);
        BufferedImage small = AnomalyOverlay.render(mapOnly);
        assertTrue(small.getWidth() < img.getWidth() / 2, "one panel instead of four");
        assertTrue(count(small, 0xff000000 | Colormap.TURBO.rgb(1)) > 50, "anomalous pixels at the hot end of the colour map");
        assertTrue(count(small, 0xff000000 | Colormap.TURBO.rgb(0)) > 50, "normal pixels at the cold end");
        Path f = tmp.resolve("o.png");
        AnomalyOverlay.write(f, full);
        assertEquals(img.getHeight(), ImageIO.read(f.toFile()).getHeight());
        assertThrows(IllegalArgumentException.class, () -> AnomalyOverlay.render(
                new AnomalyOverlay.Sample("bad", null, null, 0, 0, null, 0, 0, new float[5], w, h, 0, 1)));
    }

    private static int count(BufferedImage img, int argb) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) for (int x = 0; x < img.getWidth(); x++) if (img.getRGB(x, y) == argb) n++;
        return n;
    }

}
