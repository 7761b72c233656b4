package dsr3d.tests.props;

import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.ops.VqNearest;
import dsr3d.tests.support.TensorAsserts;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.quicktheories.QuickTheory.qt;

/**
 * The fused VQ search equals argmin over the explicit distance matrix
 * D = |z|^2 - 2 z C^T + |C|^2 built with tensor ops. Data are small integers, so every distance
 * is exact in float and double and ties are real ties: duplicated codewords force them, and
 * both sides must then pick the lowest index (torch.argmin's rule).
 */
class VqProps {

    record Vq(int n, int k, int d, int duplicates, long data) {
        static Vq random(Random r) {
            return new Vq(1 + r.nextInt(20), 1 + r.nextInt(12), 1 + r.nextInt(9), r.nextInt(4), r.nextLong());
        }
    }

    private static double[] smallInts(Random r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = r.nextInt(7) - 3;
        return v;
    }

    @Test
    void fusedArgminEqualsArgminOfTheDistanceMatrix() {
        qt().withExamples(60).forAll(Scenarios.fromSeed(Vq::random)).checkAssert(s -> {
            Random r = new Random(s.data());
            double[] cb = smallInts(r, s.k() * s.d());
            for (int t = 0; t < s.duplicates() && s.k() > 1; t++) {   // copy a codeword over a later one: a tie
                int from = r.nextInt(s.k() - 1), to = from + 1 + r.nextInt(s.k() - 1 - from);
                System.arraycopy(cb, from * s.d(), cb, to * s.d(), s.d());
            }
            double[] zv = smallInts(r, s.n() * s.d());
            for (DType dt : new DType[]{DType.F64, DType.F32}) {
                Tensor z = Tensor.of(zv, s.n(), s.d()).to(dt), c = Tensor.of(cb, s.k(), s.d()).to(dt);
                Tensor dist = z.mul(z).sum(1, true)                                  // [n, 1]
                        .sub(z.matmul(c.transpose(0, 1)).mul(2))                     // [n, k]
                        .add(c.mul(c).sum(1, false).reshape(1, s.k()));              // [1, k]
                int[] expected = dist.argmin(1, false).toIntArray();
                int[] fused = VqNearest.apply(z, c).toIntArray();
                assertArrayEquals(expected, fused, s + " " + dt);
            }
        });
    }

    @Test
    void tiesGoToTheLowestIndex() {
        Tensor c = Tensor.of(new double[]{1, 1, 0, 0, 1, 1, 0, 0}, 4, 2);   // rows 0 = 2 and 1 = 3
        Tensor z = Tensor.of(new double[]{0.9, 1.2, 0, 0.1, 0.5, 0.5}, 3, 2);
        for (DType dt : new DType[]{DType.F64, DType.F32}) {
            int[] idx = VqNearest.apply(z.to(dt), c.to(dt)).toIntArray();
            assertArrayEquals(new int[]{0, 1, 0}, idx, dt + ": (0.5, 0.5) is equidistant from all four, first wins");
        }
        TensorAsserts.assertNonTrivial("codebook", c);
    }
}
