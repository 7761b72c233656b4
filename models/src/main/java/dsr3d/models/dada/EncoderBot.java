package dsr3d.models.dada;

import dsr3d.nn.Layer;
import dsr3d.nn.layers.Conv2d;
import dsr3d.nn.layers.ReLU;
import dsr3d.nn.layers.Residual;
import dsr3d.nn.layers.ResidualStack;
import dsr3d.tensor.Tensor;

import java.util.Random;

/**
 * The official "EncoderBot" (encoder hi: input -> 1/4 resolution), in both forms (spec 2.1, 2.7):
 * <ul>
 *   <li>grouped (discrete_model_groups.py, groups = 2): a 1x1 depth stem on channel 0 and a 1x1 RGB
 *       stem on channels 1.., each to h/4 channels, concatenated [depth | rgb] and ReLU'd; then
 *       grouped convs, so channels [0, h/2) stay depth features and [h/2, h) RGB features;</li>
 *   <li>plain (discrete_model.py): no stems, the first conv takes the input directly.</li>
 * </ul>
 * Shapes for the paper RGB+D DADA at 384 x 384 (h = 256):
 * <pre>
 *   x [B, 4, 384, 384] -> stems [B, 64, 384, 384] + [B, 64, 384, 384] -> cat, ReLU [B, 128, 384, 384]
 *   _conv_1 4x4 s2, ReLU [B, 128, 192, 192] -> _conv_2 4x4 s2, ReLU [B, 256, 96, 96]
 *   _conv_3 3x3 (no ReLU) [B, 256, 96, 96] -> _residual_stack [B, 256, 96, 96] = enc_b
 * </pre>
 */
public final class EncoderBot extends Layer {
    private final Conv2d inputConvDepth, inputConvRgb, conv1, conv2, conv3;
    private final ResidualStack residualStack;

    public EncoderBot(int inChannels, int numHiddens, int numResidualLayers, int numResidualHiddens, int groups, Random rng) {
        this(inChannels, numHiddens, numResidualLayers, numResidualHiddens, groups, Residual.Skip.INPUT, rng);
    }

    /** skip: {@link Residual.Skip#RELU_INPUT} for DSR's discrete_model.py (in-place ReLU), INPUT otherwise. */
    public EncoderBot(int inChannels, int numHiddens, int numResidualLayers, int numResidualHiddens, int groups, Residual.Skip skip, Random rng) {
        if (groups == 2) {
            inputConvDepth = registerModule("input_conv_depth", new Conv2d(1, numHiddens / 4, 1, 1, 0, 1, true, rng));
            inputConvRgb = registerModule("input_conv_rgb", new Conv2d(inChannels - 1, numHiddens / 4, 1, 1, 0, 1, true, rng));
        } else {
            inputConvDepth = inputConvRgb = null;
        }
        int firstIn = groups == 2 ? numHiddens / 2 : inChannels;
        conv1 = registerModule("_conv_1", new Conv2d(firstIn, numHiddens / 2, 4, 2, 1, groups, true, rng));
        conv2 = registerModule("_conv_2", new Conv2d(numHiddens / 2, numHiddens, 4, 2, 1, groups, true, rng));
        conv3 = registerModule("_conv_3", new Conv2d(numHiddens, numHiddens, 3, 1, 1, groups, true, rng));
        residualStack = registerModule("_residual_stack", new ResidualStack(numHiddens, numResidualLayers, numResidualHiddens, groups, skip, rng));
        registerModule("relu", new ReLU());
    }

    @Override public Tensor forward(Tensor x) {
        if (inputConvDepth != null) {
            Tensor depth = inputConvDepth.forward(x.slice(1, 0, 1));              // [B, h/4, H, W]
            Tensor rgb = inputConvRgb.forward(x.slice(1, 1, x.size(1)));          // [B, h/4, H, W]
            x = Tensor.concat(1, depth, rgb).relu();                               // [B, h/2, H, W]
        }
        x = conv1.forward(x).relu();                                               // [B, h/2, H/2, W/2]
        x = conv2.forward(x).relu();                                               // [B, h, H/4, W/4]
        return residualStack.forward(conv3.forward(x));                            // [B, h, H/4, W/4]
    }
}
