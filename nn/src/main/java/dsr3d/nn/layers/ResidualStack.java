package dsr3d.nn.layers;

import dsr3d.nn.Layer;
import dsr3d.tensor.Tensor;

import java.util.Random;

/** The official "ResidualStack": L {@link Residual} blocks (children "_layers.0", "_layers.1", ...)
 *  followed by a ReLU. All blocks share the skip form and the number of groups. */
public final class ResidualStack extends Layer {
    private final ModuleList<Residual> layers;

    public ResidualStack(int channels, int numLayers, int residualHiddens, int groups, Residual.Skip skip, Random rng) {
        if (numLayers <= 0) throw new IllegalArgumentException("ResidualStack: numLayers must be positive, got " + numLayers);
        layers = registerModule("_layers", new ModuleList<>());
        for (int i = 0; i < numLayers; i++) layers.add(new Residual(channels, residualHiddens, groups, skip, rng));
    }

    public Residual layer(int i) { return layers.get(i); }

    @Override public Tensor forward(Tensor x) {
        for (Residual r : layers.items()) x = r.forward(x);
        return x.relu();
    }
}
