package dsr3d.tests.nn;

import dsr3d.nn.Layer;
import dsr3d.nn.Tensors;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.autograd.NoGrad;
import dsr3d.tests.support.GradCheck;
import dsr3d.tests.support.TensorAsserts;

import java.util.Map;

/**
 * Finite-difference check of a whole F64 layer: the input gradient through {@link GradCheck}, and
 * the gradient of every parameter by perturbing its elements in place (parameters are not inputs
 * of a function, so GradCheck cannot reach them). Loss = sum(out * W) with GradCheck's weights.
 */
public final class ModuleGradCheck {
    private ModuleGradCheck() {}

    public static void check(String what, Layer layer, Tensor x, double eps, double tol, long seed) {
        if (x.dtype() != DType.F64) throw new IllegalArgumentException("gradient checks run in F64, input is " + x.dtype());
        GradCheck.check(what + " (input)", new Tensor[]{x.requiresGrad(true)}, a -> layer.forward(a[0]), eps, tol, seed);
        layer.zeroGrad();
        Tensor out = layer.forward(x.detach());
        double[] w = GradCheck.lossWeights(out.numel(), seed);
        out.mul(Tensor.of(w, out.shape())).sum().backward();
        for (Map.Entry<String, Tensor> e : layer.namedParameters().entrySet()) {
            Tensor p = e.getValue();
            if (p.grad() == null) throw new AssertionError(what + ": parameter " + e.getKey() + " got no gradient");
            double[] ana = p.grad().toDoubleArray();
            double[] base = p.toDoubleArray(), num = new double[base.length];
            try (NoGrad ignored = NoGrad.enter()) {
                for (int k = 0; k < base.length; k++) {
                    double orig = base[k];
                    base[k] = orig + eps;
                    Tensors.copyInto(Tensor.of(base, p.shape()), p);
                    double plus = TensorAsserts.dot(layer.forward(x.detach()).toDoubleArray(), w);
                    base[k] = orig - eps;
                    Tensors.copyInto(Tensor.of(base, p.shape()), p);
                    double minus = TensorAsserts.dot(layer.forward(x.detach()).toDoubleArray(), w);
                    base[k] = orig;
                    Tensors.copyInto(Tensor.of(base, p.shape()), p);
                    num[k] = (plus - minus) / (2 * eps);
                }
            }
            TensorAsserts.assertNonTrivial(what + ": numeric gradient of " + e.getKey(), num);
            for (int k = 0; k < num.length; k++) {
                double diff = Math.abs(num[k] - ana[k]);
                if (!(diff <= tol * (1 + Math.max(Math.abs(num[k]), Math.abs(ana[k])))))
                    throw new AssertionError(what + ": parameter " + e.getKey() + " element " + k + ": numeric " + num[k] + " vs analytic " + ana[k]);
            }
        }
    }
}
