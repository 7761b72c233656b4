package dsr3d.tests.data;

import dsr3d.models.data.Dbscan;
import dsr3d.models.data.LoadOptions;
import dsr3d.models.data.LoadedSample;
import dsr3d.models.data.Mvtec3dDataset;
import dsr3d.models.data.PilResize;
import dsr3d.models.data.PlaneFit;
import dsr3d.models.data.PreprocessBtf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The BTF/M3DM preprocessing option: PIL/torch resize rules on hand cases, plane fitting, DBSCAN,
 * and the offline cleaning on a scene with a table, an object and two stray blobs.
 */
class BtfPreprocessTest {

    @Test
    void pilBicubicHandCase() {
        // 4 -> 2, scale 2, support 4, taps at (j - 1 + 0.5)/2 = -0.25, 0.25, 0.75, 1.25 for output 0:
        // kernel 0.8671875, 0.8671875, 0.2265625, -0.0703125 (sum 1.890625);
        // output 0 = 255 * (0.2265625 - 0.0703125) / 1.890625 = 21.07 -> 21, output 1 = 233.93 -> 234.
        assertArrayEquals(new int[]{21, 234}, PilResize.bicubic8u(new int[]{0, 0, 255, 255}, 1, 4, 1, 1, 2));
        int[] flat = new int[30 * 20 * 3];
        java.util.Arrays.fill(flat, 77);
        for (int v : PilResize.bicubic8u(flat, 30, 20, 3, 7, 11)) assertEquals(77, v);
    }

    @Test
    void nearestRules() {
        // 800 -> 224: torch floor(i * 3.5714285f): 0, 3, 7; PIL floor((i + 0.5) * 3.5714..): 1, 5, 8
        int[] t = PilResize.torchNearestIndex(800, 224), p = PilResize.nearestIndex(800, 224);
        assertArrayEquals(new int[]{0, 3, 7}, new int[]{t[0], t[1], t[2]});
        assertArrayEquals(new int[]{1, 5, 8}, new int[]{p[0], p[1], p[2]});
        assertEquals(796, t[223]);   // floor(223 * 3.5714285) = 796.43
        assertEquals(798, p[223]);   // floor(223.5 * 3.5714285) = 798.2
    }

    static double[] planePoints(Random rng, int n, double outlierFraction) {
        double[] pts = new double[3 * n];
        for (int i = 0; i < n; i++) {
            double x = rng.nextDouble() * 0.1, y = rng.nextDouble() * 0.1;
            double z = 0.5 + 0.2 * x - 0.1 * y;
            if (rng.nextDouble() < outlierFraction) z -= 0.01 + 0.05 * rng.nextDouble();
            pts[3 * i] = x; pts[3 * i + 1] = y; pts[3 * i + 2] = z;
        }
        return pts;
    }

    @Test
    void ransacFindsTheTableDespiteOutliers() {
        Random rng = new Random(3);
        // 5% outliers: some 50-point samples are clean (0.95^50 = 8%), and a clean sample's plane is
        // exact. (With 30% outliers almost no sample is clean and, like Open3D, the result is off.)
        double[] pts = planePoints(rng, 2000, 0.05);
        double[] plane = PlaneFit.ransac(pts, 0.004, 50, 200, new Random(1));
        double norm = Math.sqrt(0.04 + 0.01 + 1);
        double[] truth = {0.2 / norm, -0.1 / norm, -1 / norm};
        double dot = plane[0] * truth[0] + plane[1] * truth[1] + plane[2] * truth[2];
        assertEquals(1.0, Math.abs(dot), 1e-9, "normal");
        assertEquals(0.0, PlaneFit.distance(plane, 0.05, 0.05, 0.5 + 0.01 - 0.005), 1e-9, "a table point");
    }

    @Test
    void dbscanSeparatesClustersAndNoise() {
        // two 10x10 grids 1 mm apart (clusters), 5 points on a 4 cm line (noise), eps 1.5 mm, 5 points
        double[] pts = new double[3 * 205];
        int k = 0;
        for (int g = 0; g < 2; g++)
            for (int i = 0; i < 100; i++) { pts[k++] = g * 0.05 + (i % 10) * 0.001; pts[k++] = (i / 10) * 0.001; pts[k++] = 0.5; }
        for (int i = 0; i < 5; i++) { pts[k++] = 0.2 + i * 0.01; pts[k++] = 0.2; pts[k++] = 0.5; }
        int[] l = Dbscan.labels(pts, 0.0015, 5);
        for (int i = 0; i < 100; i++) assertEquals(0, l[i]);
        for (int i = 100; i < 200; i++) assertEquals(1, l[i]);
        for (int i = 200; i < 205; i++) assertEquals(-1, l[i]);
    }

    @Test
    void offlineRemovesTablePadsAndKeepsTheLargestCluster() {
        int h = 150, w = 120;
        float[] xyz = new float[h * w * 3];
        int[] rgb = new int[h * w * 3];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                double z = 0.5 + 0.1 * x * 0.001 + 0.05 * y * 0.001;
                boolean box = y >= 50 && y < 100 && x >= 40 && x < 80;
                boolean blob = y >= 20 && y < 25 && x >= 20 && x < 25;           // 25 points: noise
                boolean island = y >= 120 && y < 128 && x >= 95 && x < 103;      // 64 points: a small cluster
                if (box) z -= 0.03;
                if (blob || island) z -= 0.06;
                xyz[3 * i] = x * 0.001f; xyz[3 * i + 1] = y * 0.001f + 0.001f; xyz[3 * i + 2] = (float) z;
                rgb[3 * i] = 100; rgb[3 * i + 1] = 150; rgb[3 * i + 2] = 200;
            }
        int[] gt = new int[h * w];
        gt[60 * w + 60] = 255;
        PreprocessBtf.Offline o = PreprocessBtf.offline(xyz, rgb, gt, h, w, new Random(5));
        assertEquals(200, o.side());                     // max(ceil(1.5), ceil(1.2)) * 100
        int top = 25, left = 40;                         // (200-150)/2, (200-120)/2
        int s = o.side();
        int kept = 0;
        for (int y = 0; y < s; y++)
            for (int x = 0; x < s; x++) {
                int i = y * s + x, sy = y - top, sx = x - left;
                boolean box = sy >= 50 && sy < 100 && sx >= 40 && sx < 80;
                boolean nonZero = o.xyz()[3 * i + 2] != 0;
                assertEquals(box, nonZero, "xyz kept only on the box at " + y + "," + x);
                assertEquals(box ? 100 : 0, o.rgb()[3 * i], "rgb zeroed with xyz at " + y + "," + x);
                if (nonZero) kept++;
            }
        assertEquals(50 * 40, kept);
        assertEquals(255, o.gt()[(60 + top) * s + 60 + left], "gt padded like the images");

        PreprocessBtf.Loaded l = PreprocessBtf.load(o.xyz(), s, s, o.rgb(), s, s, o.gt(), s, s, 224);
        assertArrayEquals(new int[]{4, 224, 224}, l.input().shape());
        float[] in = l.input().toFloatArray();
        int n = 224 * 224;
        float fgSum = 0;
        for (int i = 0; i < n; i++) {
            fgSum += l.foreground()[i];
            if (l.foreground()[i] == 1 && in[n + i] > 0) assertEquals((100 / 255.0 - 0.485) / 0.229, in[n + i], 0.02);
        }
        assertTrue(fgSum > 0.9 * 2000 * 224.0 * 224 / (200 * 200) && fgSum < 1.1 * 2000 * 224.0 * 224 / (200 * 200), "fg area " + fgSum);
    }

    @TempDir Path root;

    @Test
    void datasetLoadsWithTheBtfOption() throws IOException {
        MvtecTree.category(root, "tire");
        Mvtec3dDataset ds = Mvtec3dDataset.open(root, LoadOptions.btf());
        LoadedSample l = ds.samples("tire", "test", "hole").get(0).load();
        assertArrayEquals(new int[]{4, 224, 224}, l.input().shape());
        float fg = 0, gt = 0;
        for (int i = 0; i < 224 * 224; i++) { fg += l.foreground()[i]; gt += l.gt()[i]; }
        assertTrue(fg > 0 && fg < 224 * 224 / 4, "object only: " + fg);
        assertTrue(gt > 0, "hole gt (id 253) counts as defect");
    }
}
