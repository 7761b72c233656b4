package dsr3d.models.dada;

import dsr3d.models.data.LoadOptions;
import dsr3d.models.data.Mvtec3dDataset;
import dsr3d.models.data.Preprocess3dsr;
import dsr3d.models.train.JsonlLog;
import dsr3d.models.train.TrainingLoop;
import dsr3d.models.train.TrainingState;
import dsr3d.models.viz.ReconPicture;
import dsr3d.nn.io.Checkpoint;
import dsr3d.nn.io.CheckpointFormatException;
import dsr3d.nn.optim.Adam;
import dsr3d.nn.optim.MultiStepLR;
import dsr3d.simulate.DepthSimulation;
import dsr3d.simulate.source.FolderImageSource;
import dsr3d.simulate.source.ImageSource;
import dsr3d.simulate.source.ProceduralImageSource;
import dsr3d.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Stage 1 (spec 2.8, 3): trains a DADA on simulated (or dataset) RGB-D batches with Adam and
 * MultiStepLR x0.1 at 80 % and 90 % of the iterations, through {@link TrainingLoop}. Files in the
 * output folder: {@code log.jsonl}, {@code checkpoint.safetensors} (whole state, every
 * checkpointEvery steps and at the end), {@code recon/step-N.png} (at each checkpoint) and
 * {@code dada.safetensors} (final weights and configuration).
 *
 * <p>Random streams: initial weights from Random(seed); every sample of every step from
 * {@link Stage1Data#stream}(seed, step, i). So the run is a function of the options, and a resume
 * needs only the checkpoint's step.
 */
public final class DadaTrainer {
    public static final String CHECKPOINT = "checkpoint.safetensors", FINAL = "dada.safetensors", LOG = "log.jsonl";

    private final Stage1Options options;
    private final Path out;
    private final DadaConfig config;
    private final DadaModel model;
    private final Adam adam;
    private final MultiStepLR sched;
    private final Stage1Data data;
    private final DadaLoss loss;
    private final long checkpointEvery;
    private Tensor lastX;
    private DadaModel.Output lastOut;

    public DadaTrainer(Stage1Options options, Path out, long checkpointEvery) throws IOException {
        this.options = options;
        this.out = out;
        this.checkpointEvery = checkpointEvery;
        this.config = options.config();
        this.model = options.weightInit().equals("official") ? DadaModel.createForTraining(config, new Random(options.seed()))
                : DadaModel.create(config, new Random(options.seed()));
        model.train(true);
        this.adam = new Adam(model.namedParameters(), options.lr());
        this.sched = new MultiStepLR(adam, new int[]{(int) (options.iterations() * 0.8), (int) (options.iterations() * 0.9)}, 0.1);
        this.data = makeData(options, config);
        this.loss = options.dadaLoss();
    }

    private static Stage1Data makeData(Stage1Options o, DadaConfig c) throws IOException {
        Modality m = c.modality();
        if (o.datasetBaseDir() != null) {
            Mvtec3dDataset ds = Mvtec3dDataset.open(Path.of(o.datasetBaseDir()), new LoadOptions(c.imageSize(), Preprocess3dsr.GtMode.NEAREST_BINARY));
            List<Tensor> inputs = new ArrayList<>();
            for (String cat : ds.categories()) ds.samples(cat, "train").forEach(s -> inputs.add(s.load().input()));
            if (inputs.isEmpty()) throw new IOException(o.datasetBaseDir() + ": no train samples found for --dataset-base-dir");
            return Stage1Data.fixed(inputs, m);
        }
        int s = c.imageSize();
        ImageSource images = o.images() != null ? new FolderImageSource(Path.of(o.images()), s, s)
                : new ProceduralImageSource(o.seed(), o.proceduralImages(), s, s);
        DepthSimulation.Options d = new DepthSimulation.Options(o.depthSource().equals("perlin"), o.affine());
        return Stage1Data.simulated(images, new DepthSimulation(d), m);
    }

    public DadaModel model() { return model; }

    /** DSR's VQ-VAE sees OpenCV's BGR order (its loaders use cv2.imread): the RGB batch [B, 3, S, S]
     *  reversed for a DSR configuration ({@link DadaConfig#inplaceRelu}); every other model as given. */
    Tensor order(Tensor x) {
        if (!config.inplaceRelu() || config.modality() != Modality.RGB) return x;
        return Tensor.concat(1, x.slice(1, 2, 3), x.slice(1, 1, 2), x.slice(1, 0, 1)).contiguous();
    }

    public DadaConfig config() { return config; }

    public Adam adam() { return adam; }

    public Stage1Data data() { return data; }

    private Map<String, String> meta() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("config", config.toJson());
        m.put("options", options.toJson());
        m.put("rng", "{\"seed\": " + options.seed() + ", \"weights\": \"java.util.Random(seed)\", \"samples\": \"Stage1Data.stream(seed, step, i)\"}");
        return m;
    }

    /** Starts (or with resume, continues) the run; stops after step stopAfter (tests; Long.MAX_VALUE = run to the end). */
    public void run(boolean resume, long stopAfter, TrainingLoop.Listener listener) throws IOException {
        Files.createDirectories(out.resolve("recon"));
        Path ckpt = out.resolve(CHECKPOINT);
        long done = 0;
        JsonlLog log;
        if (resume) {
            if (!Files.exists(ckpt)) throw new IOException(ckpt + ": no checkpoint to resume from");
            Checkpoint c = Checkpoint.load(ckpt);
            String stored = c.metadata().get("options");
            if (stored == null) throw new CheckpointFormatException(ckpt, "no 'options' metadata: not a train-dada checkpoint");
            List<String> diff = options.differences(stored);
            if (!diff.isEmpty()) throw new IllegalArgumentException("--resume with different options than the checkpoint's: " + String.join("; ", diff));
            done = TrainingState.restore(ckpt, c, model, adam, sched);
            log = JsonlLog.resume(out.resolve(LOG), done);
        } else {
            if (Files.exists(ckpt)) throw new IllegalArgumentException("--out " + out + " already holds a run (" + CHECKPOINT + "); use --resume or another folder");
            if (options.codebookInit().equals("data")) model.warmStartCodebooks(order(data.batch(options.seed(), 0, options.batch())), new Random(options.seed() + 1));
            log = JsonlLog.create(out.resolve(LOG));
        }
        TrainingLoop.Task task = new TrainingLoop.Task() {
            @Override public LinkedHashMap<String, Tensor> forward(long step) {
                Tensor x = order(data.batch(options.seed(), step, options.batch()));     // [B, C, S, S]
                DadaModel.Output o = model.forward(x);
                lastX = x;
                lastOut = o;
                return loss.terms(config.modality(), x, o, config.commitmentCost());
            }

            @Override public Map<String, Number> metrics() {
                Map<String, Number> m = new LinkedHashMap<>();
                m.put("perplexity_lo", model.quantizer(DadaModel.Level.LO).lastPerplexity());
                m.put("perplexity_hi", model.quantizer(DadaModel.Level.HI).lastPerplexity());
                m.put("used_codes_lo", model.quantizer(DadaModel.Level.LO).lastUsedCodes());
                m.put("used_codes_hi", model.quantizer(DadaModel.Level.HI).lastUsedCodes());
                return m;
            }

            @Override public void afterStep(long step) throws IOException {
                if (options.codebookRestart() > 0 && step % options.codebookRestart() == 0 && step < options.iterations() * 0.8)
                    model.restartDeadCodes(lastX, new Random(options.seed() * 31 + step));
                if (step % checkpointEvery == 0 || step == options.iterations())
                    ReconPicture.write(out.resolve("recon").resolve("step-" + step + ".png"), lastX, lastOut.recon().detach());
            }
        };
        try (log) {
            new TrainingLoop(model, adam, sched, task, ckpt, options.iterations(), checkpointEvery, this::meta).run(done, stopAfter, log, listener);
        }
        if (stopAfter >= options.iterations()) {
            Map<String, String> m = meta();
            m.put("step", Long.toString(options.iterations()));
            DadaCheckpoints.save(out.resolve(FINAL), model, m);
        }
    }
}
