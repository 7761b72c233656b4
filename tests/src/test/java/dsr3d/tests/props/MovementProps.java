package dsr3d.tests.props;

import dsr3d.tensor.DType;
import dsr3d.tensor.Shape;
import dsr3d.tensor.Tensor;
import dsr3d.tests.support.TensorAsserts;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;
import static org.quicktheories.QuickTheory.qt;

/** Round trips of the view ops, checked against an index model: element i of a permuted view
 *  is element perm(i) of the source. */
class MovementProps {

    record Perm(int[] shape, int[] order, long data) {
        static Perm random(Random r) {
            int[] shape = Scenarios.randomShape(r, 1, 5, 4);
            return new Perm(shape, Scenarios.randomPermutation(r, shape.length), r.nextLong());
        }

        int[] inverse() {
            int[] inv = new int[order.length];
            for (int i = 0; i < order.length; i++) inv[order[i]] = i;
            return inv;
        }

        @Override public String toString() { return Shape.str(shape) + " permuted by " + Arrays.toString(order); }
    }

    @Test
    void permuteThenInversePermuteIsIdentity() {
        qt().withExamples(100).forAll(Scenarios.fromSeed(Perm::random)).checkAssert(p -> {
            Tensor x = Scenarios.randn(new Random(p.data()), DType.F32, p.shape());
            Tensor back = x.permute(p.order()).permute(p.inverse());
            assertSame(x.storage(), back.storage(), p + ": permute must be a view");
            assertArrayEquals(x.strides(), back.strides(), p.toString());
            TensorAsserts.assertSameValues(p.toString(), x, back);
        });
    }

    @Test
    void permutedViewReadsTheSourceAtThePermutedIndex() {
        qt().withExamples(100).forAll(Scenarios.fromSeed(Perm::random)).checkAssert(p -> {
            Tensor x = Scenarios.randn(new Random(p.data()), DType.F64, p.shape());
            Tensor v = x.permute(p.order());
            double[] flat = v.toDoubleArray();      // the view in row-major order (goes through contiguous)
            double[] src = x.toDoubleArray();
            int[] srcStrides = Shape.contiguousStrides(p.shape());
            for (int i = 0; i < flat.length; i++) {
                int[] idx = TensorAsserts.unravel(i, v.shape());
                int s = 0;
                for (int d = 0; d < idx.length; d++) s += idx[d] * srcStrides[p.order()[d]];
                assertEquals(src[s], flat[i], p + " at " + Arrays.toString(idx));
            }
            // reshaping the non-dense view to flat and back gives the same values as the view
            TensorAsserts.assertSameValues(p + " reshape round trip", v, v.reshape(-1).reshape(v.shape()));
        });
    }

    @Test
    void reshapeToFlatAndBackIsIdentity() {
        qt().withExamples(100).forAll(Scenarios.fromSeed(r -> new Perm(Scenarios.randomShape(r, 0, 5, 4), new int[0], r.nextLong())))
                .checkAssert(p -> {
                    Tensor x = Scenarios.randn(new Random(p.data()), DType.F32, p.shape());
                    Tensor flat = x.reshape(-1);
                    assertArrayEquals(new int[]{x.numel()}, flat.shape());
                    assertSame(x.storage(), flat.storage(), "reshape of dense data must be a view");
                    TensorAsserts.assertSameValues(Shape.str(p.shape()), x, flat.reshape(p.shape()));
                });
    }

    @Test
    void splitThenConcatIsIdentity() {
        qt().withExamples(100).forAll(Scenarios.fromSeed(r -> new Perm(Scenarios.randomShape(r, 1, 4, 5), new int[0], r.nextLong())))
                .checkAssert(p -> {
                    Random r = new Random(p.data());
                    Tensor x = Scenarios.randn(r, DType.F64, p.shape());
                    int dim = r.nextInt(p.shape().length), size = p.shape()[dim];
                    int cut = r.nextInt(size + 1);                         // pieces may be empty
                    Tensor[] parts = x.split(dim, cut, size - cut);
                    TensorAsserts.assertSameValues(p + " split at " + cut + " along " + dim, x, Tensor.concat(dim, parts));
                });
    }
}
