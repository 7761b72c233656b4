package dsr3d.tests.report;

import dsr3d.models.dada.DadaModel;
import dsr3d.models.report.CodeUsage;
import dsr3d.models.viz.CodePictures;
import dsr3d.models.viz.LinePlot;
import dsr3d.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** The report's small pieces: perplexity, the code colours and maps, the line plot and the usage histogram (pixel checks). */
class ReportPiecesTest {
    @Test
    void perplexityIsTheNumberOfEquallyUsedCodes() {
        assertEquals(4, CodeUsage.perplexity(new long[]{5, 5, 5, 5, 0, 0}), 1e-12);
        assertEquals(1, CodeUsage.perplexity(new long[]{0, 9, 0}), 1e-12);
        // shares 1/2, 1/4, 1/4: H = 1.5 ln 2, exp(H) = 2^1.5
        assertEquals(Math.pow(2, 1.5), CodeUsage.perplexity(new long[]{2, 1, 1}), 1e-12);
        assertTrue(Double.isNaN(CodeUsage.perplexity(new long[3])));
        CodeUsage u = new CodeUsage(4, 3);
        u.add(DadaModel.Level.LO, Tensor.ofInts(new int[]{0, 0, 3, 3}, 1, 2, 2));
        u.add(DadaModel.Level.HI, Tensor.ofInts(new int[]{2, 2, 2, 2}, 1, 2, 2));
        assertEquals(2, u.used(DadaModel.Level.LO));
        assertEquals(2, u.perplexity(DadaModel.Level.LO), 1e-12);
        assertEquals(1, u.perplexity(DadaModel.Level.HI), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> u.add(DadaModel.Level.HI, Tensor.ofInts(new int[]{3}, 1, 1, 1)));
    }

    @Test
    void codeColoursAreDistinctAndMapsUseThem() {
        Set<Integer> colours = new HashSet<>();
        for (int k = 0; k < 256; k++) colours.add(CodePictures.color(k));
        assertEquals(256, colours.size(), "one colour per code of a 256-code book");
        BufferedImage map = CodePictures.indexMap(new int[]{7, 8, 9, 10}, 2, 2, 4, null);
        assertEquals(8, map.getWidth());
        assertEquals(CodePictures.color(7), map.getRGB(1, 1) & 0xffffff);
        assertEquals(CodePictures.color(10), map.getRGB(6, 6) & 0xffffff);
        BufferedImage faded = CodePictures.indexMap(new int[]{7, 8, 9, 10}, 2, 2, 8, new boolean[]{true, false, false, false});
        assertEquals(0, faded.getRGB(0, 3) & 0xffffff, "the highlighted cell is outlined");
        assertEquals(CodePictures.color(7), faded.getRGB(3, 3) & 0xffffff, "and keeps its colour inside");
        assertNotEquals(CodePictures.color(10), faded.getRGB(12, 12) & 0xffffff, "other cells are faded");
    }

    @Test
    void linePlotDrawsEverySeriesAndTheHistogramEveryUsedCode() {
        double[] x = new double[100], a = new double[100], b = new double[100];
        for (int i = 0; i < 100; i++) { x[i] = i + 1; a[i] = Math.exp(-i / 20.0); b[i] = i % 10 == 0 ? 0.5 : Double.NaN; }
        BufferedImage img = LinePlot.render(new LinePlot.Axes("t", "step", "loss", true, Double.NaN, Double.NaN), List.of(
                new LinePlot.Series("decay", x, a, LinePlot.PALETTE[0], LinePlot.Style.LINE),
                new LinePlot.Series("sparse", x, b, LinePlot.PALETTE[3], LinePlot.Style.DOTS)));
        assertTrue(count(img, LinePlot.PALETTE[0].getRGB()) > 200, "the line");
        assertTrue(count(img, LinePlot.PALETTE[3].getRGB()) > 100, "the dots (10 of them) and the legend");
        long[] counts = new long[16];
        counts[3] = 10;
        counts[11] = 5;
        BufferedImage h = CodePictures.usageHistogram("h", counts, CodeUsage.perplexity(counts));
        assertTrue(count(h, 0xff000000 | CodePictures.color(3)) > count(h, 0xff000000 | CodePictures.color(11)), "the more used code has the taller bar");
        assertTrue(count(h, 0xff000000 | CodePictures.color(11)) > 100);
        assertEquals(0, count(h, 0xff000000 | CodePictures.color(5)), "no bar for an unused code");
    }

    private static int count(BufferedImage img, int argb) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) for (int x = 0; x < img.getWidth(); x++) if (img.getRGB(x, y) == argb) n++;
        return n;
    }
}
