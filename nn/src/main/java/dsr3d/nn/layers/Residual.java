package dsr3d.nn.layers;

import dsr3d.nn.Layer;
import dsr3d.tensor.Tensor;

import java.util.Random;

/**
 * The VQ-VAE residual block of the official code ("Residual"): f = ReLU -> 3x3 conv (C -> Cres,
 * padding 1, no bias) -> ReLU -> 1x1 conv (Cres -> C, no bias), held in a Sequential named
 * "_block" so the weights are "_block.1.weight" and "_block.3.weight".
 *
 * <p>Two forms, because the official files differ (spec section 1):
 * {@link Skip#INPUT} computes x + f(x) (the DADA files, whose ReLUs are not in place);
 * {@link Skip#RELU_INPUT} computes relu(x) + f(x), which is what the 3DSR object decoder and the DSR
 * discrete model really compute: their first ReLU is in place and overwrites the skip input.
 */
public final class Residual extends Layer {
    /** What the skip connection adds. */
    public enum Skip {
        /** x + f(x). */ INPUT,
        /** relu(x) + f(x): the in-place-ReLU behaviour. */ RELU_INPUT
    }

    public final Skip skip;
    private final Sequential block;

    public Residual(int channels, int residualHiddens, int groups, Skip skip, Random rng) {
        this.skip = skip;
        this.block = registerModule("_block", new Sequential(
                new ReLU(),
                new Conv2d(channels, residualHiddens, 3, 1, 1, groups, false, rng),
                new ReLU(),
                new Conv2d(residualHiddens, channels, 1, 1, 0, groups, false, rng)));
    }

    @Override public Tensor forward(Tensor x) {
        // f begins with a ReLU, so with the in-place form f(x) = f(relu(x)) and we reuse relu(x).
        if (skip == Skip.INPUT) return x.add(block.forward(x));
        Tensor r = x.relu();
        Tensor h = r;
        for (int i = 1; i < block.size(); i++) h = block.get(i).forward(h);
        return r.add(h);
    }
}
