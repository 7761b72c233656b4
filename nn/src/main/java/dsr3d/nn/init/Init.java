package dsr3d.nn.init;

import dsr3d.nn.Module;
import dsr3d.nn.Tensors;
import dsr3d.tensor.Tensor;

import java.util.Random;

/**
 * Parameter initialisers, all writing in place into an existing parameter and drawing from an
 * explicit seeded generator (the same seed gives the same network; the draws are Java's, so the
 * values differ from PyTorch's, only the distributions match).
 *
 * <p>PyTorch's default for Conv2d and ConvTranspose2d: weight ~ kaiming_uniform(a = sqrt 5), i.e.
 * U(-b, b) with b = gain * sqrt(3 / fan_in), gain = sqrt(2 / (1 + a^2)) = sqrt(1/3), so b =
 * 1/sqrt(fan_in); bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)). fan_in = weight.size(1) * k * k for
 * both (for a transposed conv weight [cin, cout/g, k, k] that is cout/g * k * k, as PyTorch does).
 * The 3DSR training scripts then overwrite every conv weight with N(0, 0.02^2) ({@link #dsrConvInit}).
 */
public final class Init {
    private Init() {}

    /** fan_in of a conv or transposed-conv weight as torch computes it: size(1) * receptive field. */
    public static int fanIn(Tensor weight) {
        if (weight.dim() < 2) throw new IllegalArgumentException("fanIn needs a weight of rank >= 2, got rank " + weight.dim());
        int receptive = 1;
        for (int d = 2; d < weight.dim(); d++) receptive *= weight.size(d);
        return weight.size(1) * receptive;
    }

    /** U(lo, hi) in place. */
    public static void uniform(Tensor t, double lo, double hi, Random rng) {
        Tensors.copyInto(Tensor.uniform(rng, lo, hi, t.dtype(), t.shape()), t);
    }

    /** N(mean, std^2) in place. */
    public static void normal(Tensor t, double mean, double std, Random rng) {
        double[] d = new double[t.numel()];   // the draws of Tensor.randn(rng, F64, shape), on the host
        for (int i = 0; i < d.length; i++) d[i] = mean + std * rng.nextGaussian();
        Tensors.copyInto(Tensor.of(d, t.dtype(), t.shape()), t);
    }

    /** kaiming_uniform_(t, a) with fan_in mode and leaky-ReLU gain. */
    public static void kaimingUniform(Tensor t, double a, Random rng) {
        double gain = Math.sqrt(2.0 / (1 + a * a));
        double bound = gain * Math.sqrt(3.0 / fanIn(t));
        uniform(t, -bound, bound, rng);
    }

    /** PyTorch's reset_parameters() of a conv layer: weight kaiming_uniform(sqrt 5), bias U(+-1/sqrt(fan_in)). */
    public static void convDefault(Tensor weight, Tensor biasOrNull, Random rng) {
        kaimingUniform(weight, Math.sqrt(5), rng);
        if (biasOrNull != null) {
            double b = 1 / Math.sqrt(fanIn(weight));
            uniform(biasOrNull, -b, b, rng);
        }
    }

    /** The 3DSR scripts' weights_init applied over a module tree: every module whose class name
     *  contains "Conv" (Conv2d and ConvTranspose2d) gets weight ~ N(0, 0.02^2); biases keep their
     *  default. Visits modules in PyTorch's apply() order (children first). */
    public static void dsrConvInit(Module root, Random rng) {
        root.apply(m -> {
            if (m.getClass().getSimpleName().contains("Conv")) normal(m.param("weight"), 0, 0.02, rng);
        });
    }
}
