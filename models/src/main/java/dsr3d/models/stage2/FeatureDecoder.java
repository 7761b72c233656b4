package dsr3d.models.stage2;

import dsr3d.nn.Module;
import dsr3d.nn.layers.Sequential;
import dsr3d.tensor.Tensor;

import java.util.Random;

/**
 * The decoder of the subspace-restriction net (official "FeatureDecoder"), width w: up2 (bilinear
 * x2, 4w -> 2w), db2 (2w -> 2w -> 2w), up3 (x2, 2w -> w), db3 (w -> w -> w), fin_out (w -> out,
 * linear). It reads only the deepest encoder output: the official forward takes b1, b2, b3 and
 * ignores b1 and b2.
 */
public final class FeatureDecoder extends Module {
    private final Sequential up2, db2, up3, db3, finOut;

    public FeatureDecoder(int baseWidth, int outChannels, Random rng) {
        Blocks.positive("FeatureDecoder", baseWidth, outChannels);
        up2 = registerModule("up2", Blocks.upConv(baseWidth * 4, baseWidth * 2, rng));
        db2 = registerModule("db2", Blocks.doubleConv(baseWidth * 2, baseWidth * 2, baseWidth * 2, rng));
        up3 = registerModule("up3", Blocks.upConv(baseWidth * 2, baseWidth, rng));
        db3 = registerModule("db3", Blocks.doubleConv(baseWidth, baseWidth, baseWidth, rng));
        finOut = registerModule("fin_out", Blocks.finalConv(baseWidth, outChannels, rng));
    }

    /** b3 [B, 4w, h, w'] -> [B, out, 4h, 4w']. */
    public Tensor forward(Tensor b3) {
        Tensor db2Out = db2.forward(up2.forward(b3));
        Tensor db3Out = db3.forward(up3.forward(db2Out));
        return finOut.forward(db3Out);
    }
}
