package dsr3d.models.stage2;

import dsr3d.models.dada.DadaModel;
import dsr3d.models.dada.DadaModel.Level;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.autograd.NoGrad;

/**
 * A trained DADA as stage 2 sees it ({@link FeatureAnomalies.Dada}): frozen (no parameter
 * requires a gradient) and in eval mode (the quantizers never update their EMA codebooks). Inputs
 * still get gradients through {@link #upsampleLo} (the object decoder's gradient reaches SR-lo).
 */
public final class FrozenDada implements FeatureAnomalies.Dada {
    private final DadaModel model;

    public FrozenDada(DadaModel model) {
        this.model = model;
        model.eval();
        model.freeze();
    }

    public DadaModel model() { return model; }

    /** What the no-grad encoding gives: enc_hi [B, h, H/4, W/4], z_lo and Q_lo [B, D, H/8, W/8]. */
    public record Features(Tensor encHi, Tensor zLo, Tensor qLo) {}

    /** x [B, C, H, W] -> its DADA features, without gradients. */
    public Features encode(Tensor x) {
        checkEval();
        try (NoGrad ignored = NoGrad.enter()) {
            DadaModel.Encoded e = model.encode(x);
            return new Features(e.encB().detach(), e.zLo().detach(), e.lo().quantized().detach());
        }
    }

    @Override public Tensor upsampleLo(Tensor qLo) { return model.upsampleLo(qLo); }

    @Override public Tensor preVqHi(Tensor encHi, Tensor upLo) { return model.preVqHi(encHi, upLo); }

    @Override public Tensor quantizeHi(Tensor zHi) {
        checkEval();
        return model.quantize(Level.HI, zHi).quantized();
    }

    @Override public Tensor codebookLo() { return model.codebook(Level.LO); }

    @Override public Tensor codebookHi() { return model.codebook(Level.HI); }

    @Override public Tensor decodeGeneral(Tensor upLo, Tensor qHi) { return model.decode(upLo, qHi); }

    private void checkEval() {
        if (model.isTraining()) throw new IllegalStateException("FrozenDada: the DADA was put back into training mode (its EMA codebooks would change)");
    }
}
