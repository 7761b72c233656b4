package dsr3d.tests.cuda;

import dsr3d.cuda.CudaBackend;
import dsr3d.models.dada.DadaConfig;
import dsr3d.models.dada.DadaModel;
import dsr3d.models.dada.Modality;
import dsr3d.models.infer.TestTimePipeline;
import dsr3d.models.stage2.AnomalyScoring;
import dsr3d.models.stage2.FeatureAnomalies;
import dsr3d.models.stage2.FrozenDada;
import dsr3d.models.stage2.Stage2Model;
import dsr3d.models.stage2.Stage2Step;
import dsr3d.nn.optim.Adam;
import dsr3d.simulate.Rng;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.backend.Backend;
import dsr3d.tests.cuda.support.RecordingBackend;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * CUDA op coverage of one stage-2 training step and of the test-time pipeline, without a GPU.
 * Unlike {@link DadaStepCoverageTest} (autograd op labels mapped to kernels by a hand-written
 * table) the kernels are recorded: everything runs on {@link RecordingBackend}, the CPU backend
 * standing in for the CUDA one as {@code -Ddsr3d.backend=cuda} would install it (model creation,
 * the frozen DADA's encoding, {@code FeatureAnomalies} generation with random draws, the
 * {@link Stage2Step} forward and losses, backward and an Adam step; the inference pass with the
 * official box and the Gaussian smoothing option). It refuses what CudaBackend refuses (F64
 * storages, a storage of another backend), so a host-side F64 temporary or a stray CPU tensor
 * fails here as it would on the GPU. Every SPI method called must be implemented by
 * {@link CudaBackend} itself. Small preset at 64 x 64 (the latent patch shuffle needs the 8 x 8 lo
 * map to be divisible by p = 8), batch 2, F32.
 *
 * <p>Host transfers (download calls) are printed: they are where the step leaves the device.
 */
class Stage2CoverageTest {
    static final int SIZE = 64, BATCH = 2;

    static void assertCudaImplements(Set<String> kernels, String what) throws NoSuchMethodException {
        assertFalse(kernels.isEmpty(), what + ": nothing was recorded");
        for (String k : kernels) {
            Method bm = null;
            for (Method m : Backend.class.getMethods()) if (m.getName().equals(k)) bm = m;
            assertNotNull(bm, "Backend has no method " + k);
            Method cm = CudaBackend.class.getMethod(k, bm.getParameterTypes());
            assertEquals(CudaBackend.class, cm.getDeclaringClass(), what + " needs " + k + ", which CudaBackend does not implement itself");
        }
    }

    static Tensor mask(Random r) {
        float[] m = new float[BATCH * SIZE * SIZE];
        for (int b = 0; b < BATCH; b++)               // a rectangle per image, the second image half-empty
            for (int y = 8 + 4 * b; y < 40; y++)
                for (int x = 16; x < 48 - 8 * b; x++) m[(b * SIZE + y) * SIZE + x] = 1;
        return Tensor.of(m, BATCH, 1, SIZE, SIZE);
    }

    static String transfers(RecordingBackend rec) {
        return "downloads " + rec.calls.getOrDefault("download", 0) + " calls / " + rec.downloadedElements + " elements, uploads "
                + rec.calls.getOrDefault("upload", 0) + " calls / " + rec.uploadedElements + " elements";
    }

    @Test
    void everyKernelOfAStage2TrainingStepIsACudaKernel() throws Exception {
        RecordingBackend rec = new RecordingBackend();
        Map<String, Set<String>> phases = new LinkedHashMap<>();
        try (AutoCloseable ignored = rec.install()) {
            for (Modality mod : new Modality[] {Modality.RGBD, Modality.DEPTH}) {
                rec.reset();
                DadaConfig dc = DadaConfig.small(mod, false).withImageSize(SIZE);
                FrozenDada dada = new FrozenDada(DadaModel.createForTraining(dc, new Random(1)));
                Stage2Model model = Stage2Model.create(Stage2Model.Config.forDada(dc, SIZE), null, new Random(2));
                Stage2Step.Nets nets = model.nets();
                Map<String, Tensor> named = new LinkedHashMap<>();
                for (Tensor p : nets.parameters()) named.put("p" + named.size(), p);
                Adam adam = new Adam(named, 2e-4);
                phases.put(mod.cliName() + " creation", rec.kernels());
                for (int step = 0; step < 2; step++) {   // the second step with Adam moments present; shuffle and picks both drawn
                    rec.reset();
                    Tensor x = Tensor.uniform(new Random(3 + step), 0, 1, DType.F32, BATCH, mod.channels, SIZE, SIZE);
                    FrozenDada.Features f = dada.encode(x);
                    Rng rng = new Rng(7 + 2 * step);
                    FeatureAnomalies.Draws draws = FeatureAnomalies.Draws.random(rng, BATCH, f.zLo().size(2), f.zLo().size(3),
                            f.encHi().size(2), f.encHi().size(3), dada.codebookLo().size(0), dada.codebookHi().size(0));
                    FeatureAnomalies.Batch anomalies = FeatureAnomalies.generate(f.encHi(), f.zLo(), f.qLo(), mask(new Random(5)), dada, draws);
                    Stage2Step.Result r = Stage2Step.forward(nets, dada, anomalies, x);
                    Tensor loss = r.loss().total();
                    adam.zeroGrad();
                    loss.backward();
                    adam.step();
                    assertTrue(Double.isFinite(loss.item()), "loss " + loss.item());
                    phases.put(mod.cliName() + " step " + (step + 1) + " (" + transfers(rec) + ")", rec.kernels());
                }
            }
        }
        phases.forEach((k, v) -> System.out.println("stage-2 " + k + ": " + v));
        for (var e : phases.entrySet()) assertCudaImplements(e.getValue(), "stage-2 " + e.getKey());
        Set<String> all = new java.util.TreeSet<>();
        phases.values().forEach(all::addAll);
        assertTrue(all.containsAll(Set.of("conv2dForward", "conv2dBackwardInput", "conv2dBackwardWeight", "instanceNorm",
                "instanceNormBackward", "vqNearest", "matmul", "softmaxRows", "upsampleNearest", "maxPool2d")),
                "the recording looks incomplete: " + all);
    }

    @Test
    void everyKernelOfTheTestTimePipelineIsACudaKernel() throws Exception {
        RecordingBackend rec = new RecordingBackend();
        Map<String, Set<String>> phases = new LinkedHashMap<>();
        try (AutoCloseable ignored = rec.install()) {
            for (Modality mod : new Modality[] {Modality.RGBD, Modality.DEPTH}) {
                DadaConfig dc = DadaConfig.small(mod, false).withImageSize(SIZE);
                DadaModel dada = DadaModel.createForTraining(dc, new Random(1));
                Stage2Model model = Stage2Model.create(Stage2Model.Config.forDada(dc, SIZE), null, new Random(2));
                Tensor x = Tensor.uniform(new Random(3), 0, 1, DType.F32, BATCH, mod.channels, SIZE, SIZE);
                for (AnomalyScoring.Smoothing sm : new AnomalyScoring.Smoothing[] {TestTimePipeline.officialSmoothing(model),
                        new AnomalyScoring.Gaussian(4)}) {
                    rec.reset();
                    TestTimePipeline.Result r = new TestTimePipeline(dada, model, sm).run(x);
                    assertEquals(BATCH, r.scores().length);
                    phases.put(mod.cliName() + " " + sm + " (" + transfers(rec) + ")", rec.kernels());
                }
            }
        }
        phases.forEach((k, v) -> System.out.println("inference " + k + ": " + v));
        for (var e : phases.entrySet()) assertCudaImplements(e.getValue(), "inference " + e.getKey());
        Set<String> all = new java.util.TreeSet<>();
        phases.values().forEach(all::addAll);
        assertTrue(all.containsAll(Set.of("conv2dForward", "instanceNorm", "vqNearest", "softmaxRows", "avgPool2d", "upsampleBilinear")),
                "the recording looks incomplete: " + all);
    }
}
