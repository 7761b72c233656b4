package dsr3d.tests.dsr;

import dsr3d.models.dada.DadaConfig;
import dsr3d.models.dada.DadaModel;
import dsr3d.models.dada.Modality;
import dsr3d.models.dsr.UpsamplingModule;
import dsr3d.models.stage2.AnomalyDetectionModule;
import dsr3d.models.stage2.ImageReconstructionNetwork;
import dsr3d.models.stage2.SubspaceRestrictionModule;
import dsr3d.nn.Tensors;
import dsr3d.nn.vq.VectorQuantizerEMA;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.autograd.NoGrad;
import dsr3d.tests.support.Fixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Random;

import static dsr3d.tests.dsr.DsrFixtures.close;
import static dsr3d.tests.dsr.DsrFixtures.load;
import static dsr3d.tests.dsr.DsrFixtures.paramGrads;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DSR's modules against the official discrete_model.py / dsr_model.py classes at small sizes
 * (make_dsr_fixtures.py): official state dicts loaded strictly by name; outputs, input gradients
 * and every parameter gradient of sum(out * lossw). F64 to 1e-10, F32 (fast kernels) to 2e-4 of
 * each tensor's scale. The VQ-VAE is compared forward only (the official class cannot back-propagate).
 */
class DsrModuleParityTest {
    enum Precision {
        F64(DType.F64, 1e-10), F32(DType.F32, 2e-4);
        final DType dt;
        final double tol;
        Precision(DType dt, double tol) { this.dt = dt; this.tol = tol; }
    }

    static final DadaConfig VQ_SMALL = new DadaConfig(Modality.RGB, 3, 3, 16, 8, 2, 8, 32, 0.25, 0.99, 1, 32, true);

    @ParameterizedTest @EnumSource(Precision.class)
    void discreteLatentModelWithTheInPlaceReluQuirk(Precision p) {
        Fixture f = DsrFixtures.load("vq_small");
        DadaModel vq = DadaModel.create(VQ_SMALL, new Random(1));
        load(vq, f, "", p.dt);
        vq.eval();
        try (NoGrad ignored = NoGrad.enter()) {
            DadaModel.Output out = vq.forward(f.tensor("x", p.dt));
            close("vq recon", f.tensor("out.recon", DType.F64), out.recon(), p.tol);
            close("vq quantized_t", f.tensor("out.quantized_t", DType.F64), out.quantizedT(), p.tol);
            close("vq quantized_b", f.tensor("out.quantized_b", DType.F64), out.quantizedB(), p.tol);
            close("vq loss_t", f.tensor("out.loss_t", DType.F64).reshape(), out.lossT(), p.tol);
            close("vq loss_b", f.tensor("out.loss_b", DType.F64).reshape(), out.lossB(), p.tol);
        }
    }

    /** Without the quirk (3DSR's x + f(x)) the same weights give another reconstruction: the flag matters. */
    @Test void withoutTheQuirkTheReconstructionDiffers() {
        Fixture f = DsrFixtures.load("vq_small");
        DadaModel vq = DadaModel.create(VQ_SMALL.withInplaceRelu(false), new Random(1));
        load(vq, f, "", DType.F64);
        vq.eval();
        try (NoGrad ignored = NoGrad.enter()) {
            Tensor recon = vq.forward(f.tensor("x", DType.F64)).recon();
            double diff = DsrFixtures.maxAbs(recon.sub(f.tensor("out.recon", DType.F64)));
            assertTrue(diff > 1e-3 * DsrFixtures.maxAbs(recon), "x + f(x) should not reproduce DSR's relu(x) + f(x), max diff " + diff);
        }
    }

    @ParameterizedTest @EnumSource(Precision.class)
    void subspaceRestrictionModuleOfBaseWidthD(Precision p) {
        Fixture f = DsrFixtures.load("sr_small");
        SubspaceRestrictionModule sr = new SubspaceRestrictionModule(8, 8, new Random(1));
        load(sr, f, "", p.dt);
        VectorQuantizerEMA vq = new VectorQuantizerEMA(16, 8, new Random(2));
        vq.to(p.dt);
        Tensors.copyInto(f.tensor("codebook", p.dt), vq.codebook());
        vq.eval();
        Tensor x = f.tensor("x", p.dt).requiresGrad(true);
        SubspaceRestrictionModule.Output out = sr.forward(x, vq);
        close("sr features", f.tensor("out.features", DType.F64), out.features(), p.tol);
        close("sr quantized", f.tensor("out.quantized", DType.F64), out.quantized(), p.tol);
        close("sr vq loss", f.tensor("out.loss", DType.F64).reshape(), out.loss(), p.tol);
        out.features().mul(f.tensor("lossw.features", p.dt)).sum()
                .add(out.quantized().mul(f.tensor("lossw.quantized", p.dt)).sum()).backward();
        close("sr grad x", f.tensor("grad.x", DType.F64), x.grad(), p.tol);
        paramGrads("sr", sr, f, "", p.tol);
    }

    @ParameterizedTest @EnumSource(Precision.class)
    void imageReconstructionNetworkWithThreeOutputs(Precision p) {
        Fixture f = DsrFixtures.load("decoder_small");
        ImageReconstructionNetwork dec = new ImageReconstructionNetwork(16, 8, 2, 4, 3, new Random(3));
        load(dec, f, "", p.dt);
        Tensor x = f.tensor("x", p.dt).requiresGrad(true);
        Tensor out = dec.forward(x);
        close("decoder out", f.tensor("out", DType.F64), out, p.tol);
        out.mul(f.tensor("lossw", p.dt)).sum().backward();
        close("decoder grad x", f.tensor("grad.x", DType.F64), x.grad(), p.tol);
        paramGrads("decoder", dec, f, "", p.tol);
    }

    @ParameterizedTest @EnumSource(Precision.class)
    void anomalyDetectionModuleOnTwoRgbImages(Precision p) {
        Fixture f = DsrFixtures.load("seg_small");
        AnomalyDetectionModule seg = new AnomalyDetectionModule(6, 4, new Random(4));
        load(seg, f, "", p.dt);
        Tensor a = f.tensor("x.real", p.dt).requiresGrad(true), b = f.tensor("x.anomaly", p.dt).requiresGrad(true);
        Tensor out = seg.forward(a, b);
        close("seg out", f.tensor("out", DType.F64), out, p.tol);
        out.mul(f.tensor("lossw", p.dt)).sum().backward();
        close("seg grad real", f.tensor("grad.x.real", DType.F64), a.grad(), p.tol);
        close("seg grad anomaly", f.tensor("grad.x.anomaly", DType.F64), b.grad(), p.tol);
        paramGrads("seg", seg, f, "", p.tol);
    }

    @ParameterizedTest @EnumSource(Precision.class)
    void upsamplingModule(Precision p) {
        Fixture f = DsrFixtures.load("upsample_small");
        UpsamplingModule up = new UpsamplingModule(4, new Random(5));
        load(up, f, "", p.dt);
        Tensor a = f.tensor("x.real", p.dt).requiresGrad(true), b = f.tensor("x.anomaly", p.dt).requiresGrad(true);
        Tensor m = f.tensor("x.segmentation", p.dt).requiresGrad(true);
        Tensor out = up.forward(a, b, m);
        close("upsample out", f.tensor("out", DType.F64), out, p.tol);
        out.mul(f.tensor("lossw", p.dt)).sum().backward();
        close("upsample grad real", f.tensor("grad.x.real", DType.F64), a.grad(), p.tol);
        close("upsample grad anomaly", f.tensor("grad.x.anomaly", DType.F64), b.grad(), p.tol);
        close("upsample grad segmentation", f.tensor("grad.x.segmentation", DType.F64), m.grad(), p.tol);
        paramGrads("upsample", up, f, "", p.tol);
    }
}
