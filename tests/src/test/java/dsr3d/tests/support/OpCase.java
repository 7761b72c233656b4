package dsr3d.tests.support;

import dsr3d.tensor.DType;
import dsr3d.tensor.Shape;
import dsr3d.tensor.Tensor;

import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * One named differentiable computation for the gradient tests (PyTorch OpInfo style): the shapes
 * and value domains of its floating-point inputs, a function building the output from them, the
 * finite-difference step and the tolerance. Non-differentiable arguments (index tensors, masks,
 * constants) are built inside {@link #fn} from fixed data, with {@link #constant} so that their
 * dtype follows the inputs.
 */
public record OpCase(String name, List<Input> inputs, Function<Tensor[], Tensor> fn, double eps, double tol) {

    /** Where random input values are drawn from, chosen to keep finite differences away from
     *  kinks (relu/abs/clamp at 0 or +-0.5, max ties) and singularities (log/sqrt/div at 0). */
    public enum Domain {
        /** standard normal */
        NORMAL,
        /** uniform in [0.5, 2) */
        POSITIVE,
        /** |v| uniform in [0.3, 1.5), random sign */
        NONZERO,
        /** normal, but at least 0.02 away from every multiple of 0.1 (0, +-0.5, +-1 ...) */
        OFF_GRID,
        /** all values of the tensor pairwise at least 0.05 apart (no ties for max/min/pooling) */
        DISTINCT
    }

    public record Input(int[] shape, Domain domain) {
        @Override public String toString() { return Shape.str(shape) + (domain == Domain.NORMAL ? "" : " " + domain); }
    }

    /** Fresh leaf tensors of the given dtype with requiresGrad, values drawn deterministically from seed. */
    public Tensor[] makeInputs(DType dtype, long seed) {
        Random rng = new Random(seed ^ name.hashCode());
        Tensor[] t = new Tensor[inputs.size()];
        for (int i = 0; i < t.length; i++) {
            Input in = inputs.get(i);
            double[] v = sample(in.domain, Shape.numel(in.shape), rng);
            t[i] = leaf(v, in.shape, dtype);
        }
        return t;
    }

    public static Tensor leaf(double[] values, int[] shape, DType dtype) {
        Tensor t = dtype == DType.F64 ? Tensor.of(values, shape) : Tensor.of(values, shape).to(dtype);
        return t.requiresGrad(true);
    }

    /** A constant (not requiring grad) with the dtype of ref. */
    public static Tensor constant(Tensor ref, double[] values, int... shape) {
        return Tensor.of(values, shape).to(ref.dtype());
    }

    static double[] sample(Domain d, int n, Random rng) {
        double[] v = new double[n];
        switch (d) {
            case NORMAL -> { for (int i = 0; i < n; i++) v[i] = rng.nextGaussian(); }
            case POSITIVE -> { for (int i = 0; i < n; i++) v[i] = 0.5 + 1.5 * rng.nextDouble(); }
            case NONZERO -> { for (int i = 0; i < n; i++) v[i] = (rng.nextBoolean() ? 1 : -1) * (0.3 + 1.2 * rng.nextDouble()); }
            case OFF_GRID -> {
                for (int i = 0; i < n; i++) {
                    double x;
                    do { x = rng.nextGaussian(); } while (Math.abs(x * 10 - Math.rint(x * 10)) < 0.2);
                    v[i] = x;
                }
            }
            case DISTINCT -> {
                // a shuffled ladder (k - n/2) * 0.1 plus jitter below 0.025: neighbours stay >= 0.05 apart
                for (int i = 0; i < n; i++) v[i] = (i - n / 2.0) * 0.1 + (rng.nextDouble() - 0.5) * 0.05;
                for (int i = n - 1; i > 0; i--) {
                    int j = rng.nextInt(i + 1);
                    double tmp = v[i]; v[i] = v[j]; v[j] = tmp;
                }
            }
        }
        return v;
    }

    @Override public String toString() { return name + " " + inputs; }
}
