package dsr3d.models.stage2;

import dsr3d.nn.Layer;
import dsr3d.nn.layers.Conv2d;
import dsr3d.nn.layers.ConvTranspose2d;
import dsr3d.nn.layers.Residual;
import dsr3d.nn.layers.ResidualStack;
import dsr3d.nn.layers.Sequential;
import dsr3d.tensor.Tensor;

import java.util.Random;

/**
 * The object-specific appearance decoder (official "ImageReconstructionNetwork", spec §4.1), for
 * input [B, C, h, w] (C = in_channels, h and w divisible by 4) and output [B, out, 4h, 4w]:
 * <pre>
 *   block1   conv C->C, IN, ReLU, conv C->2C, IN, ReLU             [B, 2C, h, w]
 *   mp1, block2   pool; conv 2C->2C, IN, ReLU, conv 2C->4C, IN, ReLU  [B, 4C, h/2, w/2]
 *   mp2, pre_vq_conv   pool; 1x1 conv 4C->k (k = 64 officially)     [B, k, h/4, w/4]
 *   upblock1, upblock2  ConvT 4x4 s2 k->k, ReLU (twice)              [B, k, h, w]
 *   _conv_1  conv 3x3 k->H (num_hiddens), no activation              [B, H, h, w]
 *   _residual_stack  L residual blocks (hidden R), final ReLU         [B, H, h, w]
 *   _conv_trans_1  ConvT H->H/2, ReLU                                 [B, H/2, 2h, 2w]
 *   _conv_trans_2  ConvT H/2->out, linear                              [B, out, 4h, 4w]
 * </pre>
 * The residual blocks compute relu(x) + f(x): the official first ReLU is in place and overwrites
 * the skip input ({@link Residual.Skip#RELU_INPUT}). Paper preset: (512, 256, 2, 128, out 4) =
 * 36,992,068 parameters (out 1: 36,985,921).
 */
public final class ImageReconstructionNetwork extends Layer {
    /** The official width of pre_vq_conv's output and of the two up-blocks. */
    public static final int OFFICIAL_BOTTLENECK = 64;

    public final int inChannels, numHiddens, numResidualLayers, numResidualHiddens, outChannels, bottleneck;
    private final Sequential block1, mp1, block2, mp2;
    private final Conv2d preVqConv, conv1;
    private final ConvTranspose2d upblock1, upblock2, convTrans1, convTrans2;
    private final ResidualStack residualStack;

    /** The official constructor (bottleneck 64). */
    public ImageReconstructionNetwork(int inChannels, int numHiddens, int numResidualLayers, int numResidualHiddens,
                                      int outChannels, Random rng) {
        this(inChannels, numHiddens, numResidualLayers, numResidualHiddens, outChannels, OFFICIAL_BOTTLENECK, rng);
    }

    public ImageReconstructionNetwork(int inChannels, int numHiddens, int numResidualLayers, int numResidualHiddens,
                                      int outChannels, int bottleneck, Random rng) {
        Blocks.positive("ImageReconstructionNetwork", inChannels, numHiddens, numResidualLayers, numResidualHiddens, outChannels, bottleneck);
        if (numHiddens % 2 != 0) throw new IllegalArgumentException("ImageReconstructionNetwork: numHiddens must be even, got " + numHiddens);
        this.inChannels = inChannels;
        this.numHiddens = numHiddens;
        this.numResidualLayers = numResidualLayers;
        this.numResidualHiddens = numResidualHiddens;
        this.outChannels = outChannels;
        this.bottleneck = bottleneck;
        int c = inChannels;
        block1 = registerModule("block1", Blocks.doubleConv(c, c, 2 * c, rng));
        mp1 = registerModule("mp1", Blocks.maxPool());
        block2 = registerModule("block2", Blocks.doubleConv(2 * c, 2 * c, 4 * c, rng));
        mp2 = registerModule("mp2", Blocks.maxPool());
        preVqConv = registerModule("pre_vq_conv", new Conv2d(4 * c, bottleneck, 1, rng));
        upblock1 = registerModule("upblock1", ConvTranspose2d.up2(bottleneck, bottleneck, 1, rng));
        upblock2 = registerModule("upblock2", ConvTranspose2d.up2(bottleneck, bottleneck, 1, rng));
        conv1 = registerModule("_conv_1", new Conv2d(bottleneck, numHiddens, 3, 1, 1, 1, true, rng));
        residualStack = registerModule("_residual_stack",
                new ResidualStack(numHiddens, numResidualLayers, numResidualHiddens, 1, Residual.Skip.RELU_INPUT, rng));
        convTrans1 = registerModule("_conv_trans_1", ConvTranspose2d.up2(numHiddens, numHiddens / 2, 1, rng));
        convTrans2 = registerModule("_conv_trans_2", ConvTranspose2d.up2(numHiddens / 2, outChannels, 1, rng));
    }

    @Override public Tensor forward(Tensor x) {
        Blocks.divisible("ImageReconstructionNetwork", x, inChannels, 4);
        x = mp1.forward(block1.forward(x));
        x = preVqConv.forward(mp2.forward(block2.forward(x)));
        x = upblock2.forward(upblock1.forward(x).relu()).relu();
        x = residualStack.forward(conv1.forward(x));
        return convTrans2.forward(convTrans1.forward(x).relu());
    }
}
