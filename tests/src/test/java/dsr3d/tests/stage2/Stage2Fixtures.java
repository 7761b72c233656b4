package dsr3d.tests.stage2;

import dsr3d.nn.Module;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import dsr3d.tests.support.Fixture;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the fixtures of tests/fixtures/make_stage2_fixtures.py (resources fixtures/stage2/). */
final class Stage2Fixtures {
    private Stage2Fixtures() {}

    static Fixture load(String name) { return Fixture.load("stage2/" + name); }

    /** The module's state-dict entries from the fixture, in the given dtype. */
    static Map<String, Tensor> state(Fixture f, Module m, DType dt) {
        Map<String, Tensor> s = new LinkedHashMap<>();
        for (String k : m.stateDict().keySet())
            if (f.has(k)) s.put(k, f.tensor(k, dt));
        return s;
    }

    static int[] ints(Fixture f, String key) {
        double[] v = f.array(key).values();
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (int) v[i];
        return out;
    }
}
