package dsr3d.models.dsr;

import dsr3d.models.dada.DadaModel;
import dsr3d.models.stage2.AnomalyScoring;
import dsr3d.models.stage2.Stage2Step;
import dsr3d.models.stage2.SubspaceRestrictionModule;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.autograd.NoGrad;

import java.util.Arrays;

/**
 * The DSR test-time pass, the loop body of the official test_dsr.py (spec §8, "DSR scoring"):
 * <pre>
 *   _, _, _, Q_lo, Q_hi = VQ(x)                           eval; x [B, 3, 256, 256] BGR in [0, 1]
 *   Q~_hi = SR_hi(Q_hi) re-quantized by _vq_vae_bot       [B, 128, 64, 64]
 *   Q~_lo = SR_lo(Q_lo) re-quantized by _vq_vae_top       [B, 128, 32, 32]
 *   I_obj = image_recon_module(cat(upsample_t(Q~_lo), Q~_hi))   [B, 3, 256, 256]
 *   I_gen = _decoder_b(cat(upsample_t(Q_lo), Q_hi))         [B, 3, 256, 256]
 *   m     = softmax(anomaly_det_module(I_obj, I_gen), 1)   [B, 2, 256, 256]
 *   up    = softmax(upsample_module(I_obj, I_gen, m), 1)   [B, 2, 256, 256]
 *   score = max(avg_pool2d(m[:, 1:], 21, stride 1, padding 10))   (zeros counted)
 *   map   = up[:, 1:]                                      (not smoothed; the official metrics crop its centre 224)
 * </pre>
 * Everything runs without gradients in the dtype of the networks.
 */
public final class DsrPipeline {
    /** The official image-score box. */
    public static final int SCORE_BOX = 21;

    private final DadaModel vq;
    private final DsrModel model;

    /**
     * Every intermediate of one batch.
     *
     * @param maskLogits     the anomaly module's output [B, 2, H, W]
     * @param upsampleLogits the upsampling module's output [B, 2, H, W]
     * @param anomalyMap     softmax(upsampleLogits)[:, 1:] [B, 1, H, W], the pixel map
     * @param scoreMap       the 21 x 21 box mean of softmax(maskLogits)[:, 1:] [B, 1, H, W]
     * @param scores         image scores = max of each scoreMap
     */
    public record Result(Tensor input, Tensor reconGeneral, Tensor reconObject, Tensor maskLogits, Tensor upsampleLogits,
                         Tensor anomalyMap, Tensor scoreMap, Tensor indicesLo, Tensor indicesHi,
                         Tensor indicesLoRestricted, Tensor indicesHiRestricted, double[] scores) {}

    public DsrPipeline(DadaModel vq, DsrModel model) {
        if (vq.config().embeddingDim() != model.config().sizes().embeddingDim())
            throw new IllegalArgumentException("the VQ model has embedding_dim " + vq.config().embeddingDim()
                    + " but the DSR model expects " + model.config().sizes().embeddingDim());
        if (vq.config().modality() != dsr3d.models.dada.Modality.RGB)
            throw new IllegalArgumentException("DSR needs an RGB VQ model, got " + vq.config().modality().cliName());
        vq.eval();
        model.nets().srLo().eval();
        model.nets().srHi().eval();
        model.nets().decode().eval();
        model.nets().seg().eval();
        model.upsample().eval();
        this.vq = vq;
        this.model = model;
    }

    /** The pass up to the anomaly module (no upsampling, no scores), without gradients: stage 3's frozen part. */
    public Result runFrozen(Tensor x) { return pass(x, false); }

    public Result run(Tensor x) { return pass(x, true); }

    private Result pass(Tensor x, boolean full) {
        if (x.dim() != 4 || x.size(1) != 3)
            throw new IllegalArgumentException("DSR input must be [B, 3, H, W], got " + Arrays.toString(x.shape()));
        Stage2Step.Nets nets = model.nets();
        try (NoGrad ignored = NoGrad.enter()) {
            DadaModel.Output out = vq.forward(x);
            Tensor reconGeneral = out.recon();                                  // _decoder_b(cat(up(Q_lo), Q_hi))
            SubspaceRestrictionModule.Output hi = nets.srHi().forward(out.quantizedB(), vq.quantizer(DadaModel.Level.HI));
            SubspaceRestrictionModule.Output lo = nets.srLo().forward(out.quantizedT(), vq.quantizer(DadaModel.Level.LO));
            Tensor reconObject = nets.decode().forward(Tensor.concat(1, vq.upsampleLo(lo.quantized()), hi.quantized()));
            Tensor logits = nets.seg().forward(reconObject, reconGeneral);
            if (!full)
                return new Result(x, reconGeneral.detach(), reconObject.detach(), logits.detach(), null, null, null, out.lo().indices(),
                        out.hi().indices(), lo.indices(), hi.indices(), null);
            Tensor sm = logits.softmax(1);                                      // [B, 2, H, W]
            Tensor upLogits = model.upsample().forward(reconObject, reconGeneral, sm);
            Tensor map = AnomalyScoring.anomalyProbability(upLogits).contiguous();
            Tensor scoreMap = AnomalyScoring.smooth(sm.slice(1, 1, 2).contiguous(), new AnomalyScoring.Box(SCORE_BOX));
            return new Result(x, reconGeneral, reconObject, logits, upLogits, map, scoreMap, out.lo().indices(), out.hi().indices(),
                    lo.indices(), hi.indices(), AnomalyScoring.imageScores(scoreMap));
        }
    }
}
