package dsr3d.models.stage2;

import dsr3d.nn.Module;
import dsr3d.nn.layers.Sequential;
import dsr3d.tensor.Tensor;

import java.util.Random;

/**
 * The encoder of the subspace-restriction net (official "FeatureEncoder"), width w = base_width:
 * block1 (in -> w -> w) at H, mp1, block2 (w -> 2w -> 2w) at H/2, mp2, block3 (2w -> 4w -> 4w) at
 * H/4. Returns the three block outputs; the decoder only uses the last (no skip connections).
 */
public final class FeatureEncoder extends Module {
    private final Sequential block1, mp1, block2, mp2, block3;

    public FeatureEncoder(int inChannels, int baseWidth, Random rng) {
        Blocks.positive("FeatureEncoder", inChannels, baseWidth);
        block1 = registerModule("block1", Blocks.doubleConv(inChannels, baseWidth, baseWidth, rng));
        mp1 = registerModule("mp1", Blocks.maxPool());
        block2 = registerModule("block2", Blocks.doubleConv(baseWidth, baseWidth * 2, baseWidth * 2, rng));
        mp2 = registerModule("mp2", Blocks.maxPool());
        block3 = registerModule("block3", Blocks.doubleConv(baseWidth * 2, baseWidth * 4, baseWidth * 4, rng));
    }

    /** x [B, in, H, W] -> {b1 [B, w, H, W], b2 [B, 2w, H/2, W/2], b3 [B, 4w, H/4, W/4]}. */
    public Tensor[] forward(Tensor x) {
        Tensor b1 = block1.forward(x);
        Tensor b2 = block2.forward(mp1.forward(b1));
        Tensor b3 = block3.forward(mp2.forward(b2));
        return new Tensor[]{b1, b2, b3};
    }
}
