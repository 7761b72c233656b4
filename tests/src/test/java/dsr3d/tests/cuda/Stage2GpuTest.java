package dsr3d.tests.cuda;

import dsr3d.cuda.CudaBackend;
import dsr3d.models.dada.DadaConfig;
import dsr3d.models.dada.DadaModel;
import dsr3d.models.dada.Modality;
import dsr3d.models.infer.TestTimePipeline;
import dsr3d.models.stage2.FeatureAnomalies;
import dsr3d.models.stage2.FrozenDada;
import dsr3d.models.stage2.Stage2Model;
import dsr3d.models.stage2.Stage2Step;
import dsr3d.simulate.Rng;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.backend.Backend;
import dsr3d.tensor.backend.Backends;
import dsr3d.tests.cuda.support.Gpu;
import dsr3d.tests.cuda.support.RecordingBackend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * One stage-2 training step and one inference pass on the CUDA backend against the CPU backend
 * (the oracle), same seeds, small preset at 64 x 64, batch 2, F32: the models are created with the
 * same host draws on each backend, so only the kernels differ. Compared: every loss term and the
 * gradient norm of each of the four networks (rel 2e-3: fp32 kernels with other summation orders;
 * the latent anomaly draws are replayed, but a rank pick or a nearest code can flip on a near tie of
 * fp32 distances, which the tolerance cannot absorb and the message then names); the inference's
 * code indices (at least 99 % equal) and the smoothed map and scores (1e-4 + 2e-3 relative). Prints
 * the seconds per call on each backend. Needs a GPU: without one, SKIPPED with the driver's reason
 * (@Gpu.Test; run by bench/gpu/device-check.sh).
 */
@Gpu.Test
class Stage2GpuTest {
    static final int SIZE = 64, BATCH = 2;

    record StepOut(Map<String, Double> terms, double seconds) {}

    static StepOut step(Modality mod) {
        DadaConfig dc = DadaConfig.small(mod, false).withImageSize(SIZE);
        FrozenDada dada = new FrozenDada(DadaModel.createForTraining(dc, new Random(1)));
        Stage2Model model = Stage2Model.create(Stage2Model.Config.forDada(dc, SIZE), null, new Random(2));
        Tensor x = Tensor.uniform(new Random(3), 0, 1, DType.F32, BATCH, mod.channels, SIZE, SIZE);
        long t0 = System.nanoTime();
        FrozenDada.Features f = dada.encode(x);
        FeatureAnomalies.Draws draws = FeatureAnomalies.Draws.random(new Rng(9), BATCH, f.zLo().size(2), f.zLo().size(3),
                f.encHi().size(2), f.encHi().size(3), dada.codebookLo().size(0), dada.codebookHi().size(0));
        FeatureAnomalies.Batch anomalies = FeatureAnomalies.generate(f.encHi(), f.zLo(), f.qLo(), Stage2CoverageTest.mask(null), dada, draws);
        Stage2Step.Result r = Stage2Step.forward(model.nets(), dada, anomalies, x);
        r.loss().total().backward();
        Map<String, Double> out = new LinkedHashMap<>();
        r.loss().byName().forEach((k, v) -> out.put("loss " + k, v.item()));
        for (String part : Stage2Model.PARTS) {
            double sq = 0;
            for (Tensor p : model.part(part).parameters())
                if (p.grad() != null) for (double g : p.grad().toDoubleArray()) sq += g * g;
            out.put("grad norm " + part, Math.sqrt(sq));
        }
        return new StepOut(out, (System.nanoTime() - t0) / 1e9);
    }

    record InferOut(TestTimePipeline.Result r, double seconds) {}

    static InferOut infer(Modality mod) {
        DadaConfig dc = DadaConfig.small(mod, false).withImageSize(SIZE);
        DadaModel dada = DadaModel.createForTraining(dc, new Random(1));
        Stage2Model model = Stage2Model.create(Stage2Model.Config.forDada(dc, SIZE), null, new Random(2));
        Tensor x = Tensor.uniform(new Random(3), 0, 1, DType.F32, BATCH, mod.channels, SIZE, SIZE);
        TestTimePipeline p = new TestTimePipeline(dada, model, TestTimePipeline.officialSmoothing(model));
        long t0 = System.nanoTime();
        TestTimePipeline.Result r = p.run(x);
        r.anomalyMap().toDoubleArray();   // waits for the device
        return new InferOut(r, (System.nanoTime() - t0) / 1e9);
    }

    static <T> T onCuda(java.util.function.Supplier<T> body) throws Exception {
        Backend cuda = Backends.pick("cuda");
        assertInstanceOf(CudaBackend.class, cuda);
        try (AutoCloseable ignored = RecordingBackend.use(cuda)) {
            return body.get();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Modality.class, names = {"RGBD", "DEPTH"})
    void trainingStepMatchesTheCpu(Modality mod) throws Exception {
        StepOut cpu = step(mod);
        StepOut gpu = onCuda(() -> step(mod));
        System.out.printf("stage-2 step %s 64x64 batch %d: cpu %.3f s, cuda %.3f s (first call, with kernel loading)%n", mod.cliName(), BATCH, cpu.seconds(), gpu.seconds());
        for (var e : cpu.terms().entrySet()) {
            double want = e.getValue(), got = gpu.terms().get(e.getKey());
            assertTrue(Math.abs(got - want) <= 1e-6 + 2e-3 * Math.abs(want), mod + " " + e.getKey() + ": cpu " + want + ", cuda " + got
                    + " (all: cpu " + cpu.terms() + ", cuda " + gpu.terms() + ")");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Modality.class, names = {"RGBD", "DEPTH"})
    void inferenceMatchesTheCpu(Modality mod) throws Exception {
        InferOut cpu = infer(mod);
        InferOut gpu = onCuda(() -> infer(mod));
        System.out.printf("inference %s 64x64 batch %d: cpu %.3f s, cuda %.3f s (first call)%n", mod.cliName(), BATCH, cpu.seconds(), gpu.seconds());
        int[][] pairs = {cpu.r().indicesLo().toIntArray(), gpu.r().indicesLo().toIntArray(), cpu.r().indicesHi().toIntArray(), gpu.r().indicesHi().toIntArray(),
                cpu.r().indicesLoRestricted().toIntArray(), gpu.r().indicesLoRestricted().toIntArray(),
                cpu.r().indicesHiRestricted().toIntArray(), gpu.r().indicesHiRestricted().toIntArray()};
        for (int i = 0; i < pairs.length; i += 2) {
            int same = 0;
            for (int j = 0; j < pairs[i].length; j++) if (pairs[i][j] == pairs[i + 1][j]) same++;
            assertTrue(same >= 0.99 * pairs[i].length, mod + " code indices " + i / 2 + ": " + same + " of " + pairs[i].length + " equal");
        }
        double[] want = cpu.r().anomalyMap().toDoubleArray(), got = gpu.r().anomalyMap().toDoubleArray();
        int bad = 0;
        for (int i = 0; i < want.length; i++) if (!(Math.abs(got[i] - want[i]) <= 1e-4 + 2e-3 * Math.abs(want[i]))) bad++;
        assertEquals(0, bad, mod + ": " + bad + " of " + want.length + " map values differ");
        assertArrayEquals(cpu.r().scores(), gpu.r().scores(), 1e-4, mod + " image scores");
    }
}
