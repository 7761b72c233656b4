package dsr3d.models.stage2;

import dsr3d.nn.loss.FocalLoss;
import dsr3d.nn.loss.Losses;
import dsr3d.tensor.Tensor;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The stage-2 loss of the official training loop (spec §4.4), every term a mean over all elements:
 * <pre>
 *   feature_lo = mse(F~_lo, q_lo)        feature_hi = mse(F~_hi, q_hi_real)
 *   image      = mse(input, I_spc)        (weight 10)
 *   focal      = FocalLoss(gamma 2)(softmax(logits), gt)
 *   mask_l1    = mean |softmax(logits) - [1 - gt, gt]|
 *   total      = feature_lo + feature_hi + 10 image + focal + mask_l1
 * </pre>
 * The targets q_lo, q_hi_real and the input are detached; the segmentation input is not, so the
 * focal and L1 terms reach the object decoder and, through the straight-through re-quantization,
 * the SR nets (3DSR; DSR detached it).
 */
public final class Stage2Loss {
    public static final double IMAGE_WEIGHT = 10;
    private static final FocalLoss FOCAL = new FocalLoss(2.0, 1e-5);

    private Stage2Loss() {}

    /** The terms by name ("feature_lo", "feature_hi", "image", "focal", "mask_l1") and "total", each a scalar. */
    public record Terms(Map<String, Tensor> byName) {
        public Tensor total() { return byName.get("total"); }
        public Tensor get(String name) {
            Tensor t = byName.get(name);
            if (t == null) throw new IllegalArgumentException("Stage2Loss: no term '" + name + "'; terms are " + byName.keySet());
            return t;
        }
    }

    /**
     * @param featLo  F~_lo [B, D, h_lo, w_lo] (SR-lo output before quantization)
     * @param qLo     clean q_lo, same shape
     * @param featHi  F~_hi [B, D, h_hi, w_hi]
     * @param qHiReal clean q_hi_real, same shape
     * @param input   the clean model input [B, C, H, W]
     * @param recon   the object decoder's reconstruction I_spc [B, C, H, W]
     * @param logits  the U-Net's output [B, 2, H, W]
     * @param gt      the blocky ground truth [B, 1, H, W], 0/1
     */
    public static Terms compute(Tensor featLo, Tensor qLo, Tensor featHi, Tensor qHiReal, Tensor input, Tensor recon,
                                Tensor logits, Tensor gt) {
        if (logits.dim() != 4 || logits.size(1) != 2 || gt.dim() != 4 || gt.size(1) != 1)
            throw new IllegalArgumentException("Stage2Loss: logits [B, 2, H, W] and gt [B, 1, H, W] expected, got "
                    + Arrays.toString(logits.shape()) + " and " + Arrays.toString(gt.shape()));
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("feature_lo", Losses.mse(featLo, qLo.detach()));
        t.put("feature_hi", Losses.mse(featHi, qHiReal.detach()));
        t.put("image", Losses.mse(input.detach(), recon));
        Tensor probs = logits.softmax(1);
        Tensor g = gt.detach().to(probs.dtype());
        t.put("focal", FOCAL.apply(probs, g));
        t.put("mask_l1", probs.sub(Tensor.concat(1, g.neg().add(1), g)).abs().mean());
        Tensor total = t.get("feature_lo").add(t.get("feature_hi")).add(t.get("image").mul(IMAGE_WEIGHT))
                .add(t.get("focal")).add(t.get("mask_l1"));
        t.put("total", total);
        return new Terms(Collections.unmodifiableMap(t));
    }
}
