package dsr3d.tests.train;

import dsr3d.models.dada.DadaConfig;
import dsr3d.models.dada.DadaModel;
import dsr3d.models.dada.Modality;
import dsr3d.models.data.LoadOptions;
import dsr3d.models.data.LoadedSample;
import dsr3d.models.data.Mvtec3dDataset;
import dsr3d.models.data.Preprocess3dsr;
import dsr3d.models.data.Sample;
import dsr3d.nn.io.Checkpoint;
import dsr3d.simulate.synth.SynthDataset;
import dsr3d.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** A tiny synthetic category (./3dsr synth at 64 x 64) and a small-preset DADA file for stage-2 tests. */
final class Stage2TrainFixture {
    static final String CATEGORY = "cookie";
    static final int SIZE = 64;

    private Stage2TrainFixture() {}

    /** root/cookie with train good images and test images (good + defects). */
    static Path synth(Path root, int train, int test, long seed) throws IOException {
        SynthDataset.generate(new SynthDataset.Config(List.of(CATEGORY), SIZE, train, 0, test, seed, 1), root, s -> {});
        return root;
    }

    static List<LoadedSample> load(Path root, String split) {
        Mvtec3dDataset ds = Mvtec3dDataset.open(root, new LoadOptions(SIZE, Preprocess3dsr.GtMode.NEAREST_BINARY));
        return ds.samples(CATEGORY, split).map(Sample::load).toList();
    }

    /** A small-preset DADA with the training scripts' initialisation and codebooks started from the
     *  encoder outputs of the given images (an untrained but non-degenerate DADA), saved as ours. */
    static Path dada(Path file, Modality m, List<LoadedSample> images, long seed) throws IOException {
        DadaConfig c = DadaConfig.small(m, false);
        DadaModel model = DadaModel.createForTraining(c, new Random(seed));
        Tensor[] in = images.stream().map(s -> s.input().reshape(1, 4, SIZE, SIZE)).toArray(Tensor[]::new);
        Tensor x = dsr3d.models.stage2.Stage2Trainer.select(m, Tensor.concat(0, in));
        model.warmStartCodebooks(x, new Random(seed + 1));
        new Checkpoint(model.stateDict(), Map.of("format", "dsr3d-dada/1", "config", c.toJson())).save(file);
        return file;
    }
}
