package dsr3d.models.dada;

import dsr3d.nn.Layer;
import dsr3d.nn.layers.Conv2d;
import dsr3d.tensor.Tensor;

import java.util.Random;

/**
 * The official "PreVQBot" of discrete_model_groups.py (spec 2.4): the grouped 1x1 conv that makes
 * F_hi from [enc_b, up(Q_lo)], after re-ordering the channels so that each group sees its own
 * modality of both inputs:
 * <pre>
 *   feat [B, h + e, H/4, W/4] = [enc_b (h) | up_lo (e)]
 *   -> [enc_b depth h/2 | up_lo depth e/2 | enc_b rgb h/2 | up_lo rgb e/2]
 *   -> _pre_vq_conv_bot 1x1, groups 2 -> z_hi [B, e, H/4, W/4]      (paper: 512 -> 256 at 96 x 96)
 * </pre>
 * The plain DiscreteLatentModel has no such class: its _pre_vq_conv_bot is a bare 1x1 conv on feat.
 */
public final class PreVQBot extends Layer {
    public final int numHiddens, embeddingDim;
    private final Conv2d preVqConvBot;

    public PreVQBot(int numHiddens, int embeddingDim, Random rng) {
        this.numHiddens = numHiddens;
        this.embeddingDim = embeddingDim;
        preVqConvBot = registerModule("_pre_vq_conv_bot", new Conv2d(numHiddens + embeddingDim, embeddingDim, 1, 1, 0, 2, true, rng));
    }

    /** feat = cat(enc_b, up_lo) on dim 1, as the official forward takes it. */
    @Override public Tensor forward(Tensor feat) {
        int h = numHiddens, e = embeddingDim;
        Tensor joined = Tensor.concat(1,
                feat.slice(1, 0, h / 2), feat.slice(1, h, h + e / 2),              // depth halves
                feat.slice(1, h / 2, h), feat.slice(1, h + e / 2, h + e));         // rgb halves
        return preVqConvBot.forward(joined);
    }
}
