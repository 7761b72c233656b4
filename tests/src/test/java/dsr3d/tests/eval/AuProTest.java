package dsr3d.tests.eval;

import dsr3d.models.eval.AuPro;
import dsr3d.models.eval.ConnectedComponents;
import dsr3d.models.eval.Curve;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** 8-connected labelling and the official / exact AU-PRO (data-and-evaluation.md 3.1-3.3, 5). */
class AuProTest {

    @Test
    void diagonalNeighboursAreOneComponent() {
        // 4x4, W = 4:           8-connectivity: {(0,0),(1,1)} and {(3,2),(2,3)} -> 2 components
        //   1 0 0 0             (4-connectivity would give 4). Labels follow the raster position
        //   0 1 0 0             of each component's first pixel.
        //   0 0 0 1
        //   0 0 1 0
        boolean[] m = mask(4, "1000", "0100", "0001", "0010");
        int[] labels = new int[16];
        assertEquals(2, ConnectedComponents.label8(m, 4, 4, labels));
        assertArrayEquals(new int[]{1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2, 0, 0, 2, 0}, labels);
        // A single-pixel-wide diagonal line across a 1000x1000 image: one component, no recursion.
        int n = 1000;
        boolean[] line = new boolean[n * n];
        for (int i = 0; i < n; i++) line[i * n + i] = true;
        assertEquals(1, ConnectedComponents.label8(line, n, n, new int[n * n]));
    }

    @Test
    void labellingMatchesUnionFindOnRandomMasks() {
        Random r = new Random(7);
        for (int rep = 0; rep < 30; rep++) {
            int w = 1 + r.nextInt(17), h = 1 + r.nextInt(13);
            boolean[] m = new boolean[w * h];
            for (int i = 0; i < m.length; i++) m[i] = r.nextInt(10) < 3;
            int[] labels = new int[w * h];
            int count = ConnectedComponents.label8(m, w, h, labels);
            int[] reference = unionFindLabels(m, w, h);
            assertEquals(max(reference), count);
            assertArrayEquals(reference, labels);
        }
    }

    /**
     * Official AU-PRO on one 12x12 image, worked by hand. 144 pixels: 140 OK pixels with the
     * distinct scores 0, 1, ..., 139, and two defect components of 2 pixels each:
     *   A = pixels (0,0),(1,1) (diagonal: one component), scores 1000, 1000;
     *   B = pixels (11,0),(11,1), scores 97.5 and 200.
     * N = 140 > 100, so only 100 of the 140 thresholds are used: positions
     * p_i = floor(i * 139/99) = floor(i * 1.40404...), p_99 = 139.
     * Threshold t = p (OK score at position p). A is always fully above (overlap 1). B has
     * 200 > t always and 97.5 > t iff p <= 97, so PRO = 1 for p <= 97, 0.75 for p >= 98.
     * Around the limit: i = 69 -> p = 96, FPR = 1 - 97/140 = 43/140 (PRO 1);
     *                   i = 70 -> p = 98, FPR = 1 - 99/140 = 41/140 (PRO 0.75).
     * (p = 97 would give FPR exactly 0.3 but is skipped by the subsampling.)
     * Every point with FPR <= 0.3 has PRO 0.75 (i >= 70): integral 0.75 * 41/140 from 0.
     * At 0.3 = 42/140: PRO interpolated = 0.75 + 0.25 * (1/140)/(2/140) = 0.875;
     * correction = 0.5 (0.875 + 0.75) / 140 = 0.8125/140.
     * Total = 31.5625/140; AU-PRO = 31.5625 / 140 / 0.3 = 31.5625/42 = 0.751488...
     */
    @Test
    void officialAuProByHandWithSubsamplingAndInterpolation() {
        float[] map = new float[144];
        boolean[] defect = new boolean[144];
        int next = 0;
        for (int i = 0; i < 144; i++) {
            int x = i % 12, y = i / 12;
            if ((x == 0 && y == 0) || (x == 1 && y == 1)) { defect[i] = true; map[i] = 1000; }
            else if (x == 11 && y == 0) { defect[i] = true; map[i] = 97.5f; }
            else if (x == 11 && y == 1) { defect[i] = true; map[i] = 200; }
            else map[i] = next++;
        }
        assertEquals(140, next);
        AuPro pro = new AuPro();
        pro.addImage(map, defect, 12, 12);
        assertEquals(2, pro.components());
        Curve c = pro.official(0.3);
        assertEquals(31.5625 / 42, c.area(), 1e-12);
        assertEquals(101, c.size());
        assertEquals(0.0, c.x()[0], 0);            // first point: FPR 0 at the highest OK score
        assertEquals(1.0, c.x()[100], 0);          // the added (1, 1)
        assertEquals(1 - 1 / 140.0, c.x()[99], 0); // position 0: FPR 1 - 1/N
        int[][] ids = {componentIds(defect, 12, 12)};
        assertEquals(BruteForce.officialAuPro(new float[][]{map}, ids, 2, 0.3), c.area(), 1e-12);

        /*
         * The exact variant on the same data: thresholds at every distinct score, score >= t.
         * Descending: 1000 -> (0, 0.5); 200 -> (0, 0.75); OK scores 139..98 -> FPR up to 42/140 = 0.3
         * at PRO 0.75; 97.5 -> (0.3, 1). 0.3 is one of the x: no correction; area = 0.75 * 0.3,
         * AU-PRO = 0.75.
         */
        Curve exact = pro.exact(0.3);
        assertEquals(0.75, exact.area(), 1e-12);
        assertEquals(BruteForce.exactAuPro(new float[][]{map}, ids, 2, 0.3), exact.area(), 1e-12);
    }

    @Test
    void officialCurveKeepsRepeatedPositionsWhenFewOkPixels() {
        // 3x3, the centre is a defect with score 5; the 8 OK pixels have scores 0..7.
        // N = 8 < 100: positions floor(i * 7/99) repeat (zero-width segments). PRO = 1 while
        // t = p < 5 (p <= 4), else 0. FPR(p) = 1 - (p+1)/8: p = 4 -> 3/8, p = 5 -> 2/8.
        // Limit 0.3 lies between 0.25 (PRO 0) and 0.375 (PRO 1): area from 0 to 0.25 is 0;
        // y(0.3) = 0.05/0.125 = 0.4; correction = 0.5 * 0.4 * 0.05 = 0.01; AU-PRO = 0.01/0.3.
        float[] map = {0, 1, 2, 3, 5, 4, 5, 6, 7};
        boolean[] defect = new boolean[9];
        defect[4] = true;
        AuPro pro = new AuPro();
        pro.addImage(map, defect, 3, 3);
        assertEquals(0.01 / 0.3, pro.official(0.3).area(), 1e-12);
        assertEquals(BruteForce.officialAuPro(new float[][]{map}, new int[][]{componentIds(defect, 3, 3)}, 1, 0.3),
                pro.official(0.3).area(), 1e-12);
    }

    @Test
    void randomMultiImageCategoriesMatchBruteForce() {
        Random r = new Random(2024);
        for (int rep = 0; rep < 12; rep++) {
            int w = 6 + r.nextInt(10), h = 5 + r.nextInt(10), images = 1 + r.nextInt(4);
            float[][] maps = new float[images][w * h];
            int[][] ids = new int[images][];
            AuPro pro = new AuPro();
            int total = 0;
            for (int m = 0; m < images; m++) {
                boolean[] defect = new boolean[w * h];
                for (int i = 0; i < w * h; i++) {
                    defect[i] = r.nextInt(10) == 0;
                    // coarse scores: many ties, higher on defects on average
                    maps[m][i] = r.nextInt(20) + (defect[i] ? r.nextInt(15) : 0);
                }
                if (m == 0) defect[0] = true;
                int[] local = componentIds(defect, w, h);
                int localMax = max(local);
                for (int i = 0; i < local.length; i++) if (local[i] > 0) local[i] += total;
                total += localMax;
                ids[m] = local;
                pro.addImage(maps[m], defect, w, h);
            }
            assertEquals(total, pro.components());
            for (double limit : new double[]{0.3, 0.05, 1.0}) {
                double official = pro.official(limit).area();
                assertEquals(BruteForce.officialAuPro(maps, ids, total, limit), official, 1e-12, "rep " + rep + " limit " + limit);
                assertEquals(BruteForce.exactAuPro(maps, ids, total, limit), pro.exact(limit).area(), 1e-12, "rep " + rep);
                assertTrue(official > 0 && official < 1, "non-trivial: " + official);
            }
        }
    }

    @Test
    void perfectAndWorstMaps() {
        // Defects strictly above every OK score: PRO 1 at every threshold -> AU-PRO 1.
        float[] map = {0, 0.1f, 0.9f, 0.2f};
        boolean[] defect = {false, false, true, false};
        AuPro good = new AuPro();
        good.addImage(map, defect, 2, 2);
        assertEquals(1.0, good.official(0.3).area(), 1e-12);
        assertEquals(1.0, good.exact(0.3).area(), 1e-12);
        // Defect at the minimum: never strictly above a threshold -> 0.
        AuPro bad = new AuPro();
        bad.addImage(new float[]{0.5f, 0.6f, -1f, 0.7f}, defect, 2, 2);
        assertEquals(0.0, bad.official(0.3).area(), 1e-12);
    }

    @Test
    void undefinedCasesAreErrors() {
        AuPro none = new AuPro();
        none.addImage(new float[]{1, 2, 3, 4}, new boolean[4], 2, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> none.official(0.3));
        assertTrue(e.getMessage().contains("no defect component"), e.getMessage());
        AuPro all = new AuPro();
        all.addImage(new float[]{1, 2}, new boolean[]{true, true}, 2, 1);
        assertThrows(IllegalArgumentException.class, () -> all.official(0.3));
        AuPro some = new AuPro();
        some.addImage(new float[]{1, 2}, new boolean[]{true, false}, 2, 1);
        IllegalArgumentException lim = assertThrows(IllegalArgumentException.class, () -> some.official(0));
        assertTrue(lim.getMessage().contains("(0, 1]"), lim.getMessage());
        assertThrows(IllegalArgumentException.class, () -> some.official(1.5));
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> some.addImage(new float[]{1, Float.NaN}, new boolean[]{true, false}, 2, 1));
        assertTrue(nan.getMessage().contains("NaN") && nan.getMessage().contains("x=1"), nan.getMessage());
        assertThrows(IllegalArgumentException.class, () -> some.addImage(new float[3], new boolean[4], 2, 2));
    }

    // ---- independent helpers ----

    static boolean[] mask(int w, String... rows) {
        boolean[] m = new boolean[w * rows.length];
        for (int y = 0; y < rows.length; y++) for (int x = 0; x < w; x++) m[y * w + x] = rows[y].charAt(x) == '1';
        return m;
    }

    static int max(int[] a) {
        int m = 0;
        for (int v : a) m = Math.max(m, v);
        return m;
    }

    static int[] componentIds(boolean[] m, int w, int h) {
        return unionFindLabels(m, w, h);
    }

    /** Union-find over the 8 neighbours, then labels renumbered by first raster occurrence. */
    static int[] unionFindLabels(boolean[] m, int w, int h) {
        int[] parent = new int[w * h];
        for (int i = 0; i < parent.length; i++) parent[i] = i;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                if (!m[y * w + x]) continue;
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++) {
                        int xx = x + dx, yy = y + dy;
                        if (xx < 0 || yy < 0 || xx >= w || yy >= h || !m[yy * w + xx]) continue;
                        int a = find(parent, y * w + x), b = find(parent, yy * w + xx);
                        if (a != b) parent[Math.max(a, b)] = Math.min(a, b);
                    }
            }
        int[] labels = new int[w * h];
        int[] rootLabel = new int[w * h];
        int next = 0;
        for (int i = 0; i < labels.length; i++) {
            if (!m[i]) continue;
            int root = find(parent, i);
            if (rootLabel[root] == 0) rootLabel[root] = ++next;
            labels[i] = rootLabel[root];
        }
        return labels;
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) i = parent[i];
        return i;
    }
}
