package dsr3d.tests.stage2;

import dsr3d.models.stage2.AnomalyDetectionModule;
import dsr3d.models.stage2.ImageReconstructionNetwork;
import dsr3d.models.stage2.SubspaceRestrictionModule;
import dsr3d.nn.Module;
import dsr3d.nn.Tensors;
import dsr3d.nn.vq.VectorQuantizerEMA;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import dsr3d.tests.support.Fixture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Map;
import java.util.Random;

import static dsr3d.tests.support.TensorAsserts.assertAllClose;
import static dsr3d.tests.support.TensorAsserts.assertNonTrivial;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stage-2 modules against the official dsr_model.py classes at small sizes
 * (make_stage2_fixtures.py): the official state dict is loaded strictly by name, then the output,
 * the input gradient(s) and every parameter gradient of sum(out * lossw) are compared. F64 to
 * 1e-10; F32 (the fast kernels) against the same float64 references, relative to each tensor's scale.
 */
class Stage2ModuleParityTest {
    enum Precision {
        F64(DType.F64, 1e-10), F32(DType.F32, 2e-4);
        final DType dt;
        final double tol;
        Precision(DType dt, double tol) { this.dt = dt; this.tol = tol; }
    }

    private static void load(Module m, Fixture f, DType dt) {
        m.to(dt);
        var report = m.loadStateDict(Stage2Fixtures.state(f, m, dt), true);
        assertTrue(report.clean(), report.toString());
    }

    /** Compares with a tolerance scaled by the expected tensor's largest magnitude. */
    private static void close(String what, Tensor expected, Tensor actual, double tol) {
        assertNonTrivial(what + " (expected)", expected);
        double scale = 0;
        for (double v : expected.toDoubleArray()) scale = Math.max(scale, Math.abs(v));
        assertAllClose(what, expected, actual.to(DType.F64), tol, tol * scale);
    }

    private static double maxAbs(Tensor t) {
        double m = 0;
        for (double v : t.toDoubleArray()) m = Math.max(m, Math.abs(v));
        return m;
    }

    /** Every parameter gradient. The bias of a conv followed by InstanceNorm has gradient zero in
     *  exact arithmetic (the norm removes the channel mean); both sides hold rounding noise there,
     *  so those are checked to be zero at the scale of the module's gradients. */
    private static void paramGrads(String what, Module m, Fixture f, double tol) {
        double scale = 0;
        for (String k : m.namedParameters().keySet()) scale = Math.max(scale, maxAbs(f.tensor("grad." + k, DType.F64)));
        int zero = 0;
        for (Map.Entry<String, Tensor> e : m.namedParameters().entrySet()) {
            Tensor expected = f.tensor("grad." + e.getKey(), DType.F64);
            if (maxAbs(expected) < 1e-9 * scale) {
                zero++;
                double got = maxAbs(e.getValue().grad());
                assertTrue(got <= tol * scale, what + " grad " + e.getKey() + " should be ~0, max |g| " + got + " (scale " + scale + ")");
            } else {
                close(what + " grad " + e.getKey(), expected, e.getValue().grad(), tol);
            }
        }
        assertTrue(zero < m.namedParameters().size() / 2, what + ": most gradients are zero, " + zero);
    }

    @ParameterizedTest @EnumSource(Precision.class)
    void subspaceRestrictionModuleWithVectorQuantizer(Precision p) {
        Fixture f = Stage2Fixtures.load("sr_small");
        SubspaceRestrictionModule sr = new SubspaceRestrictionModule(8, new Random(1));
        load(sr, f, p.dt);
        VectorQuantizerEMA vq = new VectorQuantizerEMA(16, 8, new Random(2));
        vq.to(p.dt);
        Tensors.copyInto(f.tensor("codebook", p.dt), vq.codebook());
        vq.eval();
        Tensor x = f.tensor("x", p.dt).requiresGrad(true);
        SubspaceRestrictionModule.Output out = sr.forward(x, vq);
        checkSr(p, f, sr, x, out);
    }

    @ParameterizedTest @EnumSource(Precision.class)
    void subspaceRestrictionModuleWithCodebookTensor(Precision p) {
        Fixture f = Stage2Fixtures.load("sr_small");
        SubspaceRestrictionModule sr = new SubspaceRestrictionModule(8, new Random(1));
        load(sr, f, p.dt);
        Tensor x = f.tensor("x", p.dt).requiresGrad(true);
        checkSr(p, f, sr, x, sr.forward(x, f.tensor("codebook", p.dt)));
    }

    private static void checkSr(Precision p, Fixture f, SubspaceRestrictionModule sr, Tensor x, SubspaceRestrictionModule.Output out) {
        close("sr features", f.tensor("out.features", DType.F64), out.features(), p.tol);
        close("sr quantized", f.tensor("out.quantized", DType.F64), out.quantized(), p.tol);
        close("sr vq loss", f.tensor("out.loss", DType.F64).reshape(), out.loss(), p.tol);
        out.features().mul(f.tensor("lossw.features", p.dt)).sum()
                .add(out.quantized().mul(f.tensor("lossw.quantized", p.dt)).sum()).backward();
        close("sr grad x", f.tensor("grad.x", DType.F64), x.grad(), p.tol);
        paramGrads("sr", sr, f, p.tol);
    }

    @ParameterizedTest @EnumSource(Precision.class)
    void imageReconstructionNetwork(Precision p) {
        Fixture f = Stage2Fixtures.load("decoder_small");
        ImageReconstructionNetwork dec = new ImageReconstructionNetwork(6, 8, 2, 4, 4, new Random(3));
        load(dec, f, p.dt);
        Tensor x = f.tensor("x", p.dt).requiresGrad(true);
        Tensor out = dec.forward(x);
        close("decoder out", f.tensor("out", DType.F64), out, p.tol);
        out.mul(f.tensor("lossw", p.dt)).sum().backward();
        close("decoder grad x", f.tensor("grad.x", DType.F64), x.grad(), p.tol);
        paramGrads("decoder", dec, f, p.tol);
    }

    @ParameterizedTest @EnumSource(Precision.class)
    void anomalyDetectionModule(Precision p) {
        Fixture f = Stage2Fixtures.load("unet_small");
        AnomalyDetectionModule seg = new AnomalyDetectionModule(4, 4, new Random(4));
        load(seg, f, p.dt);
        Tensor a = f.tensor("x.real", p.dt).requiresGrad(true), b = f.tensor("x.anomaly", p.dt).requiresGrad(true);
        Tensor out = seg.forward(a, b);
        close("unet out", f.tensor("out", DType.F64), out, p.tol);
        out.mul(f.tensor("lossw", p.dt)).sum().backward();
        close("unet grad real", f.tensor("grad.x.real", DType.F64), a.grad(), p.tol);
        close("unet grad anomaly", f.tensor("grad.x.anomaly", DType.F64), b.grad(), p.tol);
        paramGrads("unet", seg, f, p.tol);
    }
}
