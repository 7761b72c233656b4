package dsr3d.models.dsr;

import dsr3d.models.stage2.AnomalyModes;
import dsr3d.models.stage2.FeatureAnomalies;
import dsr3d.models.stage2.LatentAnomalies;
import dsr3d.simulate.Rng;

/**
 * DSR's feature-space anomaly draws (train_dsr.py, spec §8), for {@link FeatureAnomalies#generate}:
 * the same generator as 3DSR's (codes at ranks floor(0.05 K) .. keep(s, K) of the distance order,
 * the use_both / use_lo modes) except
 * <ul>
 *   <li>strengths s ~ U(0.2, 1.0) (anom_par 0.2) instead of U(0.1, 1.0);</li>
 *   <li>no patch shuffle: DSR's generate_fake_anomalies_joined always uses the codebook picks.</li>
 * </ul>
 * Draw order as the official loop: strengths lo, hi; the lo call; the hi call; the modes; the hi-only call.
 */
public final class DsrAnomalies {
    public static final double STRENGTH_MIN = 0.2, STRENGTH_MAX = 1.0;

    private DsrAnomalies() {}

    public static FeatureAnomalies.Draws random(Rng rng, int batch, int hLo, int wLo, int hHi, int wHi, int codesLo, int codesHi) {
        double[] sLo = strengths(rng, batch), sHi = strengths(rng, batch);
        LatentAnomalies.Draws lo = picks(rng, batch, hLo * wLo, codesLo, sLo);
        LatentAnomalies.Draws both = picks(rng, batch, hHi * wHi, codesHi, sHi);
        AnomalyModes modes = AnomalyModes.random(rng, batch);
        LatentAnomalies.Draws only = picks(rng, batch, hHi * wHi, codesHi, sHi);
        return new FeatureAnomalies.Draws(sLo, sHi, lo, both, only, modes);
    }

    /** One generator call's draws: per sample and position a uniform pick among the allowed ranks. */
    public static LatentAnomalies.Draws picks(Rng rng, int batch, int positions, int numCodes, double[] strength) {
        int[][] offsets = new int[batch][positions];
        for (int b = 0; b < batch; b++) {
            int allowed = LatentAnomalies.allowedRanks(strength[b], numCodes);
            for (int i = 0; i < positions; i++) offsets[b][i] = rng.nextInt(allowed);
        }
        return new LatentAnomalies.Draws(offsets, false, 0, null);
    }

    static double[] strengths(Rng rng, int batch) {
        double[] s = new double[batch];
        for (int i = 0; i < batch; i++) s[i] = rng.uniform(STRENGTH_MIN, STRENGTH_MAX);
        return s;
    }
}
