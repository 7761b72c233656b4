package dsr3d.tests.stage2;

import dsr3d.models.stage2.LatentAnomalies;
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

    /** The recorded draws of one official generator call: keys prefix + "ranks" [B, h*w],
     *  "u" (shuffle if > 0.5), "patch" (p), "perm" [B, patches] (see make_stage2_fixtures.py). */
    static LatentAnomalies.Draws draws(Fixture f, String prefix, int batch) {
        double[] ranks = f.array(prefix + "ranks").values();
        int hw = ranks.length / batch;
        int[][] offsets = new int[batch][hw];
        for (int n = 0; n < batch; n++) for (int i = 0; i < hw; i++) offsets[n][i] = (int) ranks[n * hw + i];
        boolean shuffle = f.array(prefix + "u").values()[0] > 0.5;
        int[][] perms = null;
        if (shuffle) {
            double[] pv = f.array(prefix + "perm").values();
            int l = pv.length / batch;
            perms = new int[batch][l];
            for (int n = 0; n < batch; n++) for (int j = 0; j < l; j++) perms[n][j] = (int) pv[n * l + j];
        }
        return new LatentAnomalies.Draws(offsets, shuffle, (int) f.array(prefix + "patch").values()[0], perms);
    }
}
