package dsr3d.tests.support;

import dsr3d.tensor.DType;
import dsr3d.tensor.Shape;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.autograd.NoGrad;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Gradient check by central finite differences in double precision (rule 3).
 *
 * <p>The scalar loss is L = sum(f(inputs) * W) with W fixed random weights of the output's shape,
 * so every output element (and every path of the backward rule) contributes. Autograd gives the
 * analytic dL/d(input); the numeric one is (L(x + eps e_k) - L(x - eps e_k)) / 2 eps for every
 * element k of every input. They must agree within |num - ana| <= tol * (1 + max(|num|, |ana|)).
 */
public final class GradCheck {
    private GradCheck() {}

    /** Runs the check of one op case on F64 inputs; throws an AssertionError naming the op, the
     *  input, the element and both values on the first mismatches. */
    public static void check(OpCase c, long seed) {
        check(c.name(), c.makeInputs(DType.F64, seed), c.fn(), c.eps(), c.tol(), seed);
    }

    public static void check(String op, Tensor[] inputs, Function<Tensor[], Tensor> f, double eps, double tol, long seed) {
        for (Tensor t : inputs)
            if (t.dtype() != DType.F64) throw new IllegalArgumentException("gradcheck inputs must be F64, got " + t.dtype());
        // ---- analytic
        Tensor out = f.apply(inputs);
        if (out.dtype() != DType.F64) throw new AssertionError(op + ": output dtype " + out.dtype() + " for F64 inputs");
        TensorAsserts.assertNonTrivial(op + ": output", out);
        double[] w = lossWeights(out.numel(), seed);
        Tensor loss = out.mul(Tensor.of(w, out.shape())).sum();
        loss.backward();
        // ---- numeric, one input element at a time
        List<String> failures = new ArrayList<>();
        int failed = 0;
        for (int i = 0; i < inputs.length; i++) {
            Tensor g = inputs[i].grad();
            if (g == null) throw new AssertionError(op + ": input " + i + " " + Shape.str(inputs[i].shape()) + " received no gradient");
            if (!Arrays.equals(g.shape(), inputs[i].shape()))
                throw new AssertionError(op + ": gradient of input " + i + " has shape " + Shape.str(g.shape()) + ", input " + Shape.str(inputs[i].shape()));
            double[] ana = g.toDoubleArray();
            double[] num = numericGradient(inputs, i, f, w, eps);
            boolean anyNonZero = false;
            for (int k = 0; k < ana.length; k++) {
                if (Math.abs(num[k]) > 1e-6) anyNonZero = true;   // well above finite-difference noise (~1e-9)
                double diff = Math.abs(num[k] - ana[k]);
                if (!(diff <= tol * (1 + Math.max(Math.abs(num[k]), Math.abs(ana[k]))))) {
                    failed++;
                    if (failures.size() < 5)
                        failures.add(String.format("input %d %s element %d %s: numeric %.10g vs analytic %.10g (|diff| %.2e)",
                                i, Shape.str(inputs[i].shape()), k, Arrays.toString(TensorAsserts.unravel(k, inputs[i].shape())),
                                num[k], ana[k], diff));
                }
            }
            if (!anyNonZero)
                failures.add("input " + i + ": numeric gradient is all zero, so the check proves nothing (does the output depend on it?)");
        }
        if (!failures.isEmpty())
            throw new AssertionError("gradcheck of '" + op + "' failed (" + failed + " mismatching elements, tol " + tol
                    + ", eps " + eps + "):\n  " + String.join("\n  ", failures));
    }

    /** Fixed weights in [0.5, 1.5) with random sign: no output is ignored, none cancels by accident. */
    public static double[] lossWeights(int n, long seed) {
        Random rng = new Random(seed * 31 + 7);
        double[] w = new double[n];
        for (int i = 0; i < n; i++) w[i] = (rng.nextBoolean() ? 1 : -1) * (0.5 + rng.nextDouble());
        return w;
    }

    private static double[] numericGradient(Tensor[] inputs, int which, Function<Tensor[], Tensor> f, double[] w, double eps) {
        double[] base = inputs[which].toDoubleArray();
        double[] grad = new double[base.length];
        Tensor[] args = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) args[i] = inputs[i].detach();
        try (NoGrad ignored = NoGrad.enter()) {
            for (int k = 0; k < base.length; k++) {
                double orig = base[k];
                base[k] = orig + eps;
                args[which] = Tensor.of(base, inputs[which].shape());
                double plus = weightedSum(f.apply(args), w);
                base[k] = orig - eps;
                args[which] = Tensor.of(base, inputs[which].shape());
                double minus = weightedSum(f.apply(args), w);
                base[k] = orig;
                grad[k] = (plus - minus) / (2 * eps);
            }
        }
        return grad;
    }

    private static double weightedSum(Tensor out, double[] w) { return TensorAsserts.dot(out.toDoubleArray(), w); }
}
