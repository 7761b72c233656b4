package dsr3d.models.dsr;

import dsr3d.models.stage2.UnetModel;
import dsr3d.nn.Module;
import dsr3d.tensor.Tensor;

import java.util.Random;

/**
 * DSR's "UpsamplingModule" (dsr_model.py, spec §8): a U-Net (base width 64 officially) over
 * cat(I_obj [B, 3, H, W], I_gen [B, 3, H, W], softmax(anomaly-module logits) [B, 2, H, W]) = 8
 * channels, giving refined 2-class logits [B, 2, H, W]. Keys "unet.encoder.block1.0.weight", ...,
 * "unet.decoder.fin_out.0.bias". Official: 5,611,842 parameters; PyTorch's default initialisation
 * (train_dsr.py applies no weights_init to it).
 */
public final class UpsamplingModule extends Module {
    public static final int IN_CHANNELS = 8, OUT_CLASSES = 2, OFFICIAL_BASE_WIDTH = 64;
    public final int baseWidth;
    private final UnetModel unet;

    public UpsamplingModule(int baseWidth, Random rng) {
        this.baseWidth = baseWidth;
        unet = registerModule("unet", new UnetModel(IN_CHANNELS, OUT_CLASSES, baseWidth, rng));
    }

    public UnetModel unet() { return unet; }

    /** imageReal [B, 3, H, W], imageAnomaly [B, 3, H, W], segmentationMap [B, 2, H, W] -> logits [B, 2, H, W]. */
    public Tensor forward(Tensor imageReal, Tensor imageAnomaly, Tensor segmentationMap) {
        return unet.forward(Tensor.concat(1, imageReal, imageAnomaly, segmentationMap));
    }
}
