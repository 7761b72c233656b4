package dsr3d.tests.dsr;

import dsr3d.models.dada.DadaConfig;
import dsr3d.models.dada.DadaModel;
import dsr3d.models.dada.Modality;
import dsr3d.models.dsr.DsrModel;
import dsr3d.models.dsr.DsrPipeline;
import dsr3d.models.dsr.DsrStep;
import dsr3d.models.dsr.UpsamplingModule;
import dsr3d.models.stage2.AnomalyDetectionModule;
import dsr3d.models.stage2.AnomalyModes;
import dsr3d.models.stage2.FeatureAnomalies;
import dsr3d.models.stage2.FrozenDada;
import dsr3d.models.stage2.ImageReconstructionNetwork;
import dsr3d.models.stage2.LatentAnomalies;
import dsr3d.models.stage2.Stage2Model;
import dsr3d.models.stage2.Stage2Sizes;
import dsr3d.models.stage2.Stage2Step;
import dsr3d.models.stage2.SubspaceRestrictionModule;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import dsr3d.tests.support.Fixture;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dsr3d.tests.dsr.DsrFixtures.close;
import static dsr3d.tests.dsr.DsrFixtures.load;
import static dsr3d.tests.dsr.DsrFixtures.paramGrads;
import static dsr3d.tests.support.TensorAsserts.assertAllClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DSR's generator and training steps against the official code (make_dsr_fixtures.py), F64:
 * generate_fake_anomalies_joined with its recorded draws (no patch shuffle); one stage-2 step of
 * train_dsr.py's loop with the generator's draws fixed (inputs, ground truth, the four loss terms,
 * every gradient: the focal term must not reach the SR nets or the decoder, the segmentation input
 * being detached); one stage-3 step (focal loss of the upsampling module, its gradients).
 */
class DsrTrainingStepParityTest {
    static final double TOL = 1e-9;

    static LatentAnomalies.Draws draws(Fixture f, String key, int batch) {
        double[] r = f.array(key).values();
        int hw = r.length / batch;
        int[][] off = new int[batch][hw];
        for (int b = 0; b < batch; b++) for (int i = 0; i < hw; i++) off[b][i] = (int) r[b * hw + i];
        return new LatentAnomalies.Draws(off, false, 0, null);
    }

    @Test void generatorWithoutPatchShuffle() {
        Fixture f = DsrFixtures.load("anomalies");
        double[] s = f.array("strength").values();
        Tensor out = LatentAnomalies.apply(f.tensor("z", DType.F64), f.tensor("q", DType.F64), f.tensor("codebook", DType.F64),
                f.tensor("mask", DType.F64), s, draws(f, "draw.a.ranks", s.length));
        close("anomalies", f.tensor("out", DType.F64), out, TOL);
    }

    /** The small stack of make_dsr_fixtures.small_stack: VQ (16 hidden, 1 layer of 8, 64 x 8 codes), SR D = 8, decoder (16, 16, 1, 4), U-Net base 4. */
    static DadaModel vq(Fixture f) {
        DadaModel vq = DadaModel.create(new DadaConfig(Modality.RGB, 3, 3, 16, 8, 1, 8, 64, 0.25, 0.99, 1, 64, true), new Random(1));
        load(vq, f, "vq.", DType.F64);
        return vq;
    }

    static Stage2Step.Nets nets(Fixture f) {
        Stage2Step.Nets n = new Stage2Step.Nets(new SubspaceRestrictionModule(8, 8, new Random(2)), new SubspaceRestrictionModule(8, 8, new Random(3)),
                new ImageReconstructionNetwork(16, 16, 1, 4, 3, new Random(4)), new AnomalyDetectionModule(6, 4, new Random(5)));
        load(n.srLo(), f, "subspace_restriction_lo.", DType.F64);
        load(n.srHi(), f, "subspace_restriction_hi.", DType.F64);
        load(n.decode(), f, "image_recon_module.", DType.F64);
        load(n.seg(), f, "anomaly_det_module.", DType.F64);
        return n;
    }

    @Test void stage2Step() {
        Fixture f = DsrFixtures.load("training_step");
        FrozenDada dada = new FrozenDada(vq(f));
        Stage2Step.Nets n = nets(f);
        Tensor x = f.tensor("input", DType.F64), mask = f.tensor("mask", DType.F64);
        int b = x.size(0);
        FrozenDada.Features feat = dada.encode(x);
        double[] both = f.array("use_both").values(), lo = f.array("use_lo").values();
        boolean[] fb = new boolean[b], fl = new boolean[b];
        for (int i = 0; i < b; i++) { fb[i] = both[i] > 0.5; fl[i] = lo[i] > 0.5; }
        FeatureAnomalies.Draws d = new FeatureAnomalies.Draws(f.array("strength_lo").values(), f.array("strength_hi").values(),
                draws(f, "draw.lo.ranks", b), draws(f, "draw.hi_both.ranks", b), draws(f, "draw.hi_only.ranks", b), new AnomalyModes(fb, fl));
        FeatureAnomalies.Batch batch = FeatureAnomalies.generate(feat.encHi(), feat.zLo(), feat.qLo(), mask, dada, d);
        close("q_lo", f.tensor("out.q_lo", DType.F64), batch.qLo(), TOL);
        close("lo input", f.tensor("out.lo_input", DType.F64), batch.loInput(), TOL);
        close("hi input", f.tensor("out.hi_input", DType.F64), batch.hiInput(), TOL);
        close("q_hi_real", f.tensor("out.q_hi_real", DType.F64), batch.qHiReal(), TOL);
        assertAllClose("gt", f.tensor("out.gt", DType.F64), batch.groundTruth().to(DType.F64), 0, 0);

        DsrStep.Result r = DsrStep.stage2(n, dada, batch, x);
        close("recon general", f.tensor("out.recon_general", DType.F64), r.reconGeneral(), TOL);
        close("recon object", f.tensor("out.recon_object", DType.F64), r.reconObject(), TOL);
        close("logits", f.tensor("out.logits", DType.F64), r.logits(), TOL);
        for (String k : new String[] {"feature_lo", "feature_hi", "image", "focal"})
            assertEquals(f.array("loss." + k).values()[0], r.terms().get(k).item(), TOL * Math.abs(f.array("loss." + k).values()[0]), k);
        assertEquals(f.array("loss.total").values()[0], r.terms().get("loss").item(), 1e-12 + TOL * f.array("loss.total").values()[0], "total");
        r.terms().get("loss").backward();
        paramGrads("sr_lo", n.srLo(), f, "subspace_restriction_lo.", 1e-8);
        paramGrads("sr_hi", n.srHi(), f, "subspace_restriction_hi.", 1e-8);
        paramGrads("decode", n.decode(), f, "image_recon_module.", 1e-8);
        paramGrads("seg", n.seg(), f, "anomaly_det_module.", 1e-8);
    }

    @Test void stage3Step() {
        Fixture f = DsrFixtures.load("upsample_step");
        DadaModel vq = vq(f);
        Stage2Step.Nets n = nets(f);
        UpsamplingModule up = new UpsamplingModule(4, new Random(6));
        load(up, f, "upsample_module.", DType.F64);
        DsrModel.Config c = new DsrModel.Config(new Stage2Model.Config(vq.config(), new Stage2Sizes(8, 8, 16, 1, 4, 64, 4, 3), 64), 4);
        DsrModel m = new DsrModel(c, n, up, null);
        DsrPipeline frozen = new DsrPipeline(vq, m);
        up.train(true);
        DsrStep.Stage3Result r = DsrStep.stage3(frozen, up, f.tensor("input", DType.F64), f.tensor("mask", DType.F64));
        close("recon object", f.tensor("out.recon_object", DType.F64), r.reconObject(), TOL);
        close("recon general", f.tensor("out.recon_general", DType.F64), r.reconGeneral(), TOL);
        close("mask softmax", f.tensor("out.mask_sm", DType.F64), r.maskSoftmax(), TOL);
        close("refined", f.tensor("out.refined", DType.F64), r.refined(), TOL);
        assertEquals(f.array("loss.focal").values()[0], r.terms().get("loss").item(), TOL, "focal");
        r.terms().get("loss").backward();
        paramGrads("upsample", up, f, "upsample_module.", 1e-8);
        for (var p : n.seg().parameters()) assertTrue(p.grad() == null, "the anomaly module is frozen in stage 3");
    }
}
