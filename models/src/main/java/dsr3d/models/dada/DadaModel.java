package dsr3d.models.dada;

import dsr3d.nn.Layer;
import dsr3d.nn.Module;
import dsr3d.nn.Tensors;
import dsr3d.nn.init.Init;
import dsr3d.nn.layers.Conv2d;
import dsr3d.nn.layers.ConvTranspose2d;
import dsr3d.nn.vq.VectorQuantizerEMA;
import dsr3d.nn.vq.VqOutput;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.autograd.NoGrad;

import java.util.Arrays;
import java.util.Random;

/**
 * The DADA (Depth-Aware Discrete Autoencoder, spec section 2): the two-level VQ-VAE both official
 * classes share. The subclasses {@link DiscreteLatentModelGroups} (RGB+D, groups = 2) and
 * {@link DiscreteLatentModel} (no groups) only choose the pre-VQ hi layer; everything else is here,
 * with the official attribute names and registration order, so the state-dict keys and their order
 * equal the official ones ({@code _encoder_t, _encoder_b, _pre_vq_conv_top, _pre_vq_conv_bot (swapped in DiscreteLatentModel),
 * _vq_vae_top, _vq_vae_bot, _decoder_b, upsample_t}).
 *
 * <p>lo = "top"/"t" = 1/8 of the input resolution; hi = "bot"/"b" = 1/4.
 *
 * <p>The pieces stage 2 needs are public: {@link #encode}, {@link #preVqHi}, {@link #quantize},
 * {@link #upsampleLo}, {@link #decode}; {@link #forward} is exactly their official composition.
 */
public abstract class DadaModel extends Module {
    /** The two quantisation levels. */
    public enum Level { LO, HI }

    private final DadaConfig config;
    protected final EncoderTop encoderT;
    protected final EncoderBot encoderB;
    protected final Conv2d preVqConvTop;
    protected final Layer preVqConvBot;
    protected final VectorQuantizerEMA vqVaeTop, vqVaeBot;
    protected final DecoderBot decoderB;
    protected final ConvTranspose2d upsampleT;

    /**
     * What the official forward returns (loss_b, loss_t, recon_fin, quantized_t, quantized_b), plus
     * the two quantiser outputs (indices, perplexity) and up(Q_lo) for teaching and tests.
     */
    public record Output(Tensor lossB, Tensor lossT, Tensor recon, Tensor quantizedT, Tensor quantizedB,
                         VqOutput lo, VqOutput hi, Tensor upQuantizedT) {}

    /** encode(x): enc_b [B, h, H/4, W/4], z_lo [B, e, H/8, W/8] and its quantisation (Q_lo = lo.quantized()). */
    public record Encoded(Tensor encB, Tensor zLo, VqOutput lo) {}

    protected DadaModel(DadaConfig c, Random rng) {
        this.config = c;
        int g = c.groups();
        encoderT = registerModule("_encoder_t", new EncoderTop(c.numHiddens(), c.numResidualLayers(), c.numResidualHiddens(), g, c.residualSkip(), rng));
        encoderB = registerModule("_encoder_b", new EncoderBot(c.inChannels(), c.numHiddens(), c.numResidualLayers(), c.numResidualHiddens(), g, c.residualSkip(), rng));
        // The official classes register these two in opposite orders (state-dict order follows).
        if (g == 2) {
            preVqConvTop = registerModule("_pre_vq_conv_top", new Conv2d(c.numHiddens(), c.embeddingDim(), 1, 1, 0, g, true, rng));
            preVqConvBot = registerModule("_pre_vq_conv_bot", makePreVqBot(c, rng));
        } else {
            preVqConvBot = registerModule("_pre_vq_conv_bot", makePreVqBot(c, rng));
            preVqConvTop = registerModule("_pre_vq_conv_top", new Conv2d(c.numHiddens(), c.embeddingDim(), 1, 1, 0, g, true, rng));
        }
        vqVaeTop = registerModule("_vq_vae_top", new VectorQuantizerEMA(c.numEmbeddings(), c.embeddingDim(), c.commitmentCost(), c.decay(), 1e-5, rng));
        vqVaeBot = registerModule("_vq_vae_bot", new VectorQuantizerEMA(c.numEmbeddings(), c.embeddingDim(), c.commitmentCost(), c.decay(), 1e-5, rng));
        decoderB = registerModule("_decoder_b", new DecoderBot(2 * c.embeddingDim(), c.numHiddens(), c.numResidualLayers(), c.numResidualHiddens(), c.outChannels(), g, c.residualSkip(), rng));
        upsampleT = registerModule("upsample_t", ConvTranspose2d.up2(c.embeddingDim(), c.embeddingDim(), g, rng));
    }

    /** The layer named _pre_vq_conv_bot: F_hi from cat(enc_b, up_lo). */
    protected abstract Layer makePreVqBot(DadaConfig c, Random rng);

    /** The official class for c: grouped for groups = 2, plain otherwise. Weights: PyTorch's default init. */
    public static DadaModel create(DadaConfig c, Random rng) {
        return c.groups() == 2 ? new DiscreteLatentModelGroups(c, rng) : new DiscreteLatentModel(c, rng);
    }

    /** create + the training scripts' weights_init: every conv weight ~ N(0, 0.02^2), biases default. */
    public static DadaModel createForTraining(DadaConfig c, Random rng) {
        DadaModel m = create(c, rng);
        Init.dsrConvInit(m, rng);
        return m;
    }

    public DadaConfig config() { return config; }

    public VectorQuantizerEMA quantizer(Level level) { return level == Level.LO ? vqVaeTop : vqVaeBot; }

    /** The codebook [K, e] of a level. */
    public Tensor codebook(Level level) { return quantizer(level).codebook(); }

    // ============================ pieces (stage 2 uses these) ====================================
    /** x [B, in, H, W] -> enc_b [B, h, H/4, W/4], z_lo [B, e, H/8, W/8], lo = VQ_lo(z_lo). */
    public Encoded encode(Tensor x) {
        checkInput(x);
        Tensor encB = encoderB.forward(x);                  // [B, h, H/4, W/4]  (paper 384: [B, 256, 96, 96])
        Tensor encT = encoderT.forward(encB);               // [B, h, H/8, W/8]  ([B, 256, 48, 48])
        Tensor zLo = preVqConvTop.forward(encT);            // [B, e, H/8, W/8]
        return new Encoded(encB, zLo, vqVaeTop.forward(zLo));
    }

    /** F_hi = _pre_vq_conv_bot(cat(enc_b, up_lo)): enc_b [B, h, H/4, W/4], up_lo [B, e, H/4, W/4] -> [B, e, H/4, W/4]. */
    public Tensor preVqHi(Tensor encB, Tensor upLo) { return preVqConvBot.forward(Tensor.concat(1, encB, upLo)); }

    /** VQ of z [B, e, h, w] with this level's codebook (EMA update only in training mode). */
    public VqOutput quantize(Level level, Tensor z) { return quantizer(level).forward(z); }

    /** upsample_t: Q_lo [B, e, H/8, W/8] -> [B, e, H/4, W/4]. */
    public Tensor upsampleLo(Tensor qLo) { return upsampleT.forward(qLo); }

    /** The general appearance decoder on cat(up_lo, q_hi) (both [B, e, H/4, W/4]) -> [B, out, H, W]. */
    public Tensor decode(Tensor upLo, Tensor qHi) { return decoderB.forward(Tensor.concat(1, upLo, qHi)); }

    // ============================ the official forward ===========================================
    public Output forward(Tensor x) {
        Encoded enc = encode(x);                                              // Encoder hi, encoder lo, Q_lo
        Tensor upLo = upsampleLo(enc.lo().quantized());                       // up(Q_lo)   [B, e, H/4, W/4]
        VqOutput hi = quantize(Level.HI, preVqHi(enc.encB(), upLo));         // F_hi, Q_hi [B, e, H/4, W/4]
        Tensor recon = decode(upLo, hi.quantized());                          // [B, out, H, W]
        return new Output(hi.loss(), enc.lo().loss(), recon, enc.lo().quantized(), hi.quantized(), enc.lo(), hi, upLo);
    }

    private void checkInput(Tensor x) {
        if (x.dim() != 4 || x.size(1) != config.inChannels() || x.size(2) % 8 != 0 || x.size(3) % 8 != 0)
            throw new IllegalArgumentException(getClass().getSimpleName() + ": expected input [B, " + config.inChannels()
                    + ", H, W] with H and W divisible by 8, got " + Arrays.toString(x.shape()));
    }

    // ============================ optional codebook start (not in the paper) =====================
    /**
     * {@code --codebook-init data}, NOT in the official code: each codeword of both levels becomes a
     * randomly chosen encoder output of x (plus 1e-3 noise), with _ema_w equal to it and cluster
     * size 1, so codebook = ema_w / N from the first step. Counters the collapse of a small model
     * onto a few codes (the official N(0,1) start is far from small encoder outputs).
     */
    public void warmStartCodebooks(Tensor x, Random rng) {
        try (NoGrad ignored = NoGrad.enter()) {
            boolean was = isTraining();
            eval();
            Encoded enc = encode(x);
            warmStart(vqVaeTop, enc.zLo(), rng);
            Tensor upLo = upsampleLo(vqVaeTop.forward(enc.zLo()).quantized());
            warmStart(vqVaeBot, preVqHi(enc.encB(), upLo), rng);
            train(was);
        }
    }

    /**
     * {@code --codebook-restart N}, NOT in the official code: in both levels every codeword that
     * the last forward did not use is moved onto a random encoder output of x (plus 1e-3 noise;
     * ema_w = codeword, cluster size 1), the usual dead-code restart of VQ-VAE practice. Call it
     * right after a training forward of x. Returns the number of restarted codes per level {lo, hi}.
     * Runs an eval-mode forward (no EMA update).
     */
    public int[] restartDeadCodes(Tensor x, Random rng) {
        long[] usedLo = vqVaeTop.lastCounts(), usedHi = vqVaeBot.lastCounts();
        try (NoGrad ignored = NoGrad.enter()) {
            boolean was = isTraining();
            eval();
            Encoded enc = encode(x);
            Tensor upLo = upsampleLo(enc.lo().quantized());
            Tensor zHi = preVqHi(enc.encB(), upLo);
            int lo = restart(vqVaeTop, enc.zLo(), usedLo, rng);
            int hi = restart(vqVaeBot, zHi, usedHi, rng);
            train(was);
            return new int[]{lo, hi};
        }
    }

    private static int restart(VectorQuantizerEMA vq, Tensor z, long[] used, Random rng) {
        boolean[] dead = new boolean[vq.numEmbeddings];
        for (int j = 0; j < dead.length; j++) dead[j] = used.length != dead.length || used[j] == 0;
        return vq.restartCodes(z, dead, rng);
    }

    private static void warmStart(VectorQuantizerEMA vq, Tensor z, Random rng) { vq.restartCodes(z, null, rng); }

}
