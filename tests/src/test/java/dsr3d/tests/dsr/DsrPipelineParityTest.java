package dsr3d.tests.dsr;

import dsr3d.models.dada.DadaModel;
import dsr3d.models.dsr.DsrModel;
import dsr3d.models.dsr.DsrPipeline;
import dsr3d.models.infer.DadaWeights;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import dsr3d.tests.support.Fixture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static dsr3d.tests.support.TensorAsserts.assertAllClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DSR's whole test-time pass against test_dsr.py's loop (make_dsr_fixtures.py, pipeline.bin):
 * official-format torch.save files named as test_dsr.py loads them (vq_model.pckl and
 * DSR_subspace_restriction_hi_toy.pckl, ... in one folder) loaded as {@code infer --method dsr}
 * loads them, on random small weights; the three images of the toy MVTec AD test split (the
 * official TestMVTecDataset's tensors from the fixture). Code indices exact; maps and scores to
 * 1e-9 in F64 and to float accuracy in F32.
 */
class DsrPipelineParityTest {
    @ParameterizedTest
    @CsvSource({"F64, 1e-9", "F32, 2e-4"})
    void matchesTheOfficialTestLoop(DType dtype, double tol) throws Exception {
        Fixture f = DsrFixtures.load("pipeline");
        Path dir = DsrFixtures.resource("pipeline/vq_model.pckl").getParent();
        DadaWeights.Loaded vq = DadaWeights.loadDsr(dir.resolve("vq_model.pckl"));
        assertTrue(vq.model().config().inplaceRelu(), "an official DSR VQ file gets the in-place-ReLU blocks");
        DsrModel model = DsrModel.load(dir, "toy", vq.model().config(), 64);
        assertEquals(8, model.config().upsampleBaseWidth(), "widths come from the files' shapes");
        DadaModel d = vq.model();
        d.to(dtype);
        model.to(dtype);
        DsrPipeline p = new DsrPipeline(d, model);
        int count = (int) f.array("count").values()[0];
        assertEquals(3, count);
        for (int i = 0; i < count; i++) {
            String k = i + ".";
            DsrPipeline.Result r = p.run(f.tensor(k + "image", dtype));
            assertArrayEquals(DsrFixtures.ints(f, k + "indices_lo"), r.indicesLo().toIntArray(), k + "indices_lo");
            assertArrayEquals(DsrFixtures.ints(f, k + "indices_hi"), r.indicesHi().toIntArray(), k + "indices_hi");
            assertArrayEquals(DsrFixtures.ints(f, k + "indices_lo_restricted"), r.indicesLoRestricted().toIntArray(), k + "indices_lo_restricted");
            assertArrayEquals(DsrFixtures.ints(f, k + "indices_hi_restricted"), r.indicesHiRestricted().toIntArray(), k + "indices_hi_restricted");
            for (String[] c : new String[][] {{"recon_general", "g"}, {"recon_object", "o"}, {"mask_logits", "m"}, {"upsample_logits", "u"}}) {
                Tensor got = switch (c[1]) {
                    case "g" -> r.reconGeneral();
                    case "o" -> r.reconObject();
                    case "m" -> r.maskLogits();
                    default -> r.upsampleLogits();
                };
                assertAllClose(k + c[0], f.tensor(k + c[0], DType.F64), got.to(DType.F64), tol, tol);
            }
            Tensor map = r.anomalyMap();
            assertAllClose(k + "anomaly_map", f.tensor(k + "anomaly_map", DType.F64), map.reshape(map.size(2), map.size(3)).to(DType.F64), tol, tol);
            assertEquals(f.array(k + "score").values()[0], r.scores()[0], tol, k + "image score");
        }
    }
}
