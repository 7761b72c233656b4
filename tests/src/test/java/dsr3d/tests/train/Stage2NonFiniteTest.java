package dsr3d.tests.train;

import dsr3d.models.dada.Modality;
import dsr3d.models.data.LoadedSample;
import dsr3d.models.stage2.FrozenDada;
import dsr3d.models.stage2.Stage2Data;
import dsr3d.models.stage2.Stage2Run;
import dsr3d.models.stage2.Stage2Model;
import dsr3d.models.stage2.Stage2Trainer;
import dsr3d.models.infer.DadaWeights;
import dsr3d.models.train.NonFiniteException;
import dsr3d.nn.Tensors;
import dsr3d.nn.io.Checkpoint;
import dsr3d.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A weight turns NaN after step 2 (through the shared TrainingLoop) (checkpoint written every step): step 3 must stop with
 * NonFiniteException naming step 3 and the tensor, before any optimiser step, and the
 * checkpoint of step 2 must stay byte for byte as it was; no model file is written. The U-Net's
 * output bias makes a loss term NaN; the object decoder's first weight leaves the forward finite
 * (the ReLUs map NaN to 0) and is caught in the gradients.
 */
class Stage2NonFiniteTest {
    @ParameterizedTest
    @CsvSource({"seg.unet.decoder.fin_out.0.bias, loss term '", "decode.block1.0.weight, gradient of "})
    void nanStopsWithStepAndTensorAndKeepsTheLastCheckpoint(String poisoned, String caught, @TempDir Path tmp) throws Exception {
        Path data = Stage2TrainFixture.synth(tmp.resolve("data"), 2, 0, 1);
        List<LoadedSample> train = Stage2TrainFixture.load(data, "train");
        Path dadaFile = Stage2TrainFixture.dada(tmp.resolve("dada.safetensors"), Modality.RGBD, train, 2);
        DadaWeights.Loaded d = DadaWeights.load(dadaFile, 0);
        Stage2Trainer t = new Stage2Trainer(new FrozenDada(d.model()), Stage2Model.Config.forDada(d.model().config(), Stage2TrainFixture.SIZE),
                new Stage2Data(train, Stage2Data.MaskAlignment.OFFICIAL_UNROTATED), new Stage2Trainer.Options(6, 1, 2e-4, 0));
        Path out = tmp.resolve("run");
        byte[][] saved = new byte[1][];
        NonFiniteException e = assertThrows(NonFiniteException.class, () -> Stage2Run.run(t, d.sha256(), out,
                new Stage2Run.Settings(1, 0, 0, 1), List.of(), false, Long.MAX_VALUE, (step, row) -> {
                    if (step != 2) return;
                    try {
                        saved[0] = Files.readAllBytes(out.resolve(Stage2Run.CHECKPOINT));
                    } catch (java.io.IOException x) {
                        throw new java.io.UncheckedIOException(x);
                    }
                    Tensor w = t.networks().namedParameters().get(poisoned);
                    float[] v = w.toFloatArray();
                    v[0] = Float.NaN;
                    Tensors.copyInto(Tensor.of(v, w.shape()), w);
                }));
        assertEquals(3, e.step);
        assertTrue(e.tensor.startsWith(caught), e.tensor);
        assertTrue(e.getMessage().startsWith("step 3: " + caught) && e.getMessage().contains("NaN"), e.getMessage());
        assertEquals(2, t.optimizer().step(poisoned), "no optimiser step after the NaN");
        assertArrayEquals(saved[0], Files.readAllBytes(out.resolve(Stage2Run.CHECKPOINT)), "checkpoint of step 2 untouched");
        assertEquals("2", Checkpoint.load(out.resolve(Stage2Run.CHECKPOINT)).meta("step"));
        assertTrue(!Files.exists(out.resolve(Stage2Run.MODEL)));
    }
}
