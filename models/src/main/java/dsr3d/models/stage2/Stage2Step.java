package dsr3d.models.stage2;

import dsr3d.nn.Module;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.autograd.NoGrad;

import java.util.List;

/**
 * The forward of one stage-2 training step after the anomaly generation (spec §4.4, the official
 * loop after the no-grad block):
 * <pre>
 *   (F~_hi, Q~_hi) = SR_hi(hi input),  (F~_lo, Q~_lo) = SR_lo(lo input)      re-quantized, straight-through
 *   I_gen  = DADA general decoder([up(lo input), hi input])                  frozen, no gradient
 *   I_spc  = object decoder([up(Q~_lo), Q~_hi])                              [B, C, H, W]
 *   logits = U-Net(I_spc, I_gen)                                             [B, 2, H, W], not detached
 * </pre>
 * and the {@link Stage2Loss} terms. The caller runs backward on {@code loss.total()} and steps the
 * optimizer over {@link Nets#parameters()}.
 */
public final class Stage2Step {
    private Stage2Step() {}

    /** The four trained networks of one class (official checkpoint suffixes _recon_lo, _recon_hi, _decode, _seg). */
    public record Nets(SubspaceRestrictionModule srLo, SubspaceRestrictionModule srHi,
                       ImageReconstructionNetwork decode, AnomalyDetectionModule seg) {
        /** In the official optimizer's group order: SR lo, SR hi, decoder, U-Net. */
        public List<Tensor> parameters() {
            List<Tensor> out = new java.util.ArrayList<>();
            for (Module m : List.of(srLo, srHi, decode, seg)) out.addAll(m.parameters());
            return out;
        }
    }

    /**
     * @param srLo / srHi  the SR outputs (features F~ and re-quantized Q~)
     * @param reconGeneral I_gen [B, C, H, W]
     * @param reconObject  I_spc [B, C, H, W]
     * @param logits       [B, 2, H, W]
     */
    public record Result(SubspaceRestrictionModule.Output srLo, SubspaceRestrictionModule.Output srHi,
                         Tensor reconGeneral, Tensor reconObject, Tensor logits, Stage2Loss.Terms loss) {}

    /** input: the clean model input [B, C, H, W] (image-loss target). */
    public static Result forward(Nets nets, FeatureAnomalies.Dada dada, FeatureAnomalies.Batch batch, Tensor input) {
        SubspaceRestrictionModule.Output hi = nets.srHi().forward(batch.hiInput(), dada.codebookHi());
        SubspaceRestrictionModule.Output lo = nets.srLo().forward(batch.loInput(), dada.codebookLo());
        Tensor general;
        try (NoGrad ignored = NoGrad.enter()) {
            general = dada.decodeGeneral(dada.upsampleLo(batch.loInput()), batch.hiInput()).detach();
        }
        Tensor object = nets.decode().forward(Tensor.concat(1, dada.upsampleLo(lo.quantized()), hi.quantized()));
        Tensor logits = nets.seg().forward(object, general);
        Stage2Loss.Terms loss = Stage2Loss.compute(lo.features(), batch.qLo(), hi.features(), batch.qHiReal(),
                input, object, logits, batch.groundTruth());
        return new Result(lo, hi, general, object, logits, loss);
    }
}
