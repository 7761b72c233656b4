package dsr3d.models.dada;

import dsr3d.nn.Layer;
import dsr3d.nn.layers.Conv2d;
import dsr3d.nn.layers.ReLU;
import dsr3d.nn.layers.Residual;
import dsr3d.nn.layers.ResidualStack;
import dsr3d.tensor.Tensor;

import java.util.Random;

/**
 * The official "EncoderTop" (encoder lo: 1/4 -> 1/8 resolution; spec 2.2), grouped (groups = 2,
 * discrete_model_groups.py) or plain (discrete_model.py). At 384 x 384, h = 256:
 * <pre>
 *   enc_b [B, 256, 96, 96] -> _conv_1 4x4 s2, ReLU [B, 256, 48, 48] -> _conv_2 3x3, ReLU
 *   -> _residual_stack [B, 256, 48, 48] = enc_t
 * </pre>
 */
public final class EncoderTop extends Layer {
    private final Conv2d conv1, conv2;
    private final ResidualStack residualStack;

    public EncoderTop(int numHiddens, int numResidualLayers, int numResidualHiddens, int groups, Random rng) {
        this(numHiddens, numResidualLayers, numResidualHiddens, groups, Residual.Skip.INPUT, rng);
    }

    /** skip: {@link Residual.Skip#RELU_INPUT} for DSR's discrete_model.py (in-place ReLU), INPUT otherwise. */
    public EncoderTop(int numHiddens, int numResidualLayers, int numResidualHiddens, int groups, Residual.Skip skip, Random rng) {
        conv1 = registerModule("_conv_1", new Conv2d(numHiddens, numHiddens, 4, 2, 1, groups, true, rng));
        conv2 = registerModule("_conv_2", new Conv2d(numHiddens, numHiddens, 3, 1, 1, groups, true, rng));
        residualStack = registerModule("_residual_stack", new ResidualStack(numHiddens, numResidualLayers, numResidualHiddens, groups, skip, rng));
        registerModule("relu", new ReLU());
    }

    @Override public Tensor forward(Tensor encB) {
        Tensor x = conv1.forward(encB).relu();        // [B, h, H/8, W/8]
        x = conv2.forward(x).relu();                  // [B, h, H/8, W/8]
        return residualStack.forward(x);
    }
}
