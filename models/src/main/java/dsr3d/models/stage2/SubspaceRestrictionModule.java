package dsr3d.models.stage2;

import dsr3d.nn.Module;
import dsr3d.nn.vq.VectorQuantizerEMA;
import dsr3d.nn.vq.VqOutput;
import dsr3d.tensor.Tensor;

import java.util.Random;

/**
 * The official "SubspaceRestrictionModule" (spec §4.1): a {@link SubspaceRestrictionNetwork} with
 * in = out = the embedding size D, whose output F~ is re-quantized with the frozen DADA codebook of
 * its level, giving Q~ (straight-through gradient). State-dict keys "unet.encoder.block1.0.weight",
 * ..., "unet.decoder.fin_out.0.bias". The paper preset is D = 256, base width D / 2 = 128
 * (8,113,280 parameters); the convolutions keep PyTorch's default initialisation.
 */
public final class SubspaceRestrictionModule extends Module {
    public final int embeddingSize, baseWidth;
    private final SubspaceRestrictionNetwork unet;

    /** What one forward returns (the official tuple x, quantized_b, loss_b, plus the code indices).
     *
     * @param features  F~ [B, D, h, w]: the restriction net's output before quantization
     * @param quantized Q~ [B, D, h, w]: the nearest codewords in value, the identity in gradient
     * @param loss      the quantizer's commitment loss 0.25 * mse(sg[Q~], F~) (unused by the official training)
     * @param indices   I32 [B, h, w]: the chosen codewords
     */
    public record Output(Tensor features, Tensor quantized, Tensor loss, Tensor indices) {}

    /** The official constructor: base width embeddingSize / 2. */
    public SubspaceRestrictionModule(int embeddingSize, Random rng) { this(embeddingSize, embeddingSize / 2, rng); }

    public SubspaceRestrictionModule(int embeddingSize, int baseWidth, Random rng) {
        Blocks.positive("SubspaceRestrictionModule", embeddingSize, baseWidth);
        this.embeddingSize = embeddingSize;
        this.baseWidth = baseWidth;
        unet = registerModule("unet", new SubspaceRestrictionNetwork(embeddingSize, embeddingSize, baseWidth, rng));
    }

    public SubspaceRestrictionNetwork unet() { return unet; }

    /** x [B, D, h, w] (h, w divisible by 4) restricted, then quantized by the given quantizer, which
     *  must be in eval mode (frozen: a training-mode quantizer would update its codebook). */
    public Output forward(Tensor x, VectorQuantizerEMA quantization) {
        if (quantization.isTraining())
            throw new IllegalArgumentException("SubspaceRestrictionModule: the codebook quantizer must be frozen (eval mode)");
        if (quantization.embeddingDim != embeddingSize)
            throw new IllegalArgumentException("SubspaceRestrictionModule: quantizer dim " + quantization.embeddingDim + " != embedding size " + embeddingSize);
        Tensor f = unet.forward(x);
        VqOutput q = quantization.forward(f);
        return new Output(f, q.quantized(), q.loss(), q.indices());
    }

    /** As {@link #forward(Tensor, VectorQuantizerEMA)} with a bare codebook [K, D] (not trained). */
    public Output forward(Tensor x, Tensor codebook) {
        Tensor f = unet.forward(x);
        Requantize.Result q = Requantize.apply(f, codebook);
        return new Output(f, q.quantized(), q.loss(), q.indices());
    }
}
