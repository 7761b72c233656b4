package dsr3d.nn.vq;

import dsr3d.tensor.Tensor;

/**
 * What one VectorQuantizerEMA forward returns.
 *
 * @param loss       commitment loss, a scalar: commitmentCost * mean((sg[q] - z)^2)
 * @param quantized  [B, C, H, W]: the codewords in value, the identity in gradient (straight-through)
 * @param perplexity exp(entropy of the batch's code usage), a scalar double for logging
 * @param indices    I32 [B, H, W]: the chosen codeword of every position
 */
public record VqOutput(Tensor loss, Tensor quantized, double perplexity, Tensor indices) {}
