package dsr3d.nn.layers;

import dsr3d.nn.Layer;
import dsr3d.tensor.Tensor;

/** torch.nn.InstanceNorm2d with its defaults: per sample and channel, (x - mean) / sqrt(var + eps)
 *  over H*W with the biased variance; no affine parameters, no running statistics, so train and
 *  eval behave the same. numFeatures is only checked against the input. */
public final class InstanceNorm2d extends Layer {
    public final int numFeatures;
    public final double eps;

    public InstanceNorm2d(int numFeatures) { this(numFeatures, 1e-5); }

    public InstanceNorm2d(int numFeatures, double eps) {
        if (numFeatures <= 0 || !(eps > 0)) throw new IllegalArgumentException("InstanceNorm2d(" + numFeatures + ", eps=" + eps + "): need numFeatures > 0 and eps > 0");
        this.numFeatures = numFeatures;
        this.eps = eps;
    }

    @Override public Tensor forward(Tensor x) {
        if (x.dim() != 4 || x.size(1) != numFeatures)
            throw new IllegalArgumentException("InstanceNorm2d(" + numFeatures + "): expected input [N, " + numFeatures + ", H, W], got " + java.util.Arrays.toString(x.shape()));
        return dsr3d.tensor.ops.InstanceNorm2d.apply(x, eps);
    }

    @Override protected String extraRepr() {
        return numFeatures + ", eps=" + (eps == 1e-5 ? "1e-05" : Double.toString(eps)) + ", momentum=0.1, affine=False, track_running_stats=False";
    }
}
