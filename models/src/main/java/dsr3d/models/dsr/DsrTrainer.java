package dsr3d.models.dsr;

import com.google.gson.JsonObject;
import dsr3d.models.stage2.FeatureAnomalies;
import dsr3d.models.stage2.FrozenDada;
import dsr3d.models.stage2.Stage2Networks;
import dsr3d.models.train.TrainingState;
import dsr3d.nn.io.Checkpoint;
import dsr3d.nn.io.CheckpointFormatException;
import dsr3d.nn.optim.Adam;
import dsr3d.nn.optim.MultiStepLR;
import dsr3d.simulate.Rng;
import dsr3d.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * DSR's per-class training (train_dsr.py, spec §8), in iterations rather than epochs:
 * <ul>
 *   <li>stage 2: {@link DsrData#stage2} batches, the frozen VQ-VAE's features, {@link DsrAnomalies}
 *       draws, {@link DsrStep#stage2}; Adam (lr 2e-4) over SR lo, SR hi, decoder, U-Net (the
 *       official group order), MultiStepLR x0.1 after 80 % of the iterations (the official
 *       milestone int(0.8 epochs));</li>
 *   <li>stage 3: {@link DsrData#stage3} smudge batches, {@link DsrStep#stage3}; Adam (same lr)
 *       over the upsampling module only; MultiStepLR milestones at 80 % and 90 % of TWICE the
 *       stage-3 iterations, gamma 0.2: train_upsampling_module runs epochs // 2 epochs with
 *       milestones of the full epoch count, so they are never reached and the rate stays constant.</li>
 * </ul>
 * All randomness is a function of (seed, step) (weights: java.util.Random(seed)); the whole
 * state of a stage is its weights, Adam, scheduler and step, so a resumed run continues bit for
 * bit (same thread count). {@link #meta} records what a resume must match.
 */
public final class DsrTrainer {
    public static final double MILESTONE_FRACTION = 0.8, GAMMA = 0.1, UPSAMPLE_GAMMA = 0.2;
    private static final long STEP_STRIDE = 0xBF58476D1CE4E5B9L, DRAWS_SALT = 0x94D049BB133111EBL;

    /** Hyper-parameters that must not change across a resume. */
    public record Options(long iterations, long upsampleIterations, int batch, double lr, long seed) {
        public Options {
            if (iterations <= 0) throw new IllegalArgumentException("--iterations must be > 0, got " + iterations);
            if (upsampleIterations <= 0) throw new IllegalArgumentException("--upsample-iterations must be > 0, got " + upsampleIterations);
            if (batch <= 0) throw new IllegalArgumentException("--batch must be > 0, got " + batch);
            if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("--lr must be > 0, got " + lr);
        }
    }

    private final FrozenDada vq;
    private final DsrModel model;
    private final DsrData data;
    private final Options options;
    private final Stage2Networks nets;
    private final Adam adam2, adam3;
    private final MultiStepLR sched2, sched3;
    private DsrPipeline frozen;

    public DsrTrainer(FrozenDada vq, DsrModel.Config config, DsrData data, Options options, String vqSha256) {
        if (!vq.model().config().equals(config.vq().withImageSize(vq.model().config().imageSize())))
            throw new IllegalArgumentException("DSR config is for the VQ model " + config.vq().toJson() + ", got " + vq.model().config().toJson());
        if (data.size() != config.imageSize())
            throw new IllegalArgumentException("training images are " + data.size() + " x " + data.size() + ", the config says " + config.imageSize());
        this.vq = vq;
        this.data = data;
        this.options = options;
        this.model = DsrModel.create(config, vqSha256, new Random(options.seed()));
        this.nets = new Stage2Networks(model.nets());
        this.adam2 = new Adam(nets.namedParameters(), options.lr());
        this.sched2 = new MultiStepLR(adam2, new int[]{milestone(MILESTONE_FRACTION, options.iterations())}, GAMMA);
        this.adam3 = new Adam(model.upsample().namedParameters(), options.lr());
        long full = 2 * options.upsampleIterations();
        this.sched3 = new MultiStepLR(adam3, new int[]{milestone(0.8, full), milestone(0.9, full)}, UPSAMPLE_GAMMA);
    }

    static int milestone(double fraction, long iterations) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, (long) Math.floor(fraction * iterations)));
    }

    public DsrModel model() { return model; }
    public Stage2Networks stage2Networks() { return nets; }
    public Options options() { return options; }
    public Adam optimizer(int stage) { return stage == 2 ? adam2 : adam3; }
    public MultiStepLR scheduler(int stage) { return stage == 2 ? sched2 : sched3; }

    /** Stage 2's forward of step {@code step} (1-based): "loss" first, then focal, feature_lo, feature_hi, image. */
    public LinkedHashMap<String, Tensor> forward2(long step) {
        DsrData.Batch b = data.stage2(options.seed(), step, options.batch());
        FrozenDada.Features f = vq.encode(b.input());
        Rng rng = new Rng((options.seed() + step * STEP_STRIDE) ^ DRAWS_SALT);
        FeatureAnomalies.Draws draws = DsrAnomalies.random(rng, options.batch(), f.zLo().size(2), f.zLo().size(3),
                f.encHi().size(2), f.encHi().size(3), vq.codebookLo().size(0), vq.codebookHi().size(0));
        FeatureAnomalies.Batch anomalies = FeatureAnomalies.generate(f.encHi(), f.zLo(), f.qLo(), b.mask(), vq, draws);
        return DsrStep.stage2(model.nets(), vq, anomalies, b.input()).terms();
    }

    /** Stage 3's forward of step {@code step} (1-based, counted from the start of stage 3). */
    public LinkedHashMap<String, Tensor> forward3(long step) {
        if (frozen == null) {
            frozen = new DsrPipeline(vq.model(), model);   // every network to eval mode ...
            model.upsample().train(true);                  // ... but the one being trained
        }
        DsrData.Batch b = data.stage3(options.seed(), step, options.batch());
        return DsrStep.stage3(frozen, model.upsample(), b.input(), b.mask()).terms();
    }

    // ============================ whole state ====================================================
    public Map<String, String> meta(int stage, String vqSha256) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("kind", "dsr-stage" + stage);
        JsonObject o = new JsonObject();
        o.addProperty("iterations", options.iterations());
        o.addProperty("upsample_iterations", options.upsampleIterations());
        o.addProperty("batch", options.batch());
        o.addProperty("lr", options.lr());
        o.addProperty("seed", options.seed());
        meta.put("options", o.toString());
        meta.put("config", model.config().toJson());
        meta.put("dada_sha256", vqSha256);
        meta.put("rng", "{\"weights\": \"java.util.Random(seed)\", \"batches\": \"DsrData.stage" + stage + "(seed, step)\", \"anomalies\": \"Rng((seed + step G) ^ salt)\"}");
        return meta;
    }

    /** Restores stage {@code stage} from a checkpoint of a run with the same options; returns its step. */
    public long restore(int stage, Path file, String vqSha256) throws IOException {
        Checkpoint c = Checkpoint.load(file);
        Map<String, String> m = c.metadata();
        for (var e : meta(stage, vqSha256).entrySet()) {
            String got = m.get(e.getKey());
            if (got == null) throw new CheckpointFormatException(file, "metadata '" + e.getKey() + "' is missing: not a DSR stage-" + stage + " checkpoint");
            if (!got.equals(e.getValue()))
                throw new CheckpointFormatException(file, "was written by a different run: " + e.getKey() + " = " + got + ", this run has " + e.getValue()
                        + " (--resume needs the same --dada, --preset, --image-size, --iterations, --upsample-iterations, --batch, --lr, --seed)");
        }
        return stage == 2 ? TrainingState.restore(file, c, nets, adam2, sched2) : TrainingState.restore(file, c, model.upsample(), adam3, sched3);
    }
}
