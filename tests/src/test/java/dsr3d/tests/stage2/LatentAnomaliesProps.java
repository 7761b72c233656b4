package dsr3d.tests.stage2;

import dsr3d.models.stage2.AnomalyModes;
import dsr3d.models.stage2.LatentAnomalies;
import dsr3d.simulate.Rng;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/** Properties of the generator's deterministic parts (spec §4.3). */
class LatentAnomaliesProps {

    private static double[] distances(Random r, int k, boolean ties) {
        double[] d = new double[k];
        for (int i = 0; i < k; i++) d[i] = ties ? r.nextInt(5) : r.nextDouble();
        return d;
    }

    /** Sorting: ascending by distance, lowest index first on ties, a permutation of the codes;
     *  the quickselect agrees with it at every rank. */
    @Test void sortedCodesAndCodeAtRank() {
        qt().withExamples(60).forAll(longs().all()).checkAssert(seed -> {
            Random r = new Random(seed);
            int k = 1 + r.nextInt(80);
            double[] d = distances(r, k, r.nextBoolean());
            int[] s = LatentAnomalies.sortedCodes(d);
            int[] sortedCopy = s.clone();
            Arrays.sort(sortedCopy);
            for (int i = 0; i < k; i++) assertEquals(i, sortedCopy[i], "a permutation");
            for (int i = 1; i < k; i++)
                assertTrue(d[s[i - 1]] < d[s[i]] || (d[s[i - 1]] == d[s[i]] && s[i - 1] < s[i]), "order at " + i);
            for (int rank = 0; rank < k; rank++) assertEquals(s[rank], LatentAnomalies.codeAtRank(d.clone(), rank), "rank " + rank);
        });
    }

    /** T and the 5 % exclusion: T = max(1, min(floor(sK) + 1, K - 1)), floor(0.05 K) dropped
     *  (102 of 2048), the pick ranges over [floor(0.05 K), T - 1]. */
    @Test void keepAndExclusion() {
        assertEquals(102, LatentAnomalies.excluded(2048));
        assertEquals(205, LatentAnomalies.keep(0.1, 2048));
        assertEquals(2047, LatentAnomalies.keep(1.0, 2048));
        assertEquals(2047, LatentAnomalies.keep(0.9999, 2048));
        assertEquals(103, LatentAnomalies.allowedRanks(0.1, 2048));
        assertThrows(IllegalArgumentException.class, () -> LatentAnomalies.allowedRanks(0.01, 2048));
        qt().forAll(longs().all()).checkAssert(seed -> {
            Random r = new Random(seed);
            int k = 20 + r.nextInt(5000);
            double s = 0.1 + 0.9 * r.nextDouble();
            int t = LatentAnomalies.keep(s, k);
            assertTrue(t >= 1 && t <= k - 1 && t == Math.max(1, Math.min((int) (s * k) + 1, k - 1)));
            assertEquals((int) Math.floor(0.05 * k), LatentAnomalies.excluded(k));
        });
    }

    /** Rank range: with shuffling off, every masked position gets a codeword whose rank among
     *  that position's sorted distances is in [floor(0.05 K), T - 1] (never one of the nearest 5 %,
     *  so never the chosen code); unmasked positions keep q. */
    @Test void picksLieInTheAllowedRankRange() {
        qt().withExamples(25).forAll(longs().all()).checkAssert(seed -> {
            Random r = new Random(seed);
            int b = 1 + r.nextInt(2), d = 1 + r.nextInt(4), h = 2 * (1 + r.nextInt(3)), w = 2 * (1 + r.nextInt(3)), k = 40 + r.nextInt(60);
            Tensor z = Tensor.randn(r, DType.F64, b, d, h, w), e = Tensor.randn(r, DType.F64, k, d);
            Tensor q = Tensor.randn(r, DType.F64, b, d, h, w);
            double[] mv = new double[b * 4 * h * w];
            for (int i = 0; i < mv.length; i++) mv[i] = r.nextInt(3) == 0 ? 1 : 0;
            Tensor mask = Tensor.of(mv, b, 1, 2 * h, 2 * w);
            double[] s = new double[b];
            for (int n = 0; n < b; n++) s[n] = 0.1 + 0.9 * r.nextDouble();
            int[][] offsets = new int[b][h * w];
            for (int n = 0; n < b; n++)
                for (int i = 0; i < h * w; i++) offsets[n][i] = r.nextInt(LatentAnomalies.allowedRanks(s[n], k));
            LatentAnomalies.Draws dr = new LatentAnomalies.Draws(offsets, false, 0, null);
            double[] out = LatentAnomalies.apply(z, q, e, mask, s, dr).toDoubleArray();
            double[] zv = z.toDoubleArray(), ev = e.toDoubleArray(), qv = q.toDoubleArray();
            double[] m = LatentAnomalies.downsampleMask(mask, b, h, w);
            for (int n = 0; n < b; n++)
                for (int i = 0; i < h * w; i++) {
                    double[] dist = new double[k];
                    for (int c = 0; c < k; c++)
                        for (int j = 0; j < d; j++) { double t = zv[(n * d + j) * h * w + i] - ev[c * d + j]; dist[c] += t * t; }
                    int[] sorted = LatentAnomalies.sortedCodes(dist);
                    double[] got = new double[d];
                    for (int j = 0; j < d; j++) got[j] = out[(n * d + j) * h * w + i];
                    if (m[n * h * w + i] == 0) {
                        for (int j = 0; j < d; j++) assertEquals(qv[(n * d + j) * h * w + i], got[j]);
                        continue;
                    }
                    int rank = -1;
                    for (int t = 0; t < k; t++) {
                        boolean same = true;
                        for (int j = 0; j < d; j++) same &= ev[sorted[t] * d + j] == got[j];
                        if (same) { rank = t; break; }
                    }
                    assertTrue(rank >= LatentAnomalies.excluded(k) && rank < LatentAnomalies.keep(s[n], k),
                            "rank " + rank + " outside [" + LatentAnomalies.excluded(k) + ", " + LatentAnomalies.keep(s[n], k) + ")");
                    assertEquals(LatentAnomalies.excluded(k) + dr.offsets()[n][i], rank, "the drawn rank");
                }
        });
    }

    /** Patch shuffle with a fixed permutation moves whole p x p patches: output patch j is input
     *  patch perm[j] (all channels), so the output is a permutation of the input's patches; the
     *  identity permutation changes nothing. */
    @Test void patchShuffleIsAPermutationOfPatches() {
        qt().withExamples(40).forAll(longs().all()).checkAssert(seed -> {
            Random r = new Random(seed);
            int p = LatentAnomalies.PATCH_SIZES[r.nextInt(4)];
            int b = 1 + r.nextInt(2), d = 1 + r.nextInt(3), h = p * (1 + r.nextInt(3)), w = p * (1 + r.nextInt(3));
            int l = (h / p) * (w / p);
            double[] x = new double[b * d * h * w];
            for (int i = 0; i < x.length; i++) x[i] = i;          // every value distinct
            int[][] perms = new int[b][];
            for (int n = 0; n < b; n++) perms[n] = permutation(r, l);
            double[] y = LatentAnomalies.shufflePatches(x, b, d, h, w, p, perms);
            int gw = w / p;
            for (int n = 0; n < b; n++)
                for (int j = 0; j < l; j++)
                    for (int c = 0; c < d; c++)
                        for (int yy = 0; yy < p; yy++)
                            for (int xx = 0; xx < p; xx++) {
                                int src = perms[n][j];
                                double want = x[((n * d + c) * h + (src / gw) * p + yy) * w + (src % gw) * p + xx];
                                assertEquals(want, y[((n * d + c) * h + (j / gw) * p + yy) * w + (j % gw) * p + xx]);
                            }
            double[] ys = y.clone(), xs = x.clone();
            Arrays.sort(ys);
            Arrays.sort(xs);
            assertArrayEquals(xs, ys, "same multiset of values");
            int[][] id = new int[b][l];
            for (int n = 0; n < b; n++) for (int j = 0; j < l; j++) id[n][j] = j;
            assertArrayEquals(x, LatentAnomalies.shufflePatches(x, b, d, h, w, p, id));
        });
        assertThrows(IllegalArgumentException.class,
                () -> LatentAnomalies.shufflePatches(new double[4], 1, 1, 2, 2, 1, new int[][]{{0, 0, 1, 2}}));
    }

    /** The three modes: per sample, which level is anomalous and which blocky mask is the truth. */
    @Test void modesSelectLevelsAndMasks() {
        qt().withExamples(30).forAll(longs().all()).checkAssert(seed -> {
            Random r = new Random(seed);
            int b = 1 + r.nextInt(6), s = 16;
            AnomalyModes modes = AnomalyModes.random(new Rng(seed), b);
            double[] mv = new double[b * s * s];
            for (int i = 0; i < mv.length; i++) mv[i] = r.nextInt(9) == 0 ? 1 : 0;
            Tensor mask = Tensor.of(mv, b, 1, s, s);
            Tensor aLo = Tensor.randn(r, DType.F64, b, 2, 2, 2), qLo = Tensor.randn(r, DType.F64, b, 2, 2, 2);
            Tensor aHi = Tensor.randn(r, DType.F64, b, 2, 4, 4), aHiOnly = Tensor.randn(r, DType.F64, b, 2, 4, 4), qHi = Tensor.randn(r, DType.F64, b, 2, 4, 4);
            Tensor lo = modes.loInput(aLo, qLo), hi = modes.hiInput(aHi, aHiOnly, qHi), gt = modes.groundTruth(mask, 8, 4);
            Tensor bLo = AnomalyModes.blocky(mask, 8), bHi = AnomalyModes.blocky(mask, 4);
            for (int n = 0; n < b; n++) {
                boolean both = modes.useBoth()[n], useLo = modes.useLo()[n];
                assertArrayEquals((both || useLo ? aLo : qLo).slice(0, n, n + 1).toDoubleArray(), lo.slice(0, n, n + 1).toDoubleArray());
                assertArrayEquals((both ? aHi : useLo ? qHi : aHiOnly).slice(0, n, n + 1).toDoubleArray(), hi.slice(0, n, n + 1).toDoubleArray());
                assertArrayEquals((both || useLo ? bLo : bHi).slice(0, n, n + 1).toDoubleArray(), gt.slice(0, n, n + 1).toDoubleArray());
            }
            // blocky masks cover the mask, are constant on r x r blocks, and the lo one covers the hi one
            double[] l8 = bLo.toDoubleArray(), l4 = bHi.toDoubleArray();
            for (int i = 0; i < mv.length; i++) {
                assertTrue(l4[i] >= mv[i] && l8[i] >= l4[i]);
                int n = i / (s * s), y = (i / s) % s, x = i % s;
                assertEquals(l8[i], l8[n * s * s + (y / 8 * 8) * s + x / 8 * 8]);
                assertEquals(l4[i], l4[n * s * s + (y / 4 * 4) * s + x / 4 * 4]);
            }
        });
    }

    static int[] permutation(Random r, int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        for (int i = n - 1; i > 0; i--) { int j = r.nextInt(i + 1), t = a[i]; a[i] = a[j]; a[j] = t; }
        return a;
    }
}
