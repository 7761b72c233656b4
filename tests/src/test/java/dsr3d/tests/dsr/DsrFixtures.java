package dsr3d.tests.dsr;

import dsr3d.nn.Module;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import dsr3d.tests.support.Fixture;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static dsr3d.tests.support.TensorAsserts.assertAllClose;
import static dsr3d.tests.support.TensorAsserts.assertNonTrivial;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reads the fixtures of tests/fixtures/make_dsr_fixtures.py (resources fixtures/dsr/) and compares with them. */
final class DsrFixtures {
    private DsrFixtures() {}

    static Fixture load(String name) { return Fixture.load("dsr/" + name); }

    static Path resource(String name) throws Exception {
        return Path.of(DsrFixtures.class.getResource("/fixtures/dsr/" + name).toURI());
    }

    /** The module's state-dict entries under prefix from the fixture, in dtype. */
    static Map<String, Tensor> state(Fixture f, Module m, String prefix, DType dt) {
        Map<String, Tensor> s = new LinkedHashMap<>();
        for (String k : m.stateDict().keySet())
            if (f.has(prefix + k)) s.put(k, f.tensor(prefix + k, dt));
        return s;
    }

    static void load(Module m, Fixture f, String prefix, DType dt) {
        m.to(dt);
        var report = m.loadStateDict(state(f, m, prefix, dt), true);
        assertTrue(report.clean(), report.toString());
    }

    static double maxAbs(Tensor t) {
        double m = 0;
        for (double v : t.toDoubleArray()) m = Math.max(m, Math.abs(v));
        return m;
    }

    /** Compares with a tolerance scaled by the expected tensor's largest magnitude. */
    static void close(String what, Tensor expected, Tensor actual, double tol) {
        assertNonTrivial(what + " (expected)", expected);
        assertAllClose(what, expected, actual.to(DType.F64), tol, tol * maxAbs(expected));
    }

    static int[] ints(Fixture f, String key) {
        double[] v = f.array(key).values();
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (int) v[i];
        return out;
    }

    /** Every parameter gradient of m against "grad." + prefix + name. A conv bias before an
     *  InstanceNorm has gradient zero in exact arithmetic; such entries must be ~0 at the scale of the module's gradients. */
    static void paramGrads(String what, Module m, Fixture f, String prefix, double tol) {
        double scale = 0;
        for (String k : m.namedParameters().keySet()) scale = Math.max(scale, maxAbs(f.tensor("grad." + prefix + k, DType.F64)));
        int zero = 0;
        for (Map.Entry<String, Tensor> e : m.namedParameters().entrySet()) {
            Tensor expected = f.tensor("grad." + prefix + e.getKey(), DType.F64);
            Tensor got = e.getValue().grad();
            if (maxAbs(expected) < 1e-9 * scale) {
                zero++;
                double g = got == null ? 0 : maxAbs(got);
                assertTrue(g <= tol * scale, what + " grad " + e.getKey() + " should be ~0, max |g| " + g + " (scale " + scale + ")");
            } else {
                assertTrue(got != null, what + ": no gradient for " + e.getKey());
                close(what + " grad " + e.getKey(), expected, got, tol);
            }
        }
        assertTrue(zero < m.namedParameters().size() / 2, what + ": most gradients are zero, " + zero);
    }
}
