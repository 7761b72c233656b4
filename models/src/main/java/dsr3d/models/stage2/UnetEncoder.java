package dsr3d.models.stage2;

import dsr3d.nn.Module;
import dsr3d.nn.layers.Sequential;
import dsr3d.tensor.Tensor;

import java.util.Random;

/** The anomaly U-Net's encoder (official "UnetEncoder"), width w: block1 (in -> w -> w) at H,
 *  block2 (w -> 2w) at H/2, block3 (2w -> 4w) at H/4, block4 (4w -> 4w) at H/8, max-pooling 2 between. */
public final class UnetEncoder extends Module {
    private final Sequential block1, mp1, block2, mp2, block3, mp3, block4;

    public UnetEncoder(int inChannels, int baseWidth, Random rng) {
        Blocks.positive("UnetEncoder", inChannels, baseWidth);
        int w = baseWidth;
        block1 = registerModule("block1", Blocks.doubleConv(inChannels, w, w, rng));
        mp1 = registerModule("mp1", Blocks.maxPool());
        block2 = registerModule("block2", Blocks.doubleConv(w, 2 * w, 2 * w, rng));
        mp2 = registerModule("mp2", Blocks.maxPool());
        block3 = registerModule("block3", Blocks.doubleConv(2 * w, 4 * w, 4 * w, rng));
        mp3 = registerModule("mp3", Blocks.maxPool());
        block4 = registerModule("block4", Blocks.doubleConv(4 * w, 4 * w, 4 * w, rng));
    }

    /** x [B, in, H, W] -> {b1 [B, w, H, W], b2 [B, 2w, H/2, W/2], b3 [B, 4w, H/4, W/4], b4 [B, 4w, H/8, W/8]}. */
    public Tensor[] forward(Tensor x) {
        Tensor b1 = block1.forward(x);
        Tensor b2 = block2.forward(mp1.forward(b1));
        Tensor b3 = block3.forward(mp2.forward(b2));
        Tensor b4 = block4.forward(mp3.forward(b3));
        return new Tensor[]{b1, b2, b3, b4};
    }
}
