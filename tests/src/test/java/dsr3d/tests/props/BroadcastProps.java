package dsr3d.tests.props;

import dsr3d.tensor.DType;
import dsr3d.tensor.Shape;
import dsr3d.tensor.Tensor;
import dsr3d.tests.support.TensorAsserts;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.QuickTheory.qt;

/** Broadcasting laws: the shape rule against a plain model, commutativity, expand+contiguous
 *  equivalence, and the gradient of a broadcast input counting its uses. */
class BroadcastProps {

    /** Two shapes that usually broadcast (derived from a common target) and sometimes not. */
    record Pair(int[] a, int[] b) {
        static Pair random(Random r) {
            int[] target = Scenarios.randomShape(r, 0, 4, 3);
            int[] a = derive(r, target), b = derive(r, target);
            if (r.nextInt(4) == 0 && b.length > 0) b[r.nextInt(b.length)] = 2 + r.nextInt(3);   // maybe incompatible
            return new Pair(a, b);
        }

        /** Drops some leading dimensions and turns some others into 1. */
        private static int[] derive(Random r, int[] target) {
            int[] s = Arrays.copyOfRange(target, r.nextInt(target.length + 1), target.length);
            for (int i = 0; i < s.length; i++) if (r.nextInt(3) == 0) s[i] = 1;
            return s;
        }

        @Override public String toString() { return Shape.str(a) + " with " + Shape.str(b); }
    }

    /** The rule written the way the NumPy manual states it, independently of Shape.broadcast. */
    static int[] modelBroadcast(int[] a, int[] b) {
        List<Integer> out = new ArrayList<>();
        for (int i = 1; i <= Math.max(a.length, b.length); i++) {
            int da = i <= a.length ? a[a.length - i] : 1, db = i <= b.length ? b[b.length - i] : 1;
            if (da == db || db == 1) out.add(0, da);
            else if (da == 1) out.add(0, db);
            else return null;
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void broadcastShapeFollowsTheModel() {
        qt().withExamples(300).forAll(Scenarios.fromSeed(Pair::random)).checkAssert(p -> {
            int[] expected = modelBroadcast(p.a(), p.b());
            if (expected == null) {
                assertThrows(IllegalArgumentException.class, () -> Shape.broadcast(p.a(), p.b()), p.toString());
                assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(DType.F64, p.a()).add(Tensor.zeros(DType.F64, p.b())));
            } else {
                assertArrayEquals(expected, Shape.broadcast(p.a(), p.b()), p.toString());
                assertArrayEquals(expected, Shape.broadcast(p.b(), p.a()), p.toString());
            }
        });
    }

    /** A compatible pair plus a seed for its data. */
    record Sample(Pair pair, long data) {
        @Override public String toString() { return pair + " (data seed " + data + ")"; }
    }

    private static Pair compatible(Random r) {
        Pair p;
        do { p = Pair.random(r); } while (modelBroadcast(p.a(), p.b()) == null);
        return p;
    }

    @Test
    void addMulMaximumCommuteUnderBroadcast() {
        qt().withExamples(Scenarios.EXAMPLES).forAll(Scenarios.fromSeed(r -> new Sample(compatible(r), r.nextLong())))
                .checkAssert(s -> {
                    Pair p = s.pair();
                    Random r = new Random(s.data());
                    Tensor a = Scenarios.randn(r, DType.F64, p.a()), b = Scenarios.randn(r, DType.F64, p.b());
                    TensorAsserts.assertSameValues(p + " add", a.add(b), b.add(a));
                    TensorAsserts.assertSameValues(p + " mul", a.mul(b), b.mul(a));
                    TensorAsserts.assertSameValues(p + " maximum", a.maximum(b), b.maximum(a));
                });
    }

    @Test
    void expandThenContiguousEqualsBroadcastBinary() {
        qt().withExamples(Scenarios.EXAMPLES).forAll(Scenarios.fromSeed(r -> new Sample(compatible(r), r.nextLong())))
                .checkAssert(s -> {
                    Pair p = s.pair();
                    Random r = new Random(s.data());
                    Tensor a = Scenarios.randn(r, DType.F32, p.a()), b = Scenarios.randn(r, DType.F32, p.b());
                    int[] out = Shape.broadcast(p.a(), p.b());
                    Tensor ae = a.expand(out).contiguous(), be = b.expand(out).contiguous();
                    TensorAsserts.assertSameValues(p + " sub", a.sub(b), ae.sub(be));
                    TensorAsserts.assertSameValues(p + " div", a.div(b), ae.div(be));
                    // and the expanded tensor itself reads a at the index with broadcast dims pinned to 0
                    double[] av = a.toDoubleArray(), ev = ae.toDoubleArray();
                    int[] aStrides = Shape.contiguousStrides(p.a());
                    for (int flat = 0; flat < ev.length; flat++) {
                        int[] idx = TensorAsserts.unravel(flat, out);
                        int src = 0;
                        for (int d = 0; d < p.a().length; d++) {
                            int od = d + out.length - p.a().length;
                            src += (p.a()[d] == 1 ? 0 : idx[od]) * aStrides[d];
                        }
                        assertEquals(av[src], ev[flat], p + " expand at " + Arrays.toString(idx));
                    }
                });
    }

    @Test
    void gradientOfABroadcastInputCountsItsUses() {
        qt().withExamples(Scenarios.EXAMPLES).forAll(Scenarios.fromSeed(r -> new Sample(compatible(r), r.nextLong())))
                .checkAssert(s -> {
                    Pair p = s.pair();
                    Random r = new Random(s.data());
                    Tensor a = Scenarios.randn(r, DType.F64, p.a()).requiresGrad(true);
                    Tensor b = Scenarios.randn(r, DType.F64, p.b()).requiresGrad(true);
                    Tensor sum = a.add(b);
                    sum.sum().backward();
                    double usesA = (double) sum.numel() / a.numel(), usesB = (double) sum.numel() / b.numel();
                    for (double g : a.grad().toDoubleArray()) assertEquals(usesA, g, 0, p + ": d sum(a+b) / da");
                    for (double g : b.grad().toDoubleArray()) assertEquals(usesB, g, 0, p + ": d sum(a+b) / db");
                    assertArrayEquals(p.a(), a.grad().shape());
                    assertArrayEquals(p.b(), b.grad().shape());
                });
    }
}
