package dsr3d.models.dsr;

import dsr3d.models.stage2.FeatureAnomalies;
import dsr3d.models.stage2.Stage2Step;
import dsr3d.models.stage2.SubspaceRestrictionModule;
import dsr3d.nn.loss.FocalLoss;
import dsr3d.nn.loss.Losses;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.autograd.NoGrad;

import java.util.LinkedHashMap;

/**
 * The forwards of DSR's training steps (train_dsr.py, spec §8), after the anomaly generation.
 * <p>Stage 2 ({@link #stage2}):
 * <pre>
 *   (F~_hi, Q~_hi) = SR_hi(hi input),  (F~_lo, Q~_lo) = SR_lo(lo input)     re-quantized, straight-through
 *   I_gen  = _decoder_b([up(lo input), hi input])                            frozen
 *   I_obj  = image_recon_module([up(Q~_lo), Q~_hi])                          [B, 3, H, W]
 *   logits = anomaly_det_module(sg[I_obj], sg[I_gen])                       DETACHED (3DSR: not)
 *   loss   = focal(softmax(logits), gt) + mse(F~_lo, q_lo) + mse(F~_hi, q_hi_real) + 10 mse(x, I_obj)
 * </pre>
 * (no mask-L1 term). The focal loss reaches only the U-Net; the image and feature terms the SR
 * nets and the decoder.
 * <p>Stage 3 ({@link #stage3}), everything but the upsampling module frozen:
 * <pre>
 *   Q_lo, Q_hi, I_gen = VQ(x_aug);  I_obj as at test time;  m = softmax(anomaly_det_module(I_obj, I_gen))
 *   loss = focal(softmax(upsample_module(I_obj, I_gen, m)), M)             M the full-resolution smudge mask
 * </pre>
 */
public final class DsrStep {
    public static final double IMAGE_WEIGHT = 10;
    private static final FocalLoss FOCAL = new FocalLoss(2.0, 1e-5);

    private DsrStep() {}

    /** Terms "loss" (total), "focal", "feature_lo", "feature_hi", "image", plus the tensors of the step. */
    public record Result(LinkedHashMap<String, Tensor> terms, SubspaceRestrictionModule.Output srLo, SubspaceRestrictionModule.Output srHi,
                         Tensor reconGeneral, Tensor reconObject, Tensor logits) {}

    public static Result stage2(Stage2Step.Nets nets, FeatureAnomalies.Dada vq, FeatureAnomalies.Batch batch, Tensor input) {
        SubspaceRestrictionModule.Output hi = nets.srHi().forward(batch.hiInput(), vq.codebookHi());
        SubspaceRestrictionModule.Output lo = nets.srLo().forward(batch.loInput(), vq.codebookLo());
        Tensor general;
        try (NoGrad ignored = NoGrad.enter()) {
            general = vq.decodeGeneral(vq.upsampleLo(batch.loInput()), batch.hiInput()).detach();
        }
        Tensor object = nets.decode().forward(Tensor.concat(1, vq.upsampleLo(lo.quantized()), hi.quantized()));
        Tensor logits = nets.seg().forward(object.detach(), general);
        LinkedHashMap<String, Tensor> t = new LinkedHashMap<>();
        Tensor focal = FOCAL.apply(logits.softmax(1), batch.groundTruth().detach().to(logits.dtype()));
        Tensor fLo = Losses.mse(lo.features(), batch.qLo().detach()), fHi = Losses.mse(hi.features(), batch.qHiReal().detach());
        Tensor image = Losses.mse(input.detach(), object);
        t.put("loss", focal.add(fLo.add(fHi).add(image.mul(IMAGE_WEIGHT))));
        t.put("focal", focal);
        t.put("feature_lo", fLo);
        t.put("feature_hi", fHi);
        t.put("image", image);
        return new Result(t, lo, hi, general, object, logits);
    }

    /** Stage 3: the frozen networks' outputs are computed without gradients; only the upsampling module learns. */
    public record Stage3Result(LinkedHashMap<String, Tensor> terms, Tensor reconGeneral, Tensor reconObject, Tensor maskSoftmax, Tensor refined) {}

    public static Stage3Result stage3(DsrPipeline frozen, UpsamplingModule upsample, Tensor augmented, Tensor mask) {
        DsrPipeline.Result r = frozen.runFrozen(augmented);
        Tensor sm = r.maskLogits().softmax(1).detach();
        Tensor refined = upsample.forward(r.reconObject(), r.reconGeneral(), sm);
        LinkedHashMap<String, Tensor> t = new LinkedHashMap<>();
        Tensor focal = FOCAL.apply(refined.softmax(1), mask.detach().to(refined.dtype()));
        t.put("loss", focal);
        t.put("focal", focal);
        return new Stage3Result(t, r.reconGeneral(), r.reconObject(), sm, refined);
    }
}
