package dsr3d.tests.support;

import dsr3d.tensor.Shape;
import dsr3d.tensor.Tensor;

import java.util.Arrays;

/**
 * Assertions on tensors and flat arrays with reports a human can act on: which element, its
 * multi-index, expected vs actual, how many elements failed and the worst one. Tolerance is
 * numpy's allclose rule, |actual - expected| <= atol + rtol * |expected|.
 */
public final class TensorAsserts {
    private TensorAsserts() {}

    public static void assertAllClose(String what, Tensor expected, Tensor actual, double rtol, double atol) {
        if (!Arrays.equals(expected.shape(), actual.shape()))
            throw new AssertionError(what + ": shape " + Shape.str(actual.shape()) + " but expected " + Shape.str(expected.shape()));
        assertAllClose(what, expected.shape(), expected.toDoubleArray(), actual.toDoubleArray(), rtol, atol);
    }

    public static void assertAllClose(String what, double[] expected, double[] actual, double rtol, double atol) {
        assertAllClose(what, new int[]{expected.length}, expected, actual, rtol, atol);
    }

    /** shape is used only to print multi-indices of mismatches. */
    public static void assertAllClose(String what, int[] shape, double[] expected, double[] actual, double rtol, double atol) {
        if (expected.length != actual.length)
            throw new AssertionError(what + ": " + actual.length + " values but expected " + expected.length);
        int bad = 0, worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i], diff = Math.abs(a - e);
            boolean ok = diff <= atol + rtol * Math.abs(e) || (Double.isNaN(e) && Double.isNaN(a)) || e == a;
            if (ok) continue;
            bad++;
            double excess = Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff / (atol + rtol * Math.abs(e));
            if (worst < 0 || excess > worstExcess) { worst = i; worstExcess = excess; }
        }
        if (bad == 0) return;
        throw new AssertionError(String.format(
                "%s: %d of %d elements differ (rtol %.1e, atol %.1e); worst at flat %d index %s: expected %.10g, actual %.10g (|diff| %.3e)",
                what, bad, expected.length, rtol, atol, worst, Arrays.toString(unravel(worst, shape)),
                expected[worst], actual[worst], Math.abs(actual[worst] - expected[worst])));
    }

    /** Exact equality of shape and values (for pure data movement). */
    public static void assertSameValues(String what, Tensor expected, Tensor actual) {
        assertAllClose(what, expected, actual, 0, 0);
    }

    /** Rule 5: a reference output that is all zero, constant, or not finite tests nothing. */
    public static void assertNonTrivial(String what, double[] values) {
        if (values.length == 0) throw new AssertionError(what + ": empty");
        boolean constant = true;
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) throw new AssertionError(what + ": non-finite value " + values[i] + " at " + i);
            if (values[i] != values[0]) constant = false;
        }
        if (values.length > 1 && constant) throw new AssertionError(what + ": all " + values.length + " values equal " + values[0]);
        if (values.length == 1 && values[0] == 0) throw new AssertionError(what + ": the single value is 0");
    }

    public static void assertNonTrivial(String what, Tensor t) { assertNonTrivial(what, t.toDoubleArray()); }

    /** Row-major multi-index of a flat position. */
    public static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] == 0) return idx;
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }

    /** Sum of a[i] * b[i] in double (inner products for adjoint tests). */
    public static double dot(double[] a, double[] b) {
        if (a.length != b.length) throw new IllegalArgumentException("dot of lengths " + a.length + " and " + b.length);
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
