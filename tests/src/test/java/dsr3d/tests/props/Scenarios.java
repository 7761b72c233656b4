package dsr3d.tests.props;

import dsr3d.tensor.DType;
import dsr3d.tensor.Shape;
import dsr3d.tensor.Tensor;
import org.quicktheories.core.Gen;

import java.util.Random;
import java.util.function.Function;

import static org.quicktheories.generators.SourceDSL.longs;

/**
 * Shared generators for the property tests. Tensor-heavy properties draw one seed and build a
 * small random scenario from it (shapes, geometry, data) as a record whose toString shows the
 * shapes, so a falsified property prints something readable.
 *
 * <p>QuickTheories draws a new seed on every run and prints "Seed was N" when a property fails;
 * {@code mvn -pl tests -am test -Dtest=SomeProps -DQT_SEED=N} replays that run.
 */
final class Scenarios {
    private Scenarios() {}

    /** Default example count for tensor-heavy properties: enough variety, short run time. */
    static final int EXAMPLES = 40;

    static <T> Gen<T> fromSeed(Function<Random, T> build) {
        return longs().all().map(seed -> build.apply(new Random(seed)));
    }

    static int[] randomShape(Random r, int minRank, int maxRank, int maxDim) {
        int[] s = new int[minRank + r.nextInt(maxRank - minRank + 1)];
        for (int i = 0; i < s.length; i++) s[i] = 1 + r.nextInt(maxDim);
        return s;
    }

    static Tensor randn(Random r, DType dt, int... shape) {
        double[] v = new double[Shape.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = r.nextGaussian();
        Tensor t = Tensor.of(v, shape);
        return dt == DType.F64 ? t : t.to(dt);
    }

    static int[] randomPermutation(Random r, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i]; p[i] = p[j]; p[j] = t;
        }
        return p;
    }

    static double maxAbs(double[] v) {
        double m = 0;
        for (double d : v) m = Math.max(m, Math.abs(d));
        return m;
    }
}
