package dsr3d.tests.data;

import dsr3d.models.data.Preprocess3dsr;
import dsr3d.models.data.Preprocess3dsr.GtMode;
import dsr3d.models.data.Preprocess3dsr.PlaneRule;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The 3DSR depth preprocessing step by step (docs/data-and-evaluation.md §2.1), on scenes whose
 * answer is known by construction: an object of known footprint on a tilted plane, hand-computed
 * normalisation and hole-filling values, and the closing against an independent definition.
 */
class Preprocess3dsrTest {

    /** Tilted table: z = 0.40 + 0.3 X + 0.2 Y, with X = 1 mm * col, Y = 1 mm * row. */
    static double table(int row, int col) { return 0.40 + 0.3 * (col * 0.001) + 0.2 * (row * 0.001); }

    /** [h][w][3] cloud of the table with boxes raised by {@code lift} (in z) over [r0,r1) x [c0,c1). */
    static float[] scene(int h, int w, double lift, int r0, int r1, int c0, int c1) {
        float[] xyz = new float[h * w * 3];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                boolean obj = y >= r0 && y < r1 && x >= c0 && x < c1;
                int p = (y * w + x) * 3;
                xyz[p] = (float) (x * 0.001);
                xyz[p + 1] = (float) (y * 0.001);
                xyz[p + 2] = (float) (table(y, x) - (obj ? lift : 0));   // object sticks out towards the camera
            }
        return xyz;
    }

    static boolean[] footprint(int h, int w, int r0, int r1, int c0, int c1) {
        boolean[] m = new boolean[h * w];
        for (int y = r0; y < r1; y++) for (int x = c0; x < c1; x++) m[y * w + x] = true;
        return m;
    }

    @Test
    void objectOnTiltedPlaneGivesExactlyItsFootprint() {
        int h = 40, w = 36;
        float[] xyz = scene(h, w, 0.02, 10, 25, 12, 30);
        // A missing measurement inside the object and one on the table: the first is closed back into
        // the foreground mask, the second stays background.
        int holeInObj = (17 * w + 20) * 3, holeOnTable = (33 * w + 5) * 3;
        for (int c = 0; c < 3; c++) { xyz[holeInObj + c] = 0; xyz[holeOnTable + c] = 0; }

        Preprocess3dsr.Depth d = Preprocess3dsr.depth(xyz, h, w, PlaneRule.MVTEC_CORNER_PATCHES);
        assertArrayEquals(footprint(h, w, 10, 25, 12, 30), d.foreground(), "closed foreground = footprint");
        boolean[] valid = footprint(h, w, 10, 25, 12, 30);
        valid[17 * w + 20] = false;                      // no measurement there
        assertArrayEquals(valid, d.validDepth());
    }

    @Test
    void thresholdIsOnTheDistanceToThePlaneNotOnZ() {
        int h = 30, w = 30;
        // Normal of the table: (0.3, 0.2, -1) / sqrt(1.13); a lift dz gives a distance dz / sqrt(1.13).
        double scale = Math.sqrt(1 + 0.09 + 0.04);
        float[] below = scene(h, w, 0.0049 * scale * 0.98, 8, 20, 8, 20);   // distance just under 0.005
        float[] above = scene(h, w, 0.0051 * scale * 1.02, 8, 20, 8, 20);   // just over
        boolean[] none = new boolean[h * w];
        assertArrayEquals(none, Preprocess3dsr.depth(below, h, w, PlaneRule.MVTEC_CORNER_PATCHES).foreground());
        assertArrayEquals(footprint(h, w, 8, 20, 8, 20), Preprocess3dsr.depth(above, h, w, PlaneRule.MVTEC_CORNER_PATCHES).foreground());
    }

    @Test
    void cornerMeanDividesByNonZeroCountOnly() {
        int h = 6, w = 6;
        float[] xyz = new float[h * w * 3];
        // Top-left patch: 4 points with z = 1, 2, 3, 6 at x = 1, the rest missing.
        float[] zs = {1, 2, 3, 6};
        int[] px = {0, 1, 7, 14};   // (0,0) (0,1) (1,1) (2,2)
        for (int i = 0; i < 4; i++) { xyz[px[i] * 3] = 1; xyz[px[i] * 3 + 2] = zs[i]; }
        double[] m = Preprocess3dsr.cornerMean(xyz, h, w, 0, 0);
        assertEquals(1.0, m[0], 1e-9);              // (1+1+1+1) / 4
        assertEquals(3.0, m[2], 1e-9);              // (1+2+3+6) / 4
        double[] empty = Preprocess3dsr.cornerMean(xyz, h, w, 3, 3);
        assertArrayEquals(new double[]{0, 0, 0}, empty, 0.0);   // 0 / (0 + 1e-12)
    }

    @Test
    void degeneratePlaneMakesEverythingBackground() {
        float[] xyz = new float[8 * 8 * 3];         // all points missing: all corner means 0
        Preprocess3dsr.Depth d = Preprocess3dsr.depth(xyz, 8, 8, PlaneRule.MVTEC_CORNER_PATCHES);
        for (int i = 0; i < 64; i++) {
            assertFalse(d.foreground()[i]);
            assertEquals(0.0, d.depth()[i]);
        }
    }

    @Test
    void normalisationMapsNonZeroDepthToPoint1To0Point9AndKeepsZeros() {
        double[] d = {0, 2, 4, 6, 0, 5};
        Preprocess3dsr.normaliseDepth(d);
        // min 2, max 6: (v-2)/4 * 0.8 + 0.1
        assertArrayEquals(new double[]{0, 0.1, 0.5, 0.9, 0, 0.7}, d, 1e-12);

        double[] single = {0, 3, 3, 0};                  // max == min: the official code gives NaN
        Preprocess3dsr.normaliseDepth(single);
        assertArrayEquals(new double[]{0, 0.1, 0.1, 0}, single, 0.0);
    }

    @Test
    void fullDepthChannelLiesIn0Point1To0Point9OnTheObjectAnd0FarAway() {
        int h = 40, w = 40;
        float[] xyz = scene(h, w, 0.02, 12, 28, 10, 30);
        // Give the object a slope of its own so the normalisation has a range.
        for (int y = 12; y < 28; y++) for (int x = 10; x < 30; x++) xyz[(y * w + x) * 3 + 2] -= (float) (0.0005 * (x - 10));
        Preprocess3dsr.Depth d = Preprocess3dsr.depth(xyz, h, w, PlaneRule.MVTEC_CORNER_PATCHES);
        double lo = 1, hi = 0;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                double v = d.depth()[y * w + x];
                boolean obj = y >= 12 && y < 28 && x >= 10 && x < 30;
                boolean nearObj = y >= 10 && y < 30 && x >= 8 && x < 32;   // grown by the 2 fill passes
                if (obj) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
                else if (!nearObj) assertEquals(0.0, v, "background pixel (" + y + "," + x + ")");
                else assertTrue(v == 0 || (v >= 0.1 - 1e-12 && v <= 0.9 + 1e-12), "fill value in range: " + v);
            }
        assertEquals(0.1, lo, 1e-9, "object minimum");
        assertEquals(0.9, hi, 1e-9, "object maximum");
    }

    @Test
    void holeFillingUsesTheMeanOfPositiveNeighbours() {
        // 3x3: centre 0 with neighbours 0.2 (left) and 0.4 (right), everything else 0.
        double[] d = {0, 0, 0, 0.2, 0, 0.4, 0, 0, 0};
        double[] f = Preprocess3dsr.fillHoles(d, 3, 3, 1);
        assertEquals(0.3, f[4], 1e-9);                  // (0.2 + 0.4) / 2
        assertEquals(0.3, f[1], 1e-9);                  // top middle sees 0.2 and 0.4 diagonally
        assertEquals(0.2, f[0], 1e-9);                  // top left sees 0.2 only
        assertEquals(0.2, f[3], 0.0);                   // non-zero pixels never change
        assertEquals(0.4, f[5], 0.0);
    }

    @Test
    void twoPassesFillA3x3HoleButNotA5x5One() {
        for (int hole : new int[]{3, 5}) {
            int n = 11, c = n / 2, r = hole / 2;
            double[] d = new double[n * n];
            for (int y = 0; y < n; y++)
                for (int x = 0; x < n; x++)
                    if (Math.abs(y - c) > r || Math.abs(x - c) > r) d[y * n + x] = 0.5;
            double[] one = Preprocess3dsr.fillHoles(d, n, n, 1);
            double[] two = Preprocess3dsr.fillHoles(d, n, n, 2);
            assertEquals(0.0, one[c * n + c], "centre untouched after one pass (hole " + hole + ")");
            int filled = 0;
            for (double v : two) if (v != 0) filled++;
            // Each pass peels one ring: 2 passes fill a 3x3 hole fully, leave the 1x1 centre of a 5x5 one.
            assertEquals(hole == 3 ? n * n : n * n - 1, filled, "hole " + hole);
            for (double v : two) if (v != 0) assertEquals(0.5, v, 1e-9);
        }
    }

    @Test
    void fillingGrowsAnObjectByTwoPixels() {
        int n = 15;
        double[] d = new double[n * n];
        for (int y = 6; y < 9; y++) for (int x = 6; x < 9; x++) d[y * n + x] = 0.7;
        double[] f = Preprocess3dsr.fillHoles(d, n, n, 2);
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++) {
                boolean inside = y >= 4 && y < 11 && x >= 4 && x < 11;
                assertEquals(inside ? 0.7 : 0.0, f[y * n + x], 1e-9, "(" + y + "," + x + ")");
            }
    }

    @Test
    void closingEqualsDilateThenErodeWith7x7ClippedWindows() {
        Random rng = new Random(7);
        for (int trial = 0; trial < 30; trial++) {
            int h = 3 + rng.nextInt(14), w = 3 + rng.nextInt(14);
            boolean[] m = new boolean[h * w];
            double p = 0.1 + 0.6 * rng.nextDouble();
            for (int i = 0; i < m.length; i++) m[i] = rng.nextDouble() < p;
            boolean[] expect = window(window(m, h, w, 3, true), h, w, 3, false);
            assertArrayEquals(expect, Preprocess3dsr.closing3x3(m, h, w, 3), "trial " + trial + " " + h + "x" + w);
        }
        // Hand case: two pixels 6 apart on the top border are joined; the pixel at 7 apart is not.
        boolean[] m = new boolean[3 * 16];
        m[0] = m[6] = true;
        m[14] = true;
        boolean[] c = Preprocess3dsr.closing3x3(m, 3, 16, 3);
        for (int x = 0; x <= 6; x++) assertTrue(c[x], "gap of 5 closed at x=" + x);
        assertFalse(c[10], "gap of 7 stays open");
        assertTrue(c[14]);
    }

    /** Max (dilate) or min (erode) over the (2r+1)^2 window clipped to the image: an independent definition. */
    static boolean[] window(boolean[] m, int h, int w, int r, boolean dilate) {
        boolean[] out = new boolean[h * w];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                boolean any = false, all = true;
                for (int yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r); yy++)
                    for (int xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r); xx++) {
                        any |= m[yy * w + xx];
                        all &= m[yy * w + xx];
                    }
                out[y * w + x] = dilate ? any : all;
            }
        return out;
    }

    @Test
    void outputChannelOrderIsDepthThenRgb() {
        int h = 32, w = 32, s = 16;
        float[] xyz = scene(h, w, 0.02, 8, 24, 8, 24);
        int[] rgb = new int[h * w * 3];
        for (int i = 0; i < h * w; i++) { rgb[i * 3] = 255; rgb[i * 3 + 1] = 0; rgb[i * 3 + 2] = 51; }
        Preprocess3dsr.Result r = Preprocess3dsr.apply(xyz, h, w, rgb, h, w, null, 0, 0, s, GtMode.NEAREST_BINARY,
                PlaneRule.MVTEC_CORNER_PATCHES);
        assertArrayEquals(new int[]{4, s, s}, r.input().shape());
        float[] all = r.input().toFloatArray();
        int n = s * s;
        // Depth of the same cloud resized by hand (nearest, factor 2: source index 2*i).
        float[] small = new float[n * 3];
        for (int y = 0; y < s; y++) for (int x = 0; x < s; x++)
            System.arraycopy(xyz, ((2 * y) * w + 2 * x) * 3, small, (y * s + x) * 3, 3);
        double[] depth = Preprocess3dsr.depth(small, s, s, PlaneRule.MVTEC_CORNER_PATCHES).depth();
        boolean someObject = false;
        for (int i = 0; i < n; i++) {
            assertEquals((float) depth[i], all[i], "channel 0 is depth at " + i);
            someObject |= all[i] > 0;
            assertEquals(1f, all[n + i], "channel 1 is R");
            assertEquals(0f, all[2 * n + i], "channel 2 is G");
            assertEquals((float) (51 / 255.0), all[3 * n + i], 1e-7f, "channel 3 is B");
        }
        assertTrue(someObject, "depth channel is not empty");
        for (float g : r.gt()) assertEquals(0f, g, "no gt -> zeros");
    }

    @Test
    void gtModes() {
        int h = 4, w = 4;
        int[] gt = new int[16];
        gt[5] = 253; gt[6] = 254; gt[9] = 255; gt[10] = 255;   // class ids, central 2x2
        float[] xyz = scene(h, w, 0, 0, 0, 0, 0);
        int[] rgb = new int[h * w * 3];
        Preprocess3dsr.Result nearest = Preprocess3dsr.apply(xyz, h, w, rgb, h, w, gt, h, w, 2, GtMode.NEAREST_BINARY,
                PlaneRule.MVTEC_CORNER_PATCHES);
        // nearest 4 -> 2 takes source rows/cols 0 and 2: only (2,2) = 255 is inside the defect.
        assertArrayEquals(new float[]{0, 0, 0, 1}, nearest.gt());
        Preprocess3dsr.Result compat = Preprocess3dsr.apply(xyz, h, w, rgb, h, w, gt, h, w, 2, GtMode.BILINEAR_DIV255,
                PlaneRule.MVTEC_CORNER_PATCHES);
        // exact factor 2 -> OpenCV's area path: rounded 2x2 means (253+0+0+0+2)>>2 = 63, etc.
        assertArrayEquals(new float[]{63 / 255f, 64 / 255f, 64 / 255f, 64 / 255f}, compat.gt(), 1e-7f);
    }
}
