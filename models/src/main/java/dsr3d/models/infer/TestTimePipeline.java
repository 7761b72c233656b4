package dsr3d.models.infer;

import dsr3d.models.dada.DadaModel;
import dsr3d.models.stage2.AnomalyScoring;
import dsr3d.models.stage2.AnomalyScoring.Smoothing;
import dsr3d.models.stage2.Stage2Model;
import dsr3d.models.stage2.Stage2Step;
import dsr3d.models.stage2.SubspaceRestrictionModule;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.autograd.NoGrad;

import java.util.Arrays;

/**
 * The 3DSR test-time pass (spec §6), the loop body of the official test_dsr.py:
 * <pre>
 *   _, _, I_gen, Q_lo, Q_hi = DADA(x)                     eval; x [B, C, H, W] = [D, R, G, B]
 *   Q~_hi = SR_hi(Q_hi) re-quantized by DADA's _vq_vae_bot   [B, e, H/4, W/4]
 *   Q~_lo = SR_lo(Q_lo) re-quantized by DADA's _vq_vae_top   [B, e, H/8, W/8]
 *   I_obj  = decode(cat(upsample_t(Q~_lo), Q~_hi))         [B, C, H, W]
 *   logits = seg(I_obj, I_gen)                             [B, 2, H, W]
 *   map    = smooth(softmax(logits, 1)[:, 1:2])            box 11 (rgbd, rgb) / 21 (depth), or a Gaussian
 *   score  = max(map)
 * </pre>
 * Everything runs without gradients in the dtype of the networks.
 */
public final class TestTimePipeline {
    private final DadaModel dada;
    private final Stage2Model model;
    private final Smoothing smoothing;

    /**
     * Every intermediate of one batch.
     *
     * @param input         the preprocessed model input [B, C, H, W]
     * @param reconGeneral  the DADA's general reconstruction [B, C, H, W]
     * @param reconObject   the object decoder's reconstruction [B, C, H, W]
     * @param maskLogits    the U-Net output [B, 2, H, W]
     * @param anomalyMap    the smoothed anomaly probability [B, 1, H, W]
     * @param indicesLo     I32 [B, H/8, W/8]: the DADA's lo codes
     * @param indicesHi     I32 [B, H/4, W/4]: the DADA's hi codes
     * @param indicesLoRestricted, indicesHiRestricted: the codes of the re-quantized SR outputs
     * @param scores        image scores = maximum of each smoothed map
     */
    public record Result(Tensor input, Tensor reconGeneral, Tensor reconObject, Tensor maskLogits, Tensor anomalyMap,
                         Tensor indicesLo, Tensor indicesHi, Tensor indicesLoRestricted, Tensor indicesHiRestricted,
                         double[] scores) {}

    public TestTimePipeline(DadaModel dada, Stage2Model model, Smoothing smoothing) {
        if (dada.config().modality() != model.config().modality())
            throw new IllegalArgumentException("the DADA is " + dada.config().modality().cliName() + " but the stage-2 model is "
                    + model.config().modality().cliName());
        if (dada.config().embeddingDim() != model.config().sizes().embeddingDim())
            throw new IllegalArgumentException("the DADA has embedding_dim " + dada.config().embeddingDim()
                    + " but the stage-2 model expects " + model.config().sizes().embeddingDim());
        dada.eval();
        model.eval();
        this.dada = dada;
        this.model = model;
        this.smoothing = smoothing;
    }

    /** The official smoothing for the model's modality (box 21 for depth only, 11 otherwise). */
    public static Smoothing officialSmoothing(Stage2Model model) {
        return Smoothing.official(model.config().modality() == dsr3d.models.dada.Modality.DEPTH);
    }

    public Result run(Tensor x) {
        int c = model.config().modality().channels;
        if (x.dim() != 4 || x.size(1) != c)
            throw new IllegalArgumentException("inference input must be [B, " + c + ", H, W], got " + Arrays.toString(x.shape()));
        Stage2Step.Nets nets = model.nets();
        try (NoGrad ignored = NoGrad.enter()) {
            DadaModel.Output out = dada.forward(x);
            Tensor reconGeneral = out.recon();
            SubspaceRestrictionModule.Output hi = nets.srHi().forward(out.quantizedB(), dada.quantizer(DadaModel.Level.HI));
            SubspaceRestrictionModule.Output lo = nets.srLo().forward(out.quantizedT(), dada.quantizer(DadaModel.Level.LO));
            Tensor up = dada.upsampleLo(lo.quantized());
            Tensor reconObject = nets.decode().forward(Tensor.concat(1, up, hi.quantized()));
            Tensor logits = nets.seg().forward(reconObject, reconGeneral);
            Tensor map = AnomalyScoring.smooth(AnomalyScoring.anomalyProbability(logits), smoothing);
            return new Result(x, reconGeneral, reconObject, logits, map, out.lo().indices(), out.hi().indices(),
                    lo.indices(), hi.indices(), AnomalyScoring.imageScores(map));
        }
    }
}
