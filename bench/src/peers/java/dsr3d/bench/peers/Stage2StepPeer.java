package dsr3d.bench.peers;

import dsr3d.models.dada.DadaConfig;
import dsr3d.models.dada.DadaModel;
import dsr3d.models.dada.Modality;
import dsr3d.models.data.LoadedSample;
import dsr3d.models.stage2.FeatureAnomalies;
import dsr3d.models.stage2.FrozenDada;
import dsr3d.models.stage2.Stage2Data;
import dsr3d.models.stage2.Stage2Model;
import dsr3d.models.stage2.Stage2Step;
import dsr3d.models.stage2.Stage2Trainer;
import dsr3d.simulate.Rng;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.cpu.simd.Parallel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Our stage-2 training step (RGB+D), timed for the record beside the official one
 * ({@code bench/peers/stage2_step.py}, Debian torch 1.13). Built with the Maven profile
 * {@code peers} only; run by {@code bench/peers/run-peers.sh --stage2}, one JVM per thread count.
 *
 * <p>The timed step is {@link Stage2Trainer#forward}'s body from the DADA features on, plus the
 * backward and the Adam and scheduler steps (what {@link dsr3d.models.train.TrainingLoop} does),
 * on one batch built before timing: as in the python peer, the data (rotation, Perlin masks) is
 * not timed, and neither are the loop's NaN checks and logging. Random DADA and networks of the
 * preset (train_dsr.py's initialisation), 16 random images [4, S, S] with full foreground.
 * Arguments: {@code [--preset small] [--size 64] [--batch 16] [--threads N] [--warm 5] [--reps 5]}.
 */
public final class Stage2StepPeer {
    private Stage2StepPeer() {}

    public static void main(String[] args) {
        String preset = "small";
        int size = 64, batch = 16, threads = 1, warm = 5, reps = 5;   // warm 5: C2 is still compiling after 2 steps
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--preset" -> preset = v;
                case "--size" -> size = Integer.parseInt(v);
                case "--batch" -> batch = Integer.parseInt(v);
                case "--threads" -> threads = Integer.parseInt(v);
                case "--warm" -> warm = Integer.parseInt(v);
                case "--reps" -> reps = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Parallel.setThreads(threads);
        DadaConfig dc = DadaConfig.preset(preset, Modality.RGBD, false).withImageSize(size);
        FrozenDada dada = new FrozenDada(DadaModel.createForTraining(dc, new Random(1)));
        Random r = new Random(2);
        List<LoadedSample> images = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            float[] x = new float[4 * size * size];                           // [D, R, G, B] in [0, 1)
            for (int j = 0; j < x.length; j++) x[j] = r.nextFloat();
            float[] ones = new float[size * size];
            Arrays.fill(ones, 1f);
            images.add(new LoadedSample(null, Tensor.of(x, 4, size, size), ones, ones, new float[size * size], size, 0));
        }
        Stage2Trainer t = new Stage2Trainer(dada, Stage2Model.Config.forDada(dc, size), new Stage2Data(images, Stage2Data.MaskAlignment.OFFICIAL_UNROTATED),
                new Stage2Trainer.Options(1000, batch, Stage2Trainer.PAPER_LR, 0));
        Stage2Data.Batch b = new Stage2Data(images, Stage2Data.MaskAlignment.OFFICIAL_UNROTATED).batch(0, 1, batch);
        Tensor x = b.input();                                                 // [B, 4, S, S]
        int B = batch;
        long[] step = {0};
        Runnable one = () -> {
            step[0]++;
            t.optimizer().zeroGrad();
            FrozenDada.Features f = dada.encode(x);                           // no grad: enc_hi, z_lo, Q_lo
            FeatureAnomalies.Draws draws = FeatureAnomalies.Draws.random(new Rng(step[0]), B, f.zLo().size(2), f.zLo().size(3),
                    f.encHi().size(2), f.encHi().size(3), dada.codebookLo().size(0), dada.codebookHi().size(0));
            FeatureAnomalies.Batch an = FeatureAnomalies.generate(f.encHi(), f.zLo(), f.qLo(), b.mask(), dada, draws);
            Stage2Step.Result res = Stage2Step.forward(t.networks().nets(), dada, an, x);
            res.loss().total().backward();
            t.optimizer().step();
            t.scheduler().step();
        };
        for (int i = 0; i < warm; i++) one.run();
        double[] s = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            one.run();
            s[i] = (System.nanoTime() - t0) / 1e9;
        }
        double[] sorted = s.clone();
        Arrays.sort(sorted);
        double med = reps % 2 == 1 ? sorted[reps / 2] : (sorted[reps / 2 - 1] + sorted[reps / 2]) / 2;
        StringBuilder runs = new StringBuilder();
        for (double v : s) runs.append(String.format(Locale.ROOT, "%.3f ", v));
        System.out.printf(Locale.ROOT, "RESULT ours threads=%d preset=%s size=%d batch=%d trained_parameters=%d median_s=%.3f runs=%s%n",
                threads, preset, size, batch, t.networks().parameterCount(), med, runs.toString().trim());
    }
}
