package dsr3d.models.dada;

import dsr3d.nn.Layer;
import dsr3d.nn.layers.Conv2d;
import dsr3d.nn.layers.ConvTranspose2d;
import dsr3d.nn.layers.ReLU;
import dsr3d.nn.layers.Residual;
import dsr3d.nn.layers.ResidualStack;
import dsr3d.tensor.Tensor;

import java.util.Random;

/**
 * The official "DecoderBot", the general object appearance decoder (spec 2.5, 2.7), grouped
 * (discrete_model_groups.py) or plain (discrete_model.py). Input: cat(up_lo, q_hi) on dim 1.
 * Grouped, at 384 x 384 (h = e = 256):
 * <pre>
 *   [B, 512, 96, 96] = [up_lo (256) | q_hi (256)]
 *   -> re-order [up_lo depth 128 | q_hi depth 128 | up_lo rgb 128 | q_hi rgb 128]
 *   -> _conv_1 3x3 g2 (no activation) [B, 256, 96, 96] -> _residual_stack
 *   -> _conv_trans_1 4x4 s2 g2, ReLU [B, 128, 192, 192] -> _conv_trans_2 4x4 s2 g2 [B, 64, 384, 384]
 *   -> _conv_out_depth 1x1 on channels [0, 32) -> [B, 1, ...]; _conv_out_rgb 1x1 on [32, 64) -> [B, 3, ...]
 *   -> cat [B, 4, 384, 384] = [D, R, G, B], linear (no sigmoid, no clamp)
 * </pre>
 * Plain: no re-ordering and no heads; _conv_trans_2 maps h/2 -> out_channels directly.
 */
public final class DecoderBot extends Layer {
    private final int groups;
    private final Conv2d conv1, convOutDepth, convOutRgb;
    private final ResidualStack residualStack;
    private final ConvTranspose2d convTrans1, convTrans2;

    public DecoderBot(int inChannels, int numHiddens, int numResidualLayers, int numResidualHiddens, int outChannels, int groups, Random rng) {
        this(inChannels, numHiddens, numResidualLayers, numResidualHiddens, outChannels, groups, Residual.Skip.INPUT, rng);
    }

    /** skip: {@link Residual.Skip#RELU_INPUT} for DSR's discrete_model.py (in-place ReLU), INPUT otherwise. */
    public DecoderBot(int inChannels, int numHiddens, int numResidualLayers, int numResidualHiddens, int outChannels, int groups, Residual.Skip skip, Random rng) {
        this.groups = groups;
        conv1 = registerModule("_conv_1", new Conv2d(inChannels, numHiddens, 3, 1, 1, groups, true, rng));
        residualStack = registerModule("_residual_stack", new ResidualStack(numHiddens, numResidualLayers, numResidualHiddens, groups, skip, rng));
        convTrans1 = registerModule("_conv_trans_1", ConvTranspose2d.up2(numHiddens, numHiddens / 2, groups, rng));
        convTrans2 = registerModule("_conv_trans_2", ConvTranspose2d.up2(numHiddens / 2, groups == 2 ? numHiddens / 4 : outChannels, groups, rng));
        if (groups == 2) {
            convOutDepth = registerModule("_conv_out_depth", new Conv2d(numHiddens / 8, 1, 1, 1, 0, 1, true, rng));
            convOutRgb = registerModule("_conv_out_rgb", new Conv2d(numHiddens / 8, 3, 1, 1, 0, 1, true, rng));
        } else {
            convOutDepth = convOutRgb = null;
        }
        registerModule("relu", new ReLU());
    }

    /** in = cat(up_lo, q_hi) [B, 2e, H/4, W/4] -> reconstruction [B, out, H, W]. */
    @Override public Tensor forward(Tensor in) {
        Tensor x = in;
        if (groups == 2) {
            int c = in.size(1), half = c / 2, quarter = c / 4;
            x = Tensor.concat(1,
                    in.slice(1, 0, quarter), in.slice(1, half, half + quarter),          // up_lo depth, q_hi depth
                    in.slice(1, quarter, half), in.slice(1, half + quarter, c));         // up_lo rgb, q_hi rgb
        }
        x = residualStack.forward(conv1.forward(x));          // [B, h, H/4, W/4]
        x = convTrans1.forward(x).relu();                     // [B, h/2, H/2, W/2]
        x = convTrans2.forward(x);                            // [B, h/4 (grouped) or out, H, W]
        if (groups != 2) return x;
        int c = x.size(1);
        Tensor depth = convOutDepth.forward(x.slice(1, 0, c / 2));     // [B, 1, H, W]
        Tensor rgb = convOutRgb.forward(x.slice(1, c / 2, c));         // [B, 3, H, W]
        return Tensor.concat(1, depth, rgb);
    }
}
