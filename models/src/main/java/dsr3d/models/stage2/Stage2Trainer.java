package dsr3d.models.stage2;

import com.google.gson.JsonObject;
import dsr3d.models.dada.Modality;
import dsr3d.nn.io.Checkpoint;
import dsr3d.nn.io.CheckpointFormatException;
import dsr3d.nn.optim.Adam;
import dsr3d.nn.optim.MultiStepLR;
import dsr3d.models.train.TrainingState;
import dsr3d.simulate.Rng;
import dsr3d.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Stage-2 training of one class (spec §4, train_dsr.py): per step t = 1..iterations the batch of
 * {@link Stage2Data} for (seed, t), its DADA features (frozen, eval mode), the feature anomalies
 * ({@link FeatureAnomalies}, draws from the stream of (seed, t)), {@link Stage2Step#forward} and the
 * {@link Stage2Loss} total, Adam (lr 2e-4 by default) over the four nets, MultiStepLR x0.1 at 80 %
 * of the iterations (the official milestone int(0.8 * 120) of 120 epochs, counted in iterations).
 *
 * <p>The loop itself (NaN/Inf checks, Adam and scheduler steps, checkpoints) is
 * {@link dsr3d.models.train.TrainingLoop}, driven by {@link Stage2Run}. All randomness is a
 * function of (seed, step), so the whole state of a run is its weights, Adam, scheduler and the
 * step ({@link TrainingState}) and a resumed run continues bit for bit (same thread count);
 * {@link #meta} records what a resume must match.
 */
public final class Stage2Trainer {
    public static final double MILESTONE_FRACTION = 0.8, GAMMA = 0.1, PAPER_LR = 2e-4;
    private static final long STEP_STRIDE = 0xBF58476D1CE4E5B9L, DRAWS_SALT = 0x94D049BB133111EBL;

    /** Hyper-parameters that must not change across a resume. */
    public record Options(long iterations, int batch, double lr, long seed) {
        public Options {
            if (iterations <= 0) throw new IllegalArgumentException("--iterations must be > 0, got " + iterations);
            if (batch <= 0) throw new IllegalArgumentException("--batch must be > 0, got " + batch);
            if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("--lr must be > 0, got " + lr);
        }
    }

    /** One step's forward: the scalar loss terms, plus the tensors the sample picture shows. */
    public record StepResult(long step, LinkedHashMap<String, Tensor> terms, Tensor input, Stage2Step.Result forward,
                             FeatureAnomalies.Batch anomalies) {}

    private final FrozenDada dada;
    private final Modality modality;
    private final Stage2Model.Config config;
    private final Stage2Data data;
    private final Options options;
    private final Stage2Networks nets;
    private final Adam adam;
    private final MultiStepLR sched;

    /** config: the DADA's configuration, the stage-2 widths and the image size (= the data's). */
    public Stage2Trainer(FrozenDada dada, Stage2Model.Config config, Stage2Data data, Options options) {
        if (!dada.model().config().equals(config.dada().withImageSize(dada.model().config().imageSize())))
            throw new IllegalArgumentException("stage-2 config is for the DADA " + config.dada().toJson() + ", got " + dada.model().config().toJson());
        if (data.size() != config.imageSize())
            throw new IllegalArgumentException("training images are " + data.size() + " x " + data.size() + ", the config says " + config.imageSize());
        this.dada = dada;
        this.modality = config.modality();
        this.config = config;
        this.data = data;
        this.options = options;
        this.nets = new Stage2Networks(config.sizes().create(new Random(options.seed())));
        this.adam = new Adam(nets.namedParameters(), options.lr());
        this.sched = new MultiStepLR(adam, new int[]{milestone(options.iterations())}, GAMMA);
    }

    /** The iteration after which the learning rate drops: max(1, floor(0.8 iterations)). */
    public static int milestone(long iterations) { return (int) Math.max(1, Math.floor(MILESTONE_FRACTION * iterations)); }

    public Stage2Networks networks() { return nets; }
    public FrozenDada dada() { return dada; }
    public Modality modality() { return modality; }
    public Stage2Model.Config config() { return config; }
    public Options options() { return options; }
    public Adam optimizer() { return adam; }
    public MultiStepLR scheduler() { return sched; }

    /** The channels of a modality from the loader's [B, 4, S, S] = [D, R, G, B]: depth 0, RGB 1..3. */
    public static Tensor select(Modality m, Tensor input4) {
        return switch (m) {
            case RGBD -> input4;
            case DEPTH -> input4.slice(1, 0, 1).contiguous();
            case RGB -> input4.slice(1, 1, 4).contiguous();
        };
    }

    /**
     * The forward of step {@code step} (1-based): the loss terms ("loss" = the total first, then
     * feature_lo, feature_hi, image, focal, mask_l1) and what the sample picture shows. The
     * caller ({@link dsr3d.models.train.TrainingLoop}) checks, back-propagates and steps Adam.
     */
    public StepResult forward(long step) {
        Stage2Data.Batch b = data.batch(options.seed(), step, options.batch());
        Tensor x = select(modality, b.input());                                   // [B, C, S, S]
        FrozenDada.Features f = dada.encode(x);
        Rng rng = new Rng((options.seed() + step * STEP_STRIDE) ^ DRAWS_SALT);
        FeatureAnomalies.Draws draws = FeatureAnomalies.Draws.random(rng, options.batch(), f.zLo().size(2), f.zLo().size(3),
                f.encHi().size(2), f.encHi().size(3), dada.codebookLo().size(0), dada.codebookHi().size(0));
        FeatureAnomalies.Batch anomalies = FeatureAnomalies.generate(f.encHi(), f.zLo(), f.qLo(), b.mask(), dada, draws);
        Stage2Step.Result r = Stage2Step.forward(nets.nets(), dada, anomalies, x);
        LinkedHashMap<String, Tensor> terms = new LinkedHashMap<>();
        terms.put("loss", r.loss().total());
        r.loss().byName().forEach((k, v) -> { if (!k.equals("total")) terms.put(k, v); });
        return new StepResult(step, terms, x, r, anomalies);
    }

    // ============================ whole state ====================================================
    /** The checkpoint metadata beyond TrainingState's (format, step): everything a resume must match. */
    public Map<String, String> meta(String dadaSha256) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("kind", "3dsr-stage2");
        meta.put("options", optionsJson(options));
        meta.put("config", config.toJson());
        meta.put("dada_sha256", dadaSha256);
        meta.put("rng", "{\"weights\": \"java.util.Random(seed)\", \"batches\": \"Stage2Data.batch(seed, step)\", \"anomalies\": \"Rng((seed + step G) ^ salt)\"}");
        return meta;
    }

    /** Restores a checkpoint of a run with the same options, configuration and DADA; returns its step. */
    public long restore(Path file, Checkpoint c, String dadaSha256) throws IOException {
        Map<String, String> m = c.metadata();
        for (var e : meta(dadaSha256).entrySet()) expect(file, m, e.getKey(), e.getValue());
        return TrainingState.restore(file, c, nets, adam, sched);
    }

    private static void expect(Path file, Map<String, String> m, String key, String want) throws IOException {
        String got = m.get(key);
        if (got == null) throw new CheckpointFormatException(file, "metadata '" + key + "' is missing: not a stage-2 training checkpoint");
        if (!got.equals(want))
            throw new CheckpointFormatException(file, "was written by a different run: " + key + " = " + got + ", this run has " + want
                    + " (--resume needs the same --dada, --preset, --modality, --image-size, --iterations, --batch, --lr, --seed)");
    }

    static String optionsJson(Options o) {
        JsonObject j = new JsonObject();
        j.addProperty("iterations", o.iterations());
        j.addProperty("batch", o.batch());
        j.addProperty("lr", o.lr());
        j.addProperty("seed", o.seed());
        return j.toString();
    }
}
