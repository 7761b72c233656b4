package dsr3d.models.dsr;

import dsr3d.models.data.MvtecAdDataset;
import dsr3d.models.infer.DadaWeights;
import dsr3d.models.stage2.FrozenDada;
import dsr3d.models.stage2.Stage2Model;
import dsr3d.models.train.TrainingLoop;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One class's DSR training (stages 2 and 3) as a request, shared by {@code ./3dsr train --method dsr}
 * and the experiments, which train several classes side by side in one JVM: both run exactly the
 * same code, and {@link Request#commandLine} is the command a user types to repeat it.
 */
public final class DsrTraining {
    private DsrTraining() {}

    /**
     * @param imageSize 0 = the preset's (paper 256, small 64)
     * @param checkpointEvery both stages' checkpoint interval
     */
    public record Request(Path datasetBaseDir, String category, Path dada, Path out, String preset, int imageSize,
                          DsrTrainer.Options options, long checkpointEvery) {
        public Request {
            if (!preset.equals("paper") && !preset.equals("small")) throw new IllegalArgumentException("--preset must be paper or small, got '" + preset + "'");
            if (imageSize < 0) throw new IllegalArgumentException("--image-size must be >= 0, got " + imageSize);
        }

        /** The equivalent {@code ./3dsr train --method dsr} command line (every setting spelled out). */
        public List<String> commandLine(int threads) {
            List<String> a = new ArrayList<>(List.of("./3dsr", "train", "--method", "dsr", "--dataset-base-dir", datasetBaseDir.toString(),
                    "--category", category, "--dada", dada.toString(), "--out", out.toString(), "--preset", preset));
            if (imageSize > 0) a.addAll(List.of("--image-size", Integer.toString(imageSize)));
            a.addAll(List.of("--iterations", Long.toString(options.iterations()), "--upsample-iterations", Long.toString(options.upsampleIterations()),
                    "--batch", Integer.toString(options.batch()), "--lr", String.format(Locale.ROOT, "%s", options.lr()),
                    "--seed", Long.toString(options.seed()), "--checkpoint-every", Long.toString(checkpointEvery),
                    "--threads", Integer.toString(threads)));
            return a;
        }
    }

    /** A trainer ready to run, the VQ model's SHA-256 (recorded in the model), and what it trains on. */
    public record Prepared(Request request, DsrTrainer trainer, String vqSha256, int images, int imageSize) {
        /** Runs (or resumes) both stages, or stops after stage 2 step stop2 / stage 3 step stop3 (Long.MAX_VALUE = no stop). */
        public DsrRun.Reached run(boolean resume, long stop2, long stop3, TrainingLoop.Listener listener) throws IOException {
            return DsrRun.run(trainer, vqSha256, request.out(), request.checkpointEvery(), resume, stop2, stop3, listener);
        }
    }

    /** Loads the VQ model and the class's train/good images and checks they agree with the request's preset. */
    public static Prepared prepare(Request r) throws IOException {
        DadaWeights.Loaded vq = DadaWeights.loadDsr(r.dada());
        DsrModel.Config preset = DsrModel.Config.preset(r.preset());
        if (!preset.vq().equals(vq.model().config().withImageSize(preset.vq().imageSize())))
            throw new IllegalArgumentException("--preset " + r.preset() + " but the VQ model " + r.dada() + " has other sizes (" + vq.model().config().toJson()
                    + "); use the preset it was trained with");
        int size = r.imageSize() > 0 ? r.imageSize() : preset.imageSize();
        DsrModel.Config config = new DsrModel.Config(new Stage2Model.Config(vq.model().config(), preset.sizes(), size), preset.upsampleBaseWidth());

        MvtecAdDataset ds = MvtecAdDataset.open(r.datasetBaseDir());
        if (!ds.categories().contains(r.category()))
            throw new IllegalArgumentException("--category " + r.category() + ": not in " + r.datasetBaseDir() + " (has " + ds.categories() + ")");
        List<float[]> images = new ArrayList<>();
        for (MvtecAdDataset.Item it : ds.samples(r.category(), "train")) images.add(MvtecAdDataset.load(it, size).image());
        if (images.isEmpty()) throw new IllegalArgumentException("category '" + r.category() + "' has no train/good images under " + r.datasetBaseDir());
        DsrTrainer trainer = new DsrTrainer(new FrozenDada(vq.model()), config, new DsrData(images, size), r.options(), vq.sha256());
        return new Prepared(r, trainer, vq.sha256(), images.size(), size);
    }
}
