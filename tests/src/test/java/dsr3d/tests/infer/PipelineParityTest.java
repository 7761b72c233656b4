package dsr3d.tests.infer;

import dsr3d.models.dada.DadaModel;
import dsr3d.models.infer.DadaWeights;
import dsr3d.models.infer.TestTimePipeline;
import dsr3d.models.stage2.AnomalyScoring;
import dsr3d.models.stage2.Stage2Model;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import dsr3d.tests.support.Fixture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static dsr3d.tests.support.TensorAsserts.assertAllClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The whole test-time pass against the official test loop (tests/fixtures/make_infer_fixtures.py):
 * official-format torch.save files (a DADA and the prefix files P_seg/_recon_lo/_recon_hi/_decode)
 * loaded as `infer` loads them, run in F64 (to 1e-9) and F32 (float accuracy); code indices exact.
 */
class PipelineParityTest {
    static Path resource(String name) throws Exception {
        return Path.of(PipelineParityTest.class.getResource("/fixtures/infer/" + name).toURI());
    }

    @ParameterizedTest
    @CsvSource({"pipeline_rgbd, F64, 1e-9", "pipeline_rgbd, F32, 2e-4", "pipeline_depth, F64, 1e-9", "pipeline_depth, F32, 2e-4"})
    void matchesOfficialTestLoop(String name, DType dtype, double tol) throws Exception {
        Fixture f = Fixture.load("infer/" + name);
        DadaWeights.Loaded dada = DadaWeights.load(resource(name + "_dada.pckl"), 0);
        Path prefix = resource(name + "_dada.pckl").resolveSibling(name);
        Stage2Model model = Stage2Model.load(prefix, dada.model().config(), 64);
        DadaModel d = dada.model();
        d.to(dtype);
        model.to(dtype);
        int box = (int) f.array("box").values()[0];
        TestTimePipeline p = new TestTimePipeline(d, model, new AnomalyScoring.Box(box));
        assertEquals(box, ((AnomalyScoring.Box) TestTimePipeline.officialSmoothing(model)).k(), "official box size of the modality");
        TestTimePipeline.Result r = p.run(f.tensor("input", dtype));
        for (String k : new String[] {"indices_lo", "indices_hi", "indices_lo_restricted", "indices_hi_restricted"}) {
            Tensor got = switch (k) {
                case "indices_lo" -> r.indicesLo();
                case "indices_hi" -> r.indicesHi();
                case "indices_lo_restricted" -> r.indicesLoRestricted();
                default -> r.indicesHiRestricted();
            };
            double[] exp = f.array(k).values();
            int[] e = new int[exp.length];
            for (int i = 0; i < e.length; i++) e[i] = (int) exp[i];
            assertArrayEquals(e, got.toIntArray(), name + " " + dtype + " " + k);
        }
        assertAllClose("recon_general", f.tensor("recon_general", DType.F64), r.reconGeneral().to(DType.F64), tol, tol);
        assertAllClose("recon_object", f.tensor("recon_object", DType.F64), r.reconObject().to(DType.F64), tol, tol);
        assertAllClose("mask_logits", f.tensor("mask_logits", DType.F64), r.maskLogits().to(DType.F64), tol, tol);
        Tensor map = r.anomalyMap();
        assertAllClose("anomaly_map", f.tensor("anomaly_map", DType.F64), map.reshape(map.size(2), map.size(3)).to(DType.F64), tol, tol);
        assertEquals(f.array("score").values()[0], r.scores()[0], tol, "image score");
    }
}
