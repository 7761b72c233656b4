package dsr3d.tests.stage2;

import dsr3d.models.stage2.AnomalyModes;
import dsr3d.models.stage2.LatentAnomalies;
import dsr3d.simulate.Rng;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Statistical checks of the random parts with fixed seeds (so each test is deterministic): the
 * picked rank is uniform over [102, T - 1] with K = 2048 (chi-square), the shuffle comes up about
 * half the time with the four patch sizes equally often, the modes' coins are fair and the
 * strengths lie in [0.1, 1). Thresholds are the 0.1 % tails of the reference distributions.
 */
class LatentAnomaliesStatsTest {

    /** Upper 0.1 % point of chi-square with df degrees of freedom (Wilson-Hilferty). */
    static double chi2Critical(int df) {
        double z = 3.090232, a = 2.0 / (9 * df);
        return df * Math.pow(1 - a + z * Math.sqrt(a), 3);
    }

    static double chi2(long[] counts, double expected) {
        double c = 0;
        for (long n : counts) c += (n - expected) * (n - expected) / expected;
        return c;
    }

    @Test void pickedRankIsUniformOverTheAllowedRange() {
        int k = 2048, d = 4, h = 8, w = 8, calls = 160;
        double s = 0.3;                                  // T = 615: ranks 102..614, 513 bins
        Random r = new Random(5);
        Tensor e = Tensor.randn(r, DType.F64, k, d);
        Tensor z = Tensor.randn(r, DType.F64, 1, d, h, w);
        Tensor q = Tensor.zeros(DType.F64, 1, d, h, w);
        Tensor mask = Tensor.full(DType.F64, 1, 1, 1, h, w);
        double[] ev = e.toDoubleArray(), zv = z.toDoubleArray();
        int[][] sorted = new int[h * w][];
        for (int i = 0; i < h * w; i++) {
            double[] dist = new double[k];
            for (int c = 0; c < k; c++)
                for (int j = 0; j < d; j++) { double t = zv[j * h * w + i] - ev[c * d + j]; dist[c] += t * t; }
            sorted[i] = LatentAnomalies.sortedCodes(dist);
        }
        int lo = LatentAnomalies.excluded(k), t = LatentAnomalies.keep(s, k);
        assertEquals(102, lo);
        assertEquals(615, t);
        long[] counts = new long[t - lo];
        Rng rng = new Rng(11);
        for (int call = 0; call < calls; call++) {
            LatentAnomalies.Draws dr = LatentAnomalies.Draws.random(rng, 1, h, w, k, new double[]{s});
            dr = new LatentAnomalies.Draws(dr.offsets(), false, 0, null);
            double[] out = LatentAnomalies.apply(z, q, e, mask, new double[]{s}, dr).toDoubleArray();
            for (int i = 0; i < h * w; i++) {
                int rank = -1;
                for (int p = lo; p < t && rank < 0; p++) {
                    boolean same = true;
                    for (int j = 0; j < d; j++) same &= ev[sorted[i][p] * d + j] == out[j * h * w + i];
                    if (same) rank = p;
                }
                assertTrue(rank >= lo, "picked code outside the allowed ranks at position " + i);
                counts[rank - lo]++;
            }
        }
        double expected = (double) calls * h * w / counts.length;
        double c = chi2(counts, expected);
        assertTrue(c < chi2Critical(counts.length - 1), "chi-square " + c + " vs " + chi2Critical(counts.length - 1));
    }

    @Test void shuffleFrequencyAndPatchSizes() {
        Rng rng = new Rng(3);
        int n = 4000, shuffled = 0;
        long[] sizes = new long[4];
        for (int i = 0; i < n; i++) {
            LatentAnomalies.Draws dr = LatentAnomalies.Draws.random(rng, 1, 8, 8, 64, new double[]{0.5});
            if (dr.shuffle()) {
                shuffled++;
                sizes[Integer.numberOfTrailingZeros(dr.patchSize())]++;
                assertEquals((8 / dr.patchSize()) * (8 / dr.patchSize()), dr.permutations()[0].length);
            }
        }
        assertTrue(Math.abs(shuffled - n / 2.0) < 4 * Math.sqrt(n * 0.25), "shuffled " + shuffled + " of " + n);
        assertTrue(chi2(sizes, shuffled / 4.0) < chi2Critical(3), "patch sizes " + java.util.Arrays.toString(sizes));
    }

    @Test void modeCoinsAndStrengths() {
        Rng rng = new Rng(4);
        int n = 4000, both = 0, lo = 0;
        AnomalyModes m = AnomalyModes.random(rng, n);
        for (int i = 0; i < n; i++) { if (m.useBoth()[i]) both++; if (m.useLo()[i]) lo++; }
        double sd = Math.sqrt(n * 0.25);
        assertTrue(Math.abs(both - n / 2.0) < 4 * sd && Math.abs(lo - n / 2.0) < 4 * sd, both + " / " + lo);
        double[] s = LatentAnomalies.strengths(rng, n);
        double mean = 0;
        for (double v : s) { assertTrue(v >= 0.1 && v < 1.0); mean += v / n; }
        assertTrue(Math.abs(mean - 0.55) < 4 * 0.9 / Math.sqrt(12 * n), "mean strength " + mean);
    }
}
