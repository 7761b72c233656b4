package dsr3d.nn.layers;

import dsr3d.nn.Layer;
import dsr3d.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/** torch.nn.Sequential: layers applied in order, registered as children "0", "1", ... so their
 *  parameters are named "0.weight", "3.bias", ... as in PyTorch. */
public final class Sequential extends Layer {
    private final List<Layer> layers = new ArrayList<>();

    public Sequential(Layer... layers) {
        for (Layer l : layers) add(l);
    }

    public Sequential add(Layer layer) {
        registerModule(Integer.toString(layers.size()), layer);
        layers.add(layer);
        return this;
    }

    public Layer get(int i) { return layers.get(i); }

    public int size() { return layers.size(); }

    @Override public Tensor forward(Tensor x) {
        for (Layer l : layers) x = l.forward(x);
        return x;
    }
}
