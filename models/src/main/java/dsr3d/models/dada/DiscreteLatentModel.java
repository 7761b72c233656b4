package dsr3d.models.dada;

import dsr3d.nn.Layer;
import dsr3d.nn.layers.Conv2d;

import java.util.Random;

/**
 * The official "DiscreteLatentModel" of discrete_model.py (spec 2.7): the DADA without groups and
 * without stems. Used for the depth-only DADA (in = out = 1, the official DADA_D), an RGB-only one
 * (in = out = 3) and the Table-5 "VQ-VAE" ablation on RGB+D (in = out = 4). Its _pre_vq_conv_bot is
 * a plain 1x1 conv on cat(enc_b, up_lo) (no re-ordering). The logic is in {@link DadaModel}.
 */
public final class DiscreteLatentModel extends DadaModel {
    DiscreteLatentModel(DadaConfig c, Random rng) { super(c, rng); }

    @Override protected Layer makePreVqBot(DadaConfig c, Random rng) {
        return new Conv2d(c.numHiddens() + c.embeddingDim(), c.embeddingDim(), 1, 1, 0, 1, true, rng);
    }
}
