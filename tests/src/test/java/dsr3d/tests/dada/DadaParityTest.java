package dsr3d.tests.dada;

import dsr3d.models.dada.DadaConfig;
import dsr3d.models.dada.DadaModel;
import dsr3d.models.dada.DecoderBot;
import dsr3d.models.dada.EncoderBot;
import dsr3d.models.dada.EncoderTop;
import dsr3d.models.dada.Modality;
import dsr3d.models.dada.PreVQBot;
import dsr3d.nn.Layer;
import dsr3d.nn.Module;
import dsr3d.nn.optim.Adam;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import dsr3d.tests.support.Fixture;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static dsr3d.tests.support.TensorAsserts.assertAllClose;
import static dsr3d.tests.support.TensorAsserts.assertNonTrivial;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every official DADA submodule and both whole models against fixtures made by running the
 * official discrete_model_groups.py / discrete_model.py (tests/fixtures/make_dada_fixtures.py):
 * the official state dict loads strictly by name, then outputs and the gradients of the input and
 * of every parameter agree in F64; the whole models over 3 training steps (forward, code indices,
 * perplexities, commitment losses, the official L1 loss, every parameter gradient, then the state
 * after an Adam step, EMA codebooks included); and step 0 in F32 within float rounding.
 */
class DadaParityTest {
    static final double TOL = 1e-9;

    static Fixture load(String name) { return Fixture.load("dada/" + name); }

    static Map<String, Tensor> state(Fixture f, Module m, String prefix, DType dt) {
        Map<String, Tensor> s = new LinkedHashMap<>();
        for (String k : m.stateDict().keySet()) if (f.has(prefix + k)) s.put(k, f.tensor(prefix + k, dt));
        return s;
    }

    static void layerCase(String name, Layer layer) {
        Fixture f = load(name);
        layer.to(DType.F64);
        var report = layer.loadStateDict(state(f, layer, "", DType.F64), true);
        assertTrue(report.clean(), report.toString());
        Tensor x = f.tensor("x", DType.F64).requiresGrad(true);
        Tensor out = layer.forward(x);
        assertNonTrivial(name + " expected output", f.tensor("out", DType.F64));
        assertAllClose(name + " output", f.tensor("out", DType.F64), out, TOL, TOL);
        out.mul(f.tensor("lossw", DType.F64)).sum().backward();
        assertAllClose(name + " grad x", f.tensor("grad.x", DType.F64), x.grad(), TOL, TOL);
        for (var e : layer.namedParameters().entrySet()) {
            Tensor g = f.tensor("grad." + e.getKey(), DType.F64);
            assertNonTrivial(name + " expected grad " + e.getKey(), g);
            assertAllClose(name + " grad " + e.getKey(), g, e.getValue().grad(), TOL, TOL);
        }
    }

    @Test void groupedEncoderBot() { layerCase("g_encoder_bot", new EncoderBot(4, 16, 2, 8, 2, new Random(1))); }

    @Test void groupedEncoderTop() { layerCase("g_encoder_top", new EncoderTop(16, 2, 8, 2, new Random(1))); }

    @Test void preVqBotReordersChannels() { layerCase("g_pre_vq_bot", new PreVQBot(16, 8, new Random(1))); }

    @Test void groupedDecoderBotWithTwoHeads() { layerCase("g_decoder_bot", new DecoderBot(16, 16, 2, 8, 4, 2, new Random(1))); }

    @Test void plainEncoderBot() { layerCase("p_encoder_bot", new EncoderBot(1, 16, 2, 8, 1, new Random(1))); }

    @Test void plainDecoderBot() { layerCase("p_decoder_bot", new DecoderBot(16, 16, 2, 8, 1, 1, new Random(1))); }

    /** The fixtures' small model: hidden 16, residual hidden 8, 2 layers, codebook 32 x 8, 32 x 32. */
    static DadaConfig tiny(Modality m) {
        return new DadaConfig(m, m.channels, m.channels, 16, 8, 2, 8, 32, 0.25, 0.99, m == Modality.RGBD ? 2 : 1, 32);
    }

    @Test void groupedDadaOverThreeTrainingStepsF64() { wholeModel("dada_groups", Modality.RGBD, DType.F64, 3); }

    @Test void depthDadaOverThreeTrainingStepsF64() { wholeModel("dada_depth", Modality.DEPTH, DType.F64, 3); }

    @Test void groupedDadaStepZeroF32() { wholeModel("dada_groups", Modality.RGBD, DType.F32, 1); }

    @Test void depthDadaStepZeroF32() { wholeModel("dada_depth", Modality.DEPTH, DType.F32, 1); }

    static void wholeModel(String name, Modality modality, DType dt, int steps) {
        Fixture f = load(name);
        double tol = dt == DType.F64 ? TOL : 2e-4;
        DadaModel model = DadaModel.create(tiny(modality), new Random(5));
        model.to(dt);
        var report = model.loadStateDict(state(f, model, "init.", dt), true);
        assertTrue(report.clean(), report.toString());
        model.train(true);
        Adam adam = new Adam(model.namedParameters(), 1e-3);
        for (int s = 0; s < steps; s++) {
            String p = "step" + s + ".";
            Tensor x = f.tensor(p + "x", dt);
            adam.zeroGrad();
            DadaModel.Output out = model.forward(x);
            assertArrayEquals(f.array(p + "indices_t").values(), out.lo().indices().toDoubleArray(), 0, p + "lo code indices");
            assertArrayEquals(f.array(p + "indices_b").values(), out.hi().indices().toDoubleArray(), 0, p + "hi code indices");
            assertAllClose(p + "recon", f.tensor(p + "recon", DType.F64), out.recon().to(DType.F64), tol, tol);
            assertAllClose(p + "quantized_t", f.tensor(p + "quantized_t", DType.F64), out.quantizedT().to(DType.F64), tol, tol);
            assertAllClose(p + "quantized_b", f.tensor(p + "quantized_b", DType.F64), out.quantizedB().to(DType.F64), tol, tol);
            assertEquals(f.array(p + "loss_t").values()[0], out.lossT().item(), tol, p + "loss_t");
            assertEquals(f.array(p + "loss_b").values()[0], out.lossB().item(), tol, p + "loss_b");
            assertEquals(f.array(p + "perplexity_t").values()[0], out.lo().perplexity(), 1e-6, p + "perplexity lo");
            assertEquals(f.array(p + "perplexity_b").values()[0], out.hi().perplexity(), 1e-6, p + "perplexity hi");
            Tensor loss = x.sub(out.recon()).abs().mean().add(out.lossB()).add(out.lossT());
            assertEquals(f.array(p + "loss").values()[0], loss.item(), tol, p + "loss");
            loss.backward();
            int withGrad = 0;
            for (var e : model.namedParameters().entrySet()) {
                String key = p + "grad." + e.getKey();
                if (!f.has(key)) {
                    assertTrue(e.getValue().grad() == null, e.getKey() + " has a gradient, the official model has none");
                    continue;
                }
                assertNotNull(e.getValue().grad(), e.getKey() + ": no gradient");
                assertAllClose(p + "grad " + e.getKey(), f.tensor(key, DType.F64), e.getValue().grad().to(DType.F64), tol * 10, tol);
                withGrad++;
            }
            assertEquals(model.namedParameters().size() - 4, withGrad, "every parameter but the 4 EMA-learned codebook tensors gets a gradient");
            adam.step();
            if (dt == DType.F64)
                for (var e : model.stateDict().entrySet())
                    assertAllClose(p + "state " + e.getKey(), f.tensor(p + "state." + e.getKey(), DType.F64), e.getValue(), TOL, TOL);
        }
    }
}
