package dsr3d.models.stage2;

import dsr3d.nn.Module;
import dsr3d.tensor.Tensor;

import java.util.Random;

/**
 * The anomaly detection module (official "AnomalyDetectionModule", spec §4.1): a U-Net with 2
 * output classes over the concatenation [object-specific reconstruction, general reconstruction].
 * Keys "unet.encoder.block1.0.weight", ..., "unet.decoder.fin_out.0.bias". Paper preset: in 8
 * (RGB+D) or 2 (depth only), base width 32: 1,405,090 / 1,403,362 parameters. Softmax channel 1
 * of the output is the anomaly probability.
 */
public final class AnomalyDetectionModule extends Module {
    public static final int OUT_CLASSES = 2;
    public final int inChannels, baseWidth;
    private final UnetModel unet;

    public AnomalyDetectionModule(int inChannels, int baseWidth, Random rng) {
        this.inChannels = inChannels;
        this.baseWidth = baseWidth;
        unet = registerModule("unet", new UnetModel(inChannels, OUT_CLASSES, baseWidth, rng));
    }

    public UnetModel unet() { return unet; }

    /** imageReal [B, c1, H, W], imageAnomaly [B, c2, H, W] (c1 + c2 = in) -> logits [B, 2, H, W]. */
    public Tensor forward(Tensor imageReal, Tensor imageAnomaly) {
        return unet.forward(Tensor.concat(1, imageReal, imageAnomaly));
    }
}
