package dsr3d.tests.nn;

import dsr3d.nn.Module;
import dsr3d.nn.layers.Conv2d;
import dsr3d.nn.layers.ConvTranspose2d;
import dsr3d.nn.layers.Residual;
import dsr3d.nn.layers.ResidualStack;
import dsr3d.nn.loss.Losses;
import dsr3d.nn.vq.VectorQuantizerEMA;
import dsr3d.nn.vq.VqOutput;
import dsr3d.tensor.Tensor;

import java.util.Random;

/**
 * A test fixture: a miniature two-level VQ-VAE in the shape of the DADA (spec section 2, no groups,
 * no stems), built only from the nn blocks. For x [B, 3, 32, 32]:
 * <pre>
 *   enc_b: conv4 s2 3->h, ReLU, conv4 s2 h->h, ReLU, conv3 h->h, ResidualStack        -> [B, h, 8, 8]  (1/4)
 *   enc_t: conv4 s2 h->h, ReLU, conv3 h->h, ResidualStack                             -> [B, h, 4, 4]  (1/8)
 *   pre_vq_t 1x1 h->d, VQ_t; upsample_t convT4 s2 d->d                                -> [B, d, 8, 8]
 *   pre_vq_b 1x1 (h + d)->d on [enc_b, up_t], VQ_b
 *   decoder: conv3 2d->h on [up_t, q_b], ResidualStack, convT4 s2 h->h/2, ReLU, convT4 s2 h/2->3
 * </pre>
 */
final class TinyVqVae extends Module {
    final Conv2d encB1, encB2, encB3, encT1, encT2, preVqT, preVqB, dec1;
    final ResidualStack encBStack, encTStack, decStack;
    final VectorQuantizerEMA vqT, vqB;
    final ConvTranspose2d upT, decUp1, decUp2;

    record Out(Tensor recon, VqOutput top, VqOutput bot) {
        Tensor loss(Tensor x) { return Losses.mse(recon, x).add(top.loss()).add(bot.loss()); }
    }

    TinyVqVae(int h, int d, int k, Random rng) {
        encB1 = registerModule("_enc_b_1", new Conv2d(3, h, 4, 2, 1, 1, true, rng));
        encB2 = registerModule("_enc_b_2", new Conv2d(h, h, 4, 2, 1, 1, true, rng));
        encB3 = registerModule("_enc_b_3", new Conv2d(h, h, 3, 1, 1, 1, true, rng));
        encBStack = registerModule("_enc_b_stack", new ResidualStack(h, 1, h / 2, 1, Residual.Skip.INPUT, rng));
        encT1 = registerModule("_enc_t_1", new Conv2d(h, h, 4, 2, 1, 1, true, rng));
        encT2 = registerModule("_enc_t_2", new Conv2d(h, h, 3, 1, 1, 1, true, rng));
        encTStack = registerModule("_enc_t_stack", new ResidualStack(h, 1, h / 2, 1, Residual.Skip.INPUT, rng));
        preVqT = registerModule("_pre_vq_t", new Conv2d(h, d, 1, 1, 0, 1, true, rng));
        vqT = registerModule("_vq_t", new VectorQuantizerEMA(k, d, rng));
        upT = registerModule("_upsample_t", ConvTranspose2d.up2(d, d, 1, rng));
        preVqB = registerModule("_pre_vq_b", new Conv2d(h + d, d, 1, 1, 0, 1, true, rng));
        vqB = registerModule("_vq_b", new VectorQuantizerEMA(k, d, rng));
        dec1 = registerModule("_dec_1", new Conv2d(2 * d, h, 3, 1, 1, 1, true, rng));
        decStack = registerModule("_dec_stack", new ResidualStack(h, 1, h / 2, 1, Residual.Skip.INPUT, rng));
        decUp1 = registerModule("_dec_up_1", ConvTranspose2d.up2(h, h / 2, 1, rng));
        decUp2 = registerModule("_dec_up_2", ConvTranspose2d.up2(h / 2, 3, 1, rng));
    }

    /**
     * Data-dependent warm start of both codebooks (a test-model choice, not the official one): each
     * codeword becomes a randomly chosen encoder output of x, with ema_w equal to it and cluster
     * size 1, so e = ema_w / N holds from the first step. With the official start (N(0,1) codebook,
     * zero cluster sizes) a model this small collapses onto one code within a few steps: the tiny
     * encoder outputs are all nearest to the shortest codeword, and the first EMA step divides
     * every unused codeword by ~1e-5, so those never win again.
     */
    void warmStartCodebooks(Tensor x, Random rng) {
        try (var g = dsr3d.tensor.autograd.NoGrad.enter()) {
            Tensor eb = encBStack.forward(encB3.forward(encB2.forward(encB1.forward(x).relu()).relu()));
            Tensor zt = preVqT.forward(encTStack.forward(encT2.forward(encT1.forward(eb).relu())));
            warmStart(vqT, zt, rng);
            Tensor upTop = upT.forward(vqT.forward(zt).quantized());
            warmStart(vqB, preVqB.forward(Tensor.concat(1, eb, upTop)), rng);
        }
    }

    private static void warmStart(VectorQuantizerEMA vq, Tensor z, Random rng) { vq.restartCodes(z, null, rng); }

    Out forward(Tensor x) {
        Tensor eb = encBStack.forward(encB3.forward(encB2.forward(encB1.forward(x).relu()).relu()));
        Tensor et = encTStack.forward(encT2.forward(encT1.forward(eb).relu()));
        VqOutput top = vqT.forward(preVqT.forward(et));
        Tensor upTop = upT.forward(top.quantized());
        VqOutput bot = vqB.forward(preVqB.forward(Tensor.concat(1, eb, upTop)));
        Tensor dec = decStack.forward(dec1.forward(Tensor.concat(1, upTop, bot.quantized())));
        Tensor recon = decUp2.forward(decUp1.forward(dec).relu());
        return new Out(recon, top, bot);
    }
}
