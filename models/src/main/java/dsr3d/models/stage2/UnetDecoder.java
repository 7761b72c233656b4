package dsr3d.models.stage2;

import dsr3d.nn.Module;
import dsr3d.nn.layers.Sequential;
import dsr3d.tensor.Tensor;

import java.util.Random;

/**
 * The anomaly U-Net's decoder (official "UnetDecoder"), width w, with skip connections:
 * up1 (x2, 4w -> 4w), cat b3, db1 (8w -> 4w -> 4w); up2 (x2, 4w -> 2w), cat b2, db2 (4w -> 2w -> 2w);
 * up3 (x2, 2w -> w), cat b1, db3 (2w -> w -> w); fin_out (w -> out, linear logits).
 */
public final class UnetDecoder extends Module {
    private final Sequential up1, db1, up2, db2, up3, db3, finOut;

    public UnetDecoder(int baseWidth, int outChannels, Random rng) {
        Blocks.positive("UnetDecoder", baseWidth, outChannels);
        int w = baseWidth;
        up1 = registerModule("up1", Blocks.upConv(4 * w, 4 * w, rng));
        db1 = registerModule("db1", Blocks.doubleConv(8 * w, 4 * w, 4 * w, rng));
        up2 = registerModule("up2", Blocks.upConv(4 * w, 2 * w, rng));
        db2 = registerModule("db2", Blocks.doubleConv(4 * w, 2 * w, 2 * w, rng));
        up3 = registerModule("up3", Blocks.upConv(2 * w, w, rng));
        db3 = registerModule("db3", Blocks.doubleConv(2 * w, w, w, rng));
        finOut = registerModule("fin_out", Blocks.finalConv(w, outChannels, rng));
    }

    /** The encoder's {b1, b2, b3, b4} -> logits [B, out, H, W]. */
    public Tensor forward(Tensor[] b) {
        Tensor d1 = db1.forward(Tensor.concat(1, up1.forward(b[3]), b[2]));
        Tensor d2 = db2.forward(Tensor.concat(1, up2.forward(d1), b[1]));
        Tensor d3 = db3.forward(Tensor.concat(1, up3.forward(d2), b[0]));
        return finOut.forward(d3);
    }
}
