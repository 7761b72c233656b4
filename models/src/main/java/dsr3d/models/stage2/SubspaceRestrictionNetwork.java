package dsr3d.models.stage2;

import dsr3d.nn.Layer;
import dsr3d.tensor.Tensor;

import java.util.Random;

/** The official "SubspaceRestrictionNetwork": {@link FeatureEncoder} then {@link FeatureDecoder},
 *  [B, in, H, W] -> [B, out, H, W], H and W divisible by 4. */
public final class SubspaceRestrictionNetwork extends Layer {
    public final int inChannels, outChannels, baseWidth;
    private final FeatureEncoder encoder;
    private final FeatureDecoder decoder;

    public SubspaceRestrictionNetwork(int inChannels, int outChannels, int baseWidth, Random rng) {
        Blocks.positive("SubspaceRestrictionNetwork", inChannels, outChannels, baseWidth);
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.baseWidth = baseWidth;
        encoder = registerModule("encoder", new FeatureEncoder(inChannels, baseWidth, rng));
        decoder = registerModule("decoder", new FeatureDecoder(baseWidth, outChannels, rng));
    }

    @Override public Tensor forward(Tensor x) {
        Blocks.divisible("SubspaceRestrictionNetwork", x, inChannels, 4);
        return decoder.forward(encoder.forward(x)[2]);
    }
}
