package dsr3d.tests.props;

import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.ops.Conv2d;
import dsr3d.tests.support.TensorAsserts;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.function.UnaryOperator;

import static org.quicktheories.QuickTheory.qt;

/**
 * Linearity f(a x + b y) = a f(x) + b f(y) of matmul and conv2d in float32 (the fast kernels),
 * on odd sizes that do not fit vector widths or blocks. The tolerance scales with the size of
 * the terms, since float rounding is relative to them, not to their (possibly cancelling) sum.
 */
class LinearityProps {

    private static void assertLinear(String what, UnaryOperator<Tensor> f, Tensor x, Tensor y, double a, double b) {
        Tensor lhs = f.apply(x.mul(a).add(y.mul(b)));
        Tensor fx = f.apply(x).mul(a), fy = f.apply(y).mul(b);
        double scale = Scenarios.maxAbs(fx.toDoubleArray()) + Scenarios.maxAbs(fy.toDoubleArray());
        TensorAsserts.assertNonTrivial(what + ": f(x)", fx);
        TensorAsserts.assertAllClose(what, fx.add(fy), lhs, 1e-4, 2e-5 * scale);
    }

    record Mm(int m, int k, int n, double a, double b, long data) {
        static Mm random(Random r) {
            return new Mm(1 + r.nextInt(17), 1 + r.nextInt(33), 1 + r.nextInt(17), r.nextDouble() * 4 - 2, r.nextDouble() * 4 - 2, r.nextLong());
        }
    }

    @Test
    void matmulIsLinearInEachArgument() {
        qt().withExamples(Scenarios.EXAMPLES).forAll(Scenarios.fromSeed(Mm::random)).checkAssert(s -> {
            Random r = new Random(s.data());
            Tensor w = Scenarios.randn(r, DType.F32, s.k(), s.n());
            Tensor x = Scenarios.randn(r, DType.F32, s.m(), s.k()), y = Scenarios.randn(r, DType.F32, s.m(), s.k());
            assertLinear(s + " left", v -> v.matmul(w), x, y, s.a(), s.b());
            Tensor u = Scenarios.randn(r, DType.F32, s.n(), s.m()), v2 = Scenarios.randn(r, DType.F32, s.n(), s.m());
            assertLinear(s + " right", v -> w.matmul(v), u, v2, s.a(), s.b());
        });
    }

    /** A random small convolution geometry (as in the 3DSR nets: 1x1 to 4x4, stride 1-2, groups 1-2). */
    record Geo(int n, int cin, int cout, int h, int w, int k, int stride, int pad, int groups, long data) {
        static Geo random(Random r) {
            int groups = 1 + r.nextInt(2);
            int cin = groups * (1 + r.nextInt(3)), cout = groups * (1 + r.nextInt(3));
            int k = 1 + r.nextInt(4), pad = r.nextInt(k / 2 + 1);
            int h = Math.max(k, 2) + r.nextInt(7), w = Math.max(k, 2) + r.nextInt(7);
            return new Geo(1 + r.nextInt(2), cin, cout, h, w, k, 1 + r.nextInt(2), pad, groups, r.nextLong());
        }

        int[] xShape() { return new int[]{n, cin, h, w}; }
        int[] wShape() { return new int[]{cout, cin / groups, k, k}; }
    }

    @Test
    void conv2dIsLinearInItsInput() {
        qt().withExamples(Scenarios.EXAMPLES).forAll(Scenarios.fromSeed(Geo::random)).checkAssert(g -> {
            Random r = new Random(g.data());
            Tensor w = Scenarios.randn(r, DType.F32, g.wShape());
            Tensor x = Scenarios.randn(r, DType.F32, g.xShape()), y = Scenarios.randn(r, DType.F32, g.xShape());
            double a = r.nextDouble() * 4 - 2, b = r.nextDouble() * 4 - 2;
            assertLinear(g + " a=" + a + " b=" + b, v -> Conv2d.apply(v, w, null, g.stride(), g.pad(), g.groups()), x, y, a, b);
        });
    }
}
