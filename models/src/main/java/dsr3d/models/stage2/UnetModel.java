package dsr3d.models.stage2;

import dsr3d.nn.Layer;
import dsr3d.tensor.Tensor;

import java.util.Random;

/** The official "UnetModel": {@link UnetEncoder} + {@link UnetDecoder}, [B, in, H, W] -> [B, out, H, W],
 *  H and W divisible by 8. */
public final class UnetModel extends Layer {
    public final int inChannels, outChannels, baseWidth;
    private final UnetEncoder encoder;
    private final UnetDecoder decoder;

    public UnetModel(int inChannels, int outChannels, int baseWidth, Random rng) {
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.baseWidth = baseWidth;
        encoder = registerModule("encoder", new UnetEncoder(inChannels, baseWidth, rng));
        decoder = registerModule("decoder", new UnetDecoder(baseWidth, outChannels, rng));
    }

    @Override public Tensor forward(Tensor x) {
        Blocks.divisible("UnetModel", x, inChannels, 8);
        return decoder.forward(encoder.forward(x));
    }
}
