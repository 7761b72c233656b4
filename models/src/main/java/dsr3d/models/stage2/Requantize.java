package dsr3d.models.stage2;

import dsr3d.tensor.Tensor;
import dsr3d.tensor.ops.Index;
import dsr3d.tensor.ops.VqNearest;

import java.util.Arrays;

/**
 * Nearest-codeword quantization with a frozen codebook, as an eval-mode VectorQuantizerEMA
 * computes it: for f [B, D, h, w] and codebook [K, D], q = the nearest codeword of every position
 * (squared Euclidean distance, lowest index on ties), output f + sg[q - f] (straight-through),
 * loss 0.25 * mean((sg[q] - f)^2). The codebook gets no gradient.
 */
public final class Requantize {
    private Requantize() {}

    /** @param quantized [B, D, h, w]; @param loss scalar; @param indices I32 [B, h, w] */
    public record Result(Tensor quantized, Tensor loss, Tensor indices) {}

    public static final double COMMITMENT_COST = 0.25;

    public static Result apply(Tensor f, Tensor codebook) {
        if (f.dim() != 4 || codebook.dim() != 2 || codebook.size(1) != f.size(1))
            throw new IllegalArgumentException("Requantize: expected f [B, D, h, w] and codebook [K, D], got "
                    + Arrays.toString(f.shape()) + " and " + Arrays.toString(codebook.shape()));
        if (f.dtype() != codebook.dtype())
            throw new IllegalArgumentException("Requantize: features " + f.dtype() + " and codebook " + codebook.dtype() + " differ");
        int b = f.size(0), d = f.size(1), h = f.size(2), w = f.size(3);
        Tensor last = f.permute(0, 2, 3, 1);                                          // [B, h, w, D]
        Tensor idx = VqNearest.apply(last.reshape(b * h * w, d), codebook);            // I32 [B*h*w]
        Tensor q = Index.indexSelect(codebook.detach(), idx).reshape(b, h, w, d).detach();
        Tensor loss = q.sub(last).pow(2).mean().mul(COMMITMENT_COST);
        Tensor st = last.add(q.sub(last).detach());
        return new Result(st.permute(0, 3, 1, 2).contiguous(), loss, idx.reshape(b, h, w));
    }
}
