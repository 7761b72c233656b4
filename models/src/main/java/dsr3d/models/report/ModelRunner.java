package dsr3d.models.report;

import dsr3d.models.data.LoadOptions;
import dsr3d.models.data.LoadedSample;
import dsr3d.models.data.Mvtec3dDataset;
import dsr3d.models.data.Preprocess3dsr;
import dsr3d.models.data.Sample;
import dsr3d.models.infer.DadaWeights;
import dsr3d.models.infer.TestTimePipeline;
import dsr3d.models.stage2.Stage2Model;
import dsr3d.models.stage2.Stage2Trainer;
import dsr3d.simulate.io.Tiff;
import dsr3d.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The demo's networks for the report, loaded on first use: the DADA (DIR/dada.safetensors) and
 * each category's stage-2 model, and the test samples preprocessed at the models' image size. A
 * file that is absent or cannot be loaded gives one note and null (the report leaves that part out).
 */
final class ModelRunner {
    private final DemoFolder f;
    private final Consumer<String> note;
    private DadaWeights.Loaded dada;
    private boolean dadaTried;
    private final Map<String, Stage2Model> models = new HashMap<>();
    private final Map<Integer, Mvtec3dDataset> datasets = new HashMap<>();

    ModelRunner(DemoFolder f, Consumer<String> note) {
        this.f = f;
        this.note = note;
    }

    /** The DADA, or null (noted once) when DIR/dada.safetensors is absent or unreadable. */
    DadaWeights.Loaded dada() {
        if (dadaTried) return dada;
        dadaTried = true;
        Path file = f.dada();
        if (!Files.isRegularFile(file)) { note.accept("No " + f.dir().relativize(file) + ": no codebook usage and no object reconstructions."); return null; }
        try {
            dada = DadaWeights.load(file, 0);
        } catch (IOException | RuntimeException e) {
            note.accept("Cannot load the DADA " + file + " (" + e.getMessage() + "): no codebook usage and no object reconstructions.");
        }
        return dada;
    }

    /** The category's stage-2 model, or null (noted) when absent, unreadable or not of this DADA. */
    Stage2Model model(String c) {
        if (models.containsKey(c)) return models.get(c);
        Stage2Model m = null;
        Path file = f.model(c);
        if (dada() != null) {
            if (!Files.isRegularFile(file)) note.accept("No " + f.dir().relativize(file) + ": the overlays of " + c + " have no object reconstruction.");
            else try {
                m = Stage2Model.load(file, dada.model().config(), Preprocess3dsr.SIZE);
                m.checkDada(dada.sha256(), f.dada());
            } catch (IOException | RuntimeException e) {
                note.accept("Cannot use the model " + file + " (" + e.getMessage() + ").");
                m = null;
            }
        }
        models.put(c, m);
        return m;
    }

    /** The image side the category was run at: its model's, else its first anomaly map's width. */
    int imageSize(String c, List<String[]> typeStems) {
        Stage2Model m = model(c);
        if (m != null) return m.config().imageSize();
        try {
            String[] ts = typeStems.getFirst();
            return Tiff.readFloat(f.map(c, ts[0], ts[1])).width();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The test samples of c, preprocessed at size x size as ./3dsr infer does. */
    List<Sample> testSamples(String c, int size) {
        Mvtec3dDataset ds = datasets.computeIfAbsent(size, s -> Mvtec3dDataset.open(f.data(), new LoadOptions(s, Preprocess3dsr.GtMode.NEAREST_BINARY)));
        return ds.samples(c, "test").toList();
    }

    /** The model input [1, C, S, S] of a loaded sample for the DADA's modality. */
    Tensor input(LoadedSample l) {
        Tensor x = l.input();
        return Stage2Trainer.select(dada.model().config().modality(), x.reshape(1, x.size(0), x.size(1), x.size(2)));
    }

    /** The test-time pass of c's model on one sample, or null without a model. */
    TestTimePipeline.Result run(String c, LoadedSample l) {
        Stage2Model m = model(c);
        if (m == null) return null;
        return new TestTimePipeline(dada.model(), m, TestTimePipeline.officialSmoothing(m)).run(input(l));
    }
}
