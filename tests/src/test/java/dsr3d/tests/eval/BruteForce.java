package dsr3d.tests.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Independent, deliberately naive re-computations of the metrics (quadratic or worse), written
 * from the definitions in data-and-evaluation.md 3.1-3.5 without sharing code with
 * dsr3d.models.eval. Only for small inputs.
 */
final class BruteForce {
    private BruteForce() {}

    /** Mann-Whitney by pair counting: P(pos > neg) + 1/2 P(pos == neg). */
    static double auroc(double[] s, boolean[] pos) {
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < s.length; i++) {
            if (!pos[i]) continue;
            for (int j = 0; j < s.length; j++) {
                if (pos[j]) continue;
                pairs++;
                if (s[i] > s[j]) wins += 1;
                else if (s[i] == s[j]) wins += 0.5;
            }
        }
        return wins / pairs;
    }

    /** sklearn AP: for each distinct threshold t (descending), recall and precision of score >= t. */
    static double averagePrecision(double[] s, boolean[] pos) {
        TreeSet<Double> thresholds = new TreeSet<>();
        int nPos = 0;
        for (int i = 0; i < s.length; i++) { thresholds.add(s[i]); if (pos[i]) nPos++; }
        double ap = 0, lastRecall = 0;
        for (double t : thresholds.descendingSet()) {
            int tp = 0, fp = 0;
            for (int i = 0; i < s.length; i++) if (s[i] >= t) { if (pos[i]) tp++; else fp++; }
            double recall = (double) tp / nPos, precision = (double) tp / (tp + fp);
            ap += (recall - lastRecall) * precision;
            lastRecall = recall;
        }
        return ap;
    }

    /** Python generic_util.trapezoid transcribed literally over arrays (bisect, mask, correction). */
    static double trapezoid(double[] x, double[] y, double xMax) {
        List<double[]> pts = new ArrayList<>();
        for (int i = 0; i < x.length; i++) if (Double.isFinite(x[i]) && Double.isFinite(y[i])) pts.add(new double[]{x[i], y[i]});
        double correction = 0;
        boolean contains = false;
        for (double[] p : pts) if (p[0] == xMax) contains = true;
        if (!contains) {
            int ins = 0;
            while (ins < pts.size() && pts.get(ins)[0] <= xMax) ins++;
            if (!(ins > 0 && ins < pts.size())) throw new AssertionError("limit outside the curve");
            double[] a = pts.get(ins - 1), b = pts.get(ins);
            double yi = a[1] + (b[1] - a[1]) * (xMax - a[0]) / (b[0] - a[0]);
            correction = 0.5 * (yi + a[1]) * (xMax - a[0]);
        }
        double sum = 0;
        double[] prev = null;
        for (double[] p : pts) {
            if (p[0] > xMax) continue;
            if (prev != null) sum += 0.5 * (p[1] + prev[1]) * (p[0] - prev[0]);
            prev = p;
        }
        return sum + correction;
    }

    /**
     * Official AU-PRO by brute force: components given as an int label map per image (0 = OK),
     * labels unique across images; at each of the 100 subsampled positions every pixel is
     * scanned again.
     */
    static double officialAuPro(float[][] maps, int[][] componentIds, int numComponents, double limit) {
        List<Float> ok = new ArrayList<>();
        for (int m = 0; m < maps.length; m++)
            for (int i = 0; i < maps[m].length; i++) if (componentIds[m][i] == 0) ok.add(maps[m][i]);
        ok.sort(null);
        int n = ok.size();
        int T = 100;
        double[] fpr = new double[T + 1], pro = new double[T + 1];
        fpr[0] = 1; pro[0] = 1;
        for (int k = 0; k < T; k++) {
            int p = k == T - 1 ? n - 1 : (int) Math.floor(k * ((n - 1) / 99.0));
            float t = ok.get(p);
            long[] above = new long[numComponents + 1], size = new long[numComponents + 1];
            for (int m = 0; m < maps.length; m++)
                for (int i = 0; i < maps[m].length; i++) {
                    int c = componentIds[m][i];
                    if (c == 0) continue;
                    size[c]++;
                    if (maps[m][i] > t) above[c]++;
                }
            double sum = 0;
            for (int c = 1; c <= numComponents; c++) sum += (double) above[c] / size[c];
            fpr[k + 1] = 1 - (p + 1) / (double) n;
            pro[k + 1] = sum / numComponents;
        }
        // reverse into ascending FPR
        double[] x = new double[T + 1], y = new double[T + 1];
        for (int k = 0; k <= T; k++) { x[k] = fpr[T - k]; y[k] = pro[T - k]; }
        return trapezoid(x, y, limit) / limit;
    }

    /** Exact AU-PRO by brute force: every distinct score a threshold, score >= t positive, (0,0) and (1,1) added. */
    static double exactAuPro(float[][] maps, int[][] componentIds, int numComponents, double limit) {
        TreeSet<Float> thresholds = new TreeSet<>();
        long nOk = 0;
        long[] size = new long[numComponents + 1];
        for (int m = 0; m < maps.length; m++)
            for (int i = 0; i < maps[m].length; i++) {
                thresholds.add(maps[m][i]);
                if (componentIds[m][i] == 0) nOk++; else size[componentIds[m][i]]++;
            }
        List<double[]> pts = new ArrayList<>();
        pts.add(new double[]{0, 0});
        for (float t : thresholds.descendingSet()) {
            long fp = 0;
            long[] hit = new long[numComponents + 1];
            for (int m = 0; m < maps.length; m++)
                for (int i = 0; i < maps[m].length; i++) {
                    if (maps[m][i] < t) continue;
                    if (componentIds[m][i] == 0) fp++; else hit[componentIds[m][i]]++;
                }
            double pro = 0;
            for (int c = 1; c <= numComponents; c++) pro += (double) hit[c] / size[c];
            pts.add(new double[]{Math.min(1, (double) fp / nOk), Math.min(1, pro / numComponents)});
        }
        pts.add(new double[]{1, 1});
        double[] x = new double[pts.size()], y = new double[pts.size()];
        for (int k = 0; k < pts.size(); k++) { x[k] = pts.get(k)[0]; y[k] = pts.get(k)[1]; }
        return trapezoid(x, y, limit) / limit;
    }
}
