package dsr3d.tests.stage2;

import dsr3d.models.stage2.AnomalyDetectionModule;
import dsr3d.models.stage2.AnomalyModes;
import dsr3d.models.stage2.FeatureAnomalies;
import dsr3d.models.stage2.ImageReconstructionNetwork;
import dsr3d.models.stage2.Requantize;
import dsr3d.models.stage2.Stage2Step;
import dsr3d.models.stage2.SubspaceRestrictionModule;
import dsr3d.nn.Module;
import dsr3d.nn.Tensors;
import dsr3d.nn.layers.Conv2d;
import dsr3d.nn.layers.ConvTranspose2d;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import dsr3d.tests.support.Fixture;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Random;

import static dsr3d.tests.support.TensorAsserts.assertAllClose;
import static dsr3d.tests.support.TensorAsserts.assertNonTrivial;
import static dsr3d.tests.support.TensorAsserts.assertSameValues;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One whole stage-2 training step against the official code at small sizes (fixture
 * training_step, make_stage2_fixtures.py): an official DADA (random weights) supplies enc_hi, z_lo
 * and q_lo; the three official generator calls' draws are replayed; the frozen DADA pieces the
 * step needs (upsample_t, the pre-VQ-hi conv with its channel re-ordering, both codebooks) are
 * built here from the fixture's weights; the general decoder's output is taken from the fixture
 * once the inputs it was computed from are proven equal. Then the four trained nets, every loss
 * term and the gradient of every trained parameter are compared (F64).
 *
 * <p>Tolerances: exact for the generated lo input and the ground truth, 1e-12 for the hi features
 * (straight-through z + (q - z) rounds with z); 1e-10 for the forward; the focal term and what
 * depends on it through backward carry the official float32 focal target (see
 * Stage2LossParityTest), hence 1e-7 on the loss and 1e-6 (relative to each tensor's scale) on the
 * gradients.
 */
class TrainingStepParityTest {

    /** The frozen DADA pieces from the fixture weights (groups 2, depth half first). */
    static final class FixtureDada implements FeatureAnomalies.Dada {
        final ConvTranspose2d up;
        final Conv2d preVq;
        final Tensor cbLo, cbHi, general, expectedLo, expectedHi;

        FixtureDada(Fixture f, int d, int hidden) {
            up = new ConvTranspose2d(d, d, 4, 2, 1, 0, 2, true, new Random(1));
            up.to(DType.F64);
            Tensors.copyInto(f.tensor("upsample_t.weight", DType.F64), up.weight());
            Tensors.copyInto(f.tensor("upsample_t.bias", DType.F64), up.bias());
            preVq = new Conv2d(hidden + d, d, 1, 1, 0, 2, true, new Random(2));
            preVq.to(DType.F64);
            Tensors.copyInto(f.tensor("pre_vq_bot.weight", DType.F64), preVq.weight());
            Tensors.copyInto(f.tensor("pre_vq_bot.bias", DType.F64), preVq.bias());
            up.requiresGrad(false);
            preVq.requiresGrad(false);
            cbLo = f.tensor("codebook_lo", DType.F64);
            cbHi = f.tensor("codebook_hi", DType.F64);
            general = f.tensor("out.recon_general", DType.F64);
            expectedLo = f.tensor("out.lo_input", DType.F64);
            expectedHi = f.tensor("out.hi_input", DType.F64);
        }

        @Override public Tensor upsampleLo(Tensor q) { return up.forward(q); }

        /** [enc_hi depth | up depth | enc_hi rgb | up rgb], then the grouped 1x1 conv (PreVQBot). */
        @Override public Tensor preVqHi(Tensor encHi, Tensor upLo) {
            int c = encHi.size(1) / 2, e = upLo.size(1) / 2;
            return preVq.forward(Tensor.concat(1, encHi.slice(1, 0, c), upLo.slice(1, 0, e), encHi.slice(1, c, 2 * c), upLo.slice(1, e, 2 * e)));
        }

        @Override public Tensor quantizeHi(Tensor z) { return Requantize.apply(z, cbHi).quantized(); }
        @Override public Tensor codebookLo() { return cbLo; }
        @Override public Tensor codebookHi() { return cbHi; }

        /** The official _decoder_b's output, valid because its inputs are checked equal first. */
        @Override public Tensor decodeGeneral(Tensor upLo, Tensor qHi) {
            assertAllClose("general decoder hi input", expectedHi, qHi, 1e-12, 1e-12);
            assertAllClose("general decoder lo input (upsampled)", upsampleLo(expectedLo), upLo, 0, 0);
            return general;
        }
    }

    private static void load(Module m, Fixture f, String prefix) {
        m.to(DType.F64);
        Map<String, Tensor> s = new java.util.LinkedHashMap<>();
        for (String k : m.stateDict().keySet()) s.put(k, f.tensor(prefix + k, DType.F64));
        var report = m.loadStateDict(s, true);
        assertTrue(report.clean(), report.toString());
    }

    private static void close(String what, Tensor expected, Tensor actual, double tol) {
        assertNonTrivial(what + " (expected)", expected);
        double scale = 0;
        for (double v : expected.toDoubleArray()) scale = Math.max(scale, Math.abs(v));
        assertAllClose(what, expected, actual, tol, tol * scale);
    }

    @Test void oneTrainingStepMatchesTheOfficialCode() {
        Fixture f = Stage2Fixtures.load("training_step");
        int b = 2, d = 8, hidden = 8;
        FixtureDada dada = new FixtureDada(f, d, hidden);
        double[] both = f.array("use_both").values(), lo = f.array("use_lo").values();
        AnomalyModes modes = new AnomalyModes(new boolean[]{both[0] == 1, both[1] == 1}, new boolean[]{lo[0] == 1, lo[1] == 1});
        FeatureAnomalies.Draws draws = new FeatureAnomalies.Draws(f.array("strength_lo").values(), f.array("strength_hi").values(),
                Stage2Fixtures.draws(f, "draw.lo.", b), Stage2Fixtures.draws(f, "draw.hi_both.", b), Stage2Fixtures.draws(f, "draw.hi_only.", b), modes);
        FeatureAnomalies.Batch batch = FeatureAnomalies.generate(f.tensor("enc_b", DType.F64), f.tensor("zt", DType.F64),
                f.tensor("q_t", DType.F64), f.tensor("mask", DType.F64), dada, draws);
        assertSameValues("lo input", f.tensor("out.lo_input", DType.F64), batch.loInput());
        // hi features pass through the pre-VQ conv and the straight-through z + (q - z): the codes
        // agree, the values to rounding of z.
        assertAllClose("hi input", f.tensor("out.hi_input", DType.F64), batch.hiInput(), 1e-12, 1e-12);
        assertAllClose("q_hi_real", f.tensor("out.q_hi_real", DType.F64), batch.qHiReal(), 1e-12, 1e-12);
        assertSameValues("ground truth", f.tensor("out.gt", DType.F64), batch.groundTruth());

        Stage2Step.Nets nets = new Stage2Step.Nets(new SubspaceRestrictionModule(d, new Random(3)), new SubspaceRestrictionModule(d, new Random(4)),
                new ImageReconstructionNetwork(2 * d, hidden, 1, 4, 4, new Random(5)), new AnomalyDetectionModule(8, 4, new Random(6)));
        load(nets.srLo(), f, "recon_lo.");
        load(nets.srHi(), f, "recon_hi.");
        load(nets.decode(), f, "decode.");
        load(nets.seg(), f, "seg.");
        Stage2Step.Result r = Stage2Step.forward(nets, dada, batch, f.tensor("input", DType.F64));
        close("feat lo", f.tensor("out.feat_lo", DType.F64), r.srLo().features(), 1e-10);
        close("feat hi", f.tensor("out.feat_hi", DType.F64), r.srHi().features(), 1e-10);
        close("object reconstruction", f.tensor("out.recon_object", DType.F64), r.reconObject(), 1e-10);
        close("logits", f.tensor("out.logits", DType.F64), r.logits(), 1e-10);
        for (String name : r.loss().byName().keySet()) {
            double tol = name.equals("focal") || name.equals("total") ? 1e-7 : 1e-10;
            assertAllClose("loss " + name, f.tensor("loss." + name, DType.F64).reshape(), r.loss().get(name), tol, 1e-14);
        }
        r.loss().total().backward();
        String[] prefixes = {"recon_lo.", "recon_hi.", "decode.", "seg."};
        Module[] ms = {nets.srLo(), nets.srHi(), nets.decode(), nets.seg()};
        for (int i = 0; i < ms.length; i++) {
            double scale = 0;
            for (String k : ms[i].namedParameters().keySet())
                for (double v : f.array("grad." + prefixes[i] + k).values()) scale = Math.max(scale, Math.abs(v));
            for (Map.Entry<String, Tensor> e : ms[i].namedParameters().entrySet()) {
                Tensor expected = f.tensor("grad." + prefixes[i] + e.getKey(), DType.F64);
                assertTrue(e.getValue().grad() != null, prefixes[i] + e.getKey() + " got no gradient");
                // Relative to the net's gradient scale: biases before InstanceNorm are zero up to rounding.
                assertAllClose("grad " + prefixes[i] + e.getKey(), expected, e.getValue().grad(), 1e-6, 1e-6 * scale);
            }
        }
        assertTrue(dada.up.weight().grad() == null, "the frozen upsampler gets no gradient");
    }
}
