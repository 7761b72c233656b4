package dsr3d.models.dada;

import dsr3d.nn.Layer;

import java.util.Random;

/**
 * The official RGB+D DADA, "DiscreteLatentModelGroups" of discrete_model_groups.py (spec 2.1-2.6):
 * every conv grouped in two (group 0 = depth, group 1 = RGB), stems on the input, the re-ordering
 * {@link PreVQBot} and the two-headed {@link DecoderBot}. Input and output [B, 4, H, W] = [D, R, G, B].
 * The modalities meet only in the codeword search: one codeword holds both halves.
 * Built by {@link DadaModel#create} from a config with groups = 2; the logic is in {@link DadaModel}.
 */
public final class DiscreteLatentModelGroups extends DadaModel {
    DiscreteLatentModelGroups(DadaConfig c, Random rng) { super(c, rng); }

    @Override protected Layer makePreVqBot(DadaConfig c, Random rng) { return new PreVQBot(c.numHiddens(), c.embeddingDim(), rng); }
}
