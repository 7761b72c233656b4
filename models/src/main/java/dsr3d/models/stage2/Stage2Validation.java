package dsr3d.models.stage2;

import dsr3d.models.data.LoadedSample;
import dsr3d.models.dada.Modality;
import dsr3d.models.eval.Auroc;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.autograd.NoGrad;

import java.util.List;

/**
 * The periodic evaluation of the official training loop (logging only, no model selection): image
 * AUROC on the test split, each image scored by one clean forward (no anomaly generation) as the
 * test script does: DADA Q_lo, Q_hi; SR nets on them; object decoder; U-Net on (I_spc, I_gen);
 * softmax channel 1, the official box filter of the modality, maximum.
 */
public final class Stage2Validation {
    private Stage2Validation() {}

    /** x [B, C, H, W] -> anomaly logits [B, 2, H, W], without gradients. */
    public static Tensor logits(FrozenDada dada, Stage2Step.Nets nets, Tensor x) {
        try (NoGrad ignored = NoGrad.enter()) {
            FrozenDada.Features f = dada.encode(x);
            Tensor upLo = dada.upsampleLo(f.qLo());                                  // [B, D, H/4, W/4]
            Tensor qHi = dada.quantizeHi(dada.preVqHi(f.encHi(), upLo));            // [B, D, H/4, W/4]
            Tensor general = dada.decodeGeneral(upLo, qHi);                          // I_gen [B, C, H, W]
            SubspaceRestrictionModule.Output lo = nets.srLo().forward(f.qLo(), dada.codebookLo());
            SubspaceRestrictionModule.Output hi = nets.srHi().forward(qHi, dada.codebookHi());
            Tensor object = nets.decode().forward(Tensor.concat(1, dada.upsampleLo(lo.quantized()), hi.quantized()));
            return nets.seg().forward(object, general);
        }
    }

    /** Image scores of samples (in order), batch at a time. */
    public static double[] scores(FrozenDada dada, Stage2Step.Nets nets, Modality modality, List<LoadedSample> samples, int batch) {
        double[] out = new double[samples.size()];
        AnomalyScoring.Smoothing smoothing = AnomalyScoring.Smoothing.official(modality == Modality.DEPTH);
        for (int i = 0; i < samples.size(); i += batch) {
            int n = Math.min(batch, samples.size() - i);
            Tensor[] in = new Tensor[n];
            for (int j = 0; j < n; j++) {
                Tensor t = samples.get(i + j).input();
                in[j] = t.reshape(1, t.size(0), t.size(1), t.size(2));
            }
            Tensor x = Stage2Trainer.select(modality, Tensor.concat(0, in));
            double[] s = AnomalyScoring.imageScores(AnomalyScoring.smooth(AnomalyScoring.anomalyProbability(logits(dada, nets, x)), smoothing));
            System.arraycopy(s, 0, out, i, n);
        }
        return out;
    }

    /** Image AUROC of the samples' labels (NaN when the split has only one class). */
    public static double imageAuroc(FrozenDada dada, Stage2Step.Nets nets, Modality modality, List<LoadedSample> samples, int batch) {
        double[] s = scores(dada, nets, modality, samples, batch);
        boolean[] pos = new boolean[samples.size()];
        int p = 0;
        for (int i = 0; i < pos.length; i++) if (pos[i] = samples.get(i).label() == 1) p++;
        if (p == 0 || p == pos.length) return Double.NaN;
        return Auroc.of(s, pos);
    }
}
