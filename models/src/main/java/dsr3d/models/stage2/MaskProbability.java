package dsr3d.models.stage2;

import dsr3d.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What shows that the anomaly U-Net learns, better than the falling focal loss: the mean predicted
 * anomaly probability (softmax channel 1) inside the training ground truth ("prob_in") and outside
 * it ("prob_out"). With about 4 % positive pixels a near-constant predictor already has a small focal
 * loss; a model that segments has prob_in well above 0.5 and prob_out near 0. "prob_in" is NaN-free:
 * it is left out of the map when the batch has no positive pixel.
 */
public final class MaskProbability {
    private MaskProbability() {}

    /** logits [B, 2, H, W], gt [B, 1, H, W] (0/1): {"prob_in", "prob_out"} (each only when defined). */
    public static Map<String, Number> of(Tensor logits, Tensor gt) {
        double[] p = logits.detach().softmax(1).slice(1, 1, 2).contiguous().toDoubleArray();
        double[] g = gt.detach().contiguous().toDoubleArray();
        if (p.length != g.length) throw new IllegalArgumentException("MaskProbability: " + p.length + " probabilities, " + g.length + " mask values");
        double in = 0, out = 0;
        long nIn = 0, nOut = 0;
        for (int i = 0; i < p.length; i++) {
            if (g[i] > 0.5) { in += p[i]; nIn++; } else { out += p[i]; nOut++; }
        }
        Map<String, Number> m = new LinkedHashMap<>();
        if (nIn > 0) m.put("prob_in", in / nIn);
        if (nOut > 0) m.put("prob_out", out / nOut);
        return m;
    }
}
