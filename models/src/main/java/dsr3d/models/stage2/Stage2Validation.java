package dsr3d.models.stage2;

import dsr3d.models.data.LoadedSample;
import dsr3d.models.eval.Auroc;
import dsr3d.models.infer.TestTimePipeline;
import dsr3d.tensor.Tensor;

import java.util.List;

/**
 * The periodic evaluation of the official training loop (logging only, no model selection): image
 * AUROC on the test split, each image scored by feat-infer's {@link TestTimePipeline} (one clean
 * forward, official smoothing, maximum of the map) on the networks being trained.
 */
public final class Stage2Validation {
    private Stage2Validation() {}

    /** Image scores of samples (in order), batch at a time; the nets return to training mode after. */
    public static double[] scores(FrozenDada dada, Stage2Model.Config config, Stage2Step.Nets nets, List<LoadedSample> samples, int batch) {
        Stage2Model model = new Stage2Model(config, nets, null);
        TestTimePipeline pipeline = new TestTimePipeline(dada.model(), model, TestTimePipeline.officialSmoothing(model));
        double[] out = new double[samples.size()];
        try {
            for (int i = 0; i < samples.size(); i += batch) {
                int n = Math.min(batch, samples.size() - i);
                Tensor[] in = new Tensor[n];
                for (int j = 0; j < n; j++) {
                    Tensor t = samples.get(i + j).input();                                  // [4, S, S]
                    in[j] = t.reshape(1, t.size(0), t.size(1), t.size(2));
                }
                double[] s = pipeline.run(Stage2Trainer.select(config.modality(), Tensor.concat(0, in))).scores();
                System.arraycopy(s, 0, out, i, n);
            }
        } finally {
            for (String p : Stage2Model.PARTS) model.part(p).train(true);
        }
        return out;
    }

    /** Image AUROC of the samples' labels (NaN when the split has only one class). */
    public static double imageAuroc(FrozenDada dada, Stage2Model.Config config, Stage2Step.Nets nets, List<LoadedSample> samples, int batch) {
        double[] s = scores(dada, config, nets, samples, batch);
        boolean[] pos = new boolean[samples.size()];
        int p = 0;
        for (int i = 0; i < pos.length; i++) if (pos[i] = samples.get(i).label() == 1) p++;
        if (p == 0 || p == pos.length) return Double.NaN;
        return Auroc.of(s, pos);
    }
}
