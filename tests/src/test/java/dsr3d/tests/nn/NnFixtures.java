package dsr3d.tests.nn;

import dsr3d.nn.Module;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import dsr3d.tests.support.Fixture;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the nn fixtures written by tests/fixtures/make_nn_fixtures.py (resources fixtures/nn/). */
final class NnFixtures {
    private NnFixtures() {}

    static Fixture load(String name) { return Fixture.load("nn/" + name); }

    /** The entries of the fixture named prefix + (a key of the module's state dict), as F64 tensors
     *  keyed without the prefix. */
    static Map<String, Tensor> state(Fixture f, Module m, String prefix) {
        Map<String, Tensor> s = new LinkedHashMap<>();
        for (String k : m.stateDict().keySet())
            if (f.has(prefix + k)) s.put(k, f.tensor(prefix + k, DType.F64));
        return s;
    }
}
