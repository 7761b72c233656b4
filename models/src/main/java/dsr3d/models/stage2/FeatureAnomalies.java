package dsr3d.models.stage2;

import dsr3d.simulate.Rng;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.autograd.NoGrad;

/**
 * One training batch's feature-space anomalies (spec §4.3, the official no-grad block of
 * train_dsr.py), given the frozen DADA's pieces through {@link Dada}:
 * <pre>
 *   A_lo      = anomalies(z_lo, q_lo, K_lo, M, s_lo)
 *   q_hi_anom = VQ_hi(preVQ_hi([enc_hi, up(A_lo)])),  z_hi_anom its input
 *   q_hi_real = VQ_hi(preVQ_hi([enc_hi, up(q_lo)])),  z_hi_real its input
 *   A_hi      = anomalies(z_hi_anom, q_hi_anom, K_hi, M, s_hi)
 *   A_hi_only = anomalies(z_hi_real, q_hi_real, K_hi, M, s_hi)
 * </pre>
 * then {@link AnomalyModes} picks the inputs and the ground truth. Runs without gradients.
 */
public final class FeatureAnomalies {
    private FeatureAnomalies() {}

    /** The frozen DADA operations the generator needs (eval mode, no EMA updates). */
    public interface Dada {
        /** upsample_t: [B, D, h_lo, w_lo] -> [B, D, 2 h_lo, 2 w_lo]. Must stay differentiable with
         *  respect to its input (the object decoder's gradient reaches SR-lo through it); its own
         *  weights are frozen. */
        Tensor upsampleLo(Tensor qLo);
        /** _pre_vq_conv_bot on the concatenation [enc_hi, upLo] (with its channel re-ordering). */
        Tensor preVqHi(Tensor encHi, Tensor upLo);
        /** The hi quantizer's output (codewords). */
        Tensor quantizeHi(Tensor zHi);
        Tensor codebookLo();
        Tensor codebookHi();
        /** The general object appearance decoder (_decoder_b) on the concatenation [upLo, qHi]. */
        Tensor decodeGeneral(Tensor upLo, Tensor qHi);
    }

    /** All random choices of one batch. */
    public record Draws(double[] strengthLo, double[] strengthHi, LatentAnomalies.Draws lo,
                        LatentAnomalies.Draws hiBoth, LatentAnomalies.Draws hiOnly, AnomalyModes modes) {
        /** In the official order: strengths lo, hi; the lo call; the hi call; the modes; the hi-only call. */
        public static Draws random(Rng rng, int batch, int hLo, int wLo, int hHi, int wHi, int codesLo, int codesHi) {
            double[] sLo = LatentAnomalies.strengths(rng, batch), sHi = LatentAnomalies.strengths(rng, batch);
            LatentAnomalies.Draws lo = LatentAnomalies.Draws.random(rng, batch, hLo, wLo, codesLo, sLo);
            LatentAnomalies.Draws both = LatentAnomalies.Draws.random(rng, batch, hHi, wHi, codesHi, sHi);
            AnomalyModes modes = AnomalyModes.random(rng, batch);
            LatentAnomalies.Draws only = LatentAnomalies.Draws.random(rng, batch, hHi, wHi, codesHi, sHi);
            return new Draws(sLo, sHi, lo, both, only, modes);
        }
    }

    /**
     * What stage 2 trains on.
     *
     * @param loInput  [B, D, h_lo, w_lo] the SR-lo input (anomalous or clean per the modes)
     * @param hiInput  [B, D, h_hi, w_hi] the SR-hi input
     * @param qLo      [B, D, h_lo, w_lo] clean quantized lo features (feature-loss target)
     * @param qHiReal  [B, D, h_hi, w_hi] clean quantized hi features (feature-loss target)
     * @param groundTruth [B, 1, H, W] the blocky mask the segmentation is trained on
     */
    public record Batch(Tensor loInput, Tensor hiInput, Tensor qLo, Tensor qHiReal, Tensor groundTruth) {}

    /** encHi [B, C, h_hi, w_hi], zLo / qLo [B, D, h_lo, w_lo], mask [B, 1, H, W]. */
    public static Batch generate(Tensor encHi, Tensor zLo, Tensor qLo, Tensor mask, Dada dada, Draws draws) {
        try (NoGrad ignored = NoGrad.enter()) {
            Tensor aLo = LatentAnomalies.apply(zLo, qLo, dada.codebookLo(), mask, draws.strengthLo(), draws.lo());
            Tensor zHi = dada.preVqHi(encHi, dada.upsampleLo(aLo));
            Tensor zHiReal = dada.preVqHi(encHi, dada.upsampleLo(qLo));
            Tensor qHi = dada.quantizeHi(zHi), qHiReal = dada.quantizeHi(zHiReal);
            Tensor aHi = LatentAnomalies.apply(zHi, qHi, dada.codebookHi(), mask, draws.strengthHi(), draws.hiBoth());
            Tensor aHiOnly = LatentAnomalies.apply(zHiReal, qHiReal, dada.codebookHi(), mask, draws.strengthHi(), draws.hiOnly());
            AnomalyModes modes = draws.modes();
            int ratioLo = mask.size(3) / zLo.size(3), ratioHi = mask.size(3) / zHi.size(3);
            return new Batch(modes.loInput(aLo, qLo).detach(), modes.hiInput(aHi, aHiOnly, qHiReal).detach(),
                    qLo.detach(), qHiReal.detach(), modes.groundTruth(mask, ratioLo, ratioHi).detach());
        }
    }
}
