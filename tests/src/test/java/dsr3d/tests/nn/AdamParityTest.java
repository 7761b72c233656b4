package dsr3d.tests.nn;

import dsr3d.nn.optim.Adam;
import dsr3d.nn.optim.MultiStepLR;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import dsr3d.tests.support.Fixture;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static dsr3d.tests.support.TensorAsserts.assertAllClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Adam + MultiStepLR against torch.optim over six steps with given gradients (milestones 2 and 4,
 * gamma 0.1, with and without weight decay). A third parameter never gets a gradient and must stay
 * put without state. Also: a state-dict round trip in the middle gives the same trajectory.
 */
class AdamParityTest {
    record Run(Map<String, Tensor> params, Adam adam, MultiStepLR sched) {}

    static Run start(Fixture f) {
        Map<String, Tensor> ps = new LinkedHashMap<>();
        for (String n : new String[]{"p1", "p2", "p3"}) ps.put(n, f.tensor("init." + n, DType.F64).requiresGrad(true));
        Adam adam = new Adam(ps, f.paramDouble(0), 0.9, 0.999, 1e-8, f.paramDouble(1));
        MultiStepLR sched = new MultiStepLR(adam, new int[]{f.param(2), f.param(3)}, f.paramDouble(4));
        return new Run(ps, adam, sched);
    }

    /** Gives p1 and p2 exactly the fixture's gradients: d/dp sum(p * g) = g. */
    static void step(Run r, Fixture f, int step) {
        String s = "step" + step + ".";
        r.adam.zeroGrad();
        r.params.get("p1").mul(f.tensor(s + "g1", DType.F64)).sum()
                .add(r.params.get("p2").mul(f.tensor(s + "g2", DType.F64)).sum()).backward();
        r.adam.step();
        r.sched.step();
    }

    static void compare(Run r, Fixture f, int step) {
        String s = "step" + step + ".";
        assertAllClose(s + "p1", f.tensor(s + "p1", DType.F64), r.params.get("p1"), 1e-12, 1e-12);
        assertAllClose(s + "p2", f.tensor(s + "p2", DType.F64), r.params.get("p2"), 1e-12, 1e-12);
        assertAllClose(s + "exp_avg_sq p1", f.tensor(s + "exp_avg_sq.p1", DType.F64), r.adam.expAvgSq("p1"), 1e-12, 1e-15);
        assertEquals(f.array(s + "lr").values()[0], r.adam.lr(), 0, s + "lr (bit-exact chained schedule)");
    }

    void parity(String name) {
        Fixture f = NnFixtures.load(name);
        Run r = start(f);
        double[] p3 = r.params.get("p3").toDoubleArray();
        for (int step = 0; step < 6; step++) {
            step(r, f, step);
            compare(r, f, step);
        }
        assertArrayEquals(p3, r.params.get("p3").toDoubleArray(), 0, "a parameter without gradient must not move");
        assertNull(r.adam.expAvg("p3"));
        assertEquals(6, r.adam.step("p1"));
        assertEquals(0.05 * 0.1 * 0.1, r.adam.lr(), 1e-18);
    }

    @Test void matchesTorchOptim() { parity("adam_multistep"); }

    @Test void matchesTorchOptimWithWeightDecay() { parity("adam_multistep_wd"); }

    @Test void stateDictRoundTripContinuesTheSameTrajectory() {
        Fixture f = NnFixtures.load("adam_multistep_wd");
        Run a = start(f);
        for (int s = 0; s < 3; s++) step(a, f, s);
        var adamState = a.adam.stateDict();
        var schedState = a.sched.stateDict();
        // a fresh run with the parameter values of step 2, restored from the state dicts
        Run b = start(f);
        for (String n : new String[]{"p1", "p2", "p3"})
            dsr3d.nn.Tensors.copyInto(a.params.get(n), b.params.get(n));
        b.adam.loadStateDict(adamState);
        b.sched.loadStateDict(schedState);
        assertEquals(a.adam.lr(), b.adam.lr(), 0);
        for (int s = 3; s < 6; s++) {
            step(b, f, s);
            compare(b, f, s);
        }
        assertTrue(adamState.containsKey("state.p1.exp_avg") && !adamState.containsKey("state.p3.exp_avg"), adamState.keySet().toString());
    }

    @Test void loadStateDictReportsEveryProblem() {
        Fixture f = NnFixtures.load("adam_multistep");
        Run a = start(f);
        step(a, f, 0);
        var state = a.adam.stateDict();
        state.put("state.p1.exp_avg", Tensor.zeros(DType.F64, 2, 2));
        state.put("state.nope.step", Tensor.of(new double[]{1}));
        state.remove("state.p2.exp_avg_sq");
        var e = assertThrows(IllegalArgumentException.class, () -> start(f).adam.loadStateDict(state));
        String m = e.getMessage();
        assertTrue(m.contains("state.p1.exp_avg") && m.contains("nope") && m.contains("incomplete state for 'p2'"), m);
    }
}
