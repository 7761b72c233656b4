package dsr3d.nn.vq;

import dsr3d.nn.Module;
import dsr3d.nn.Tensors;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.autograd.NoGrad;
import dsr3d.tensor.ops.Index;
import dsr3d.tensor.ops.VqNearest;

import java.util.Arrays;
import java.util.Random;

/**
 * The VQ-VAE quantiser with an EMA-learned codebook, as the official "VectorQuantizerEMA"
 * (spec section 2.6). For z [B, C, H, W] with C = embedding dim D:
 * <ol>
 *   <li>flatten to [B*H*W, D] (channels last) and pick for each row the nearest of the K codewords
 *       by squared Euclidean distance (fused kernel, lowest index on ties);</li>
 *   <li>quantized = those codewords (looked up before any update of this forward);</li>
 *   <li>loss = commitmentCost * mse(sg[quantized], z): no codebook term, the codebook learns by EMA;</li>
 *   <li>in training mode only, the EMA update: N = d N + (1-d) counts; Laplace smoothing
 *       N = (N + eps) / (sum N + K eps) * sum N; m = d m + (1-d) sum of the z of each code;
 *       embedding = m / N;</li>
 *   <li>output z + sg[quantized - z] (value of the codewords, gradient of the identity) as [B, D, H, W].</li>
 * </ol>
 * State under the official names: parameters "_embedding.weight" [K, D] and "_ema_w" [K, D] (both
 * N(0,1) at start; they are parameters in the official code but receive no gradient) and the
 * buffer "_ema_cluster_size" [K] (zeros). EMA updates write into these tensors in place. The code
 * usage of the last forward is kept for logging ({@link #lastCounts}, {@link #lastPerplexity}).
 */
public final class VectorQuantizerEMA extends Module {
    public final int numEmbeddings, embeddingDim;
    public final double commitmentCost, decay, epsilon;
    private final Embedding embedding;
    private long[] lastCounts = new long[0];
    private double lastPerplexity = Double.NaN;

    /** The codebook holder, named and printed like nn.Embedding so the state-dict key is "_embedding.weight". */
    public static final class Embedding extends Module {
        Embedding(Tensor w) { registerParameter("weight", w); }

        @Override protected String extraRepr() { return param("weight").size(0) + ", " + param("weight").size(1); }
    }

    /** The 3DSR settings: commitment 0.25, decay 0.99, epsilon 1e-5. */
    public VectorQuantizerEMA(int numEmbeddings, int embeddingDim, Random rng) {
        this(numEmbeddings, embeddingDim, 0.25, 0.99, 1e-5, rng);
    }

    public VectorQuantizerEMA(int numEmbeddings, int embeddingDim, double commitmentCost, double decay, double epsilon, Random rng) {
        if (numEmbeddings <= 0 || embeddingDim <= 0)
            throw new IllegalArgumentException("VectorQuantizerEMA: numEmbeddings " + numEmbeddings + " and embeddingDim " + embeddingDim + " must be positive");
        if (!(decay >= 0 && decay < 1) || !(epsilon > 0) || !(commitmentCost >= 0))
            throw new IllegalArgumentException("VectorQuantizerEMA: need 0 <= decay < 1 (got " + decay + "), epsilon > 0 (got " + epsilon
                    + "), commitmentCost >= 0 (got " + commitmentCost + ")");
        this.numEmbeddings = numEmbeddings;
        this.embeddingDim = embeddingDim;
        this.commitmentCost = commitmentCost;
        this.decay = decay;
        this.epsilon = epsilon;
        // Official order: the embedding is created (and drawn) first, then the EMA sum, then the cluster sizes.
        this.embedding = registerModule("_embedding", new Embedding(Tensor.randn(rng, DType.F32, numEmbeddings, embeddingDim)));
        registerBuffer("_ema_cluster_size", Tensor.zeros(DType.F32, numEmbeddings));
        registerParameter("_ema_w", Tensor.randn(rng, DType.F32, numEmbeddings, embeddingDim));
    }

    /** The codebook [K, D]. */
    public Tensor codebook() { return embedding.param("weight"); }

    public Tensor emaW() { return param("_ema_w"); }

    public Tensor emaClusterSize() { return buffer("_ema_cluster_size"); }

    /** How many vectors each code received in the last forward (length K; empty before the first). */
    public long[] lastCounts() { return lastCounts.clone(); }

    /** exp(entropy of the last forward's code usage); NaN before the first forward. */
    public double lastPerplexity() { return lastPerplexity; }

    /** Number of codes used at least once in the last forward. */
    public int lastUsedCodes() {
        int n = 0;
        for (long c : lastCounts) if (c > 0) n++;
        return n;
    }

    public VqOutput forward(Tensor z) {
        if (z.dim() != 4 || z.size(1) != embeddingDim)
            throw new IllegalArgumentException("VectorQuantizerEMA: expected z [B, " + embeddingDim + ", H, W], got " + Arrays.toString(z.shape()));
        Tensor codebook = codebook();
        if (z.dtype() != codebook.dtype())
            throw new IllegalArgumentException("VectorQuantizerEMA: input dtype " + z.dtype() + " differs from codebook dtype " + codebook.dtype() + " (convert the module with to())");
        int b = z.size(0), h = z.size(2), w = z.size(3), n = b * h * w, d = embeddingDim;
        Tensor zLast = z.permute(0, 2, 3, 1);             // [B, H, W, D], graph kept for the loss and output
        Tensor flat = zLast.reshape(n, d);                 // [N, D]
        Tensor idx = VqNearest.apply(flat, codebook);      // I32 [N]
        Tensor q = Index.indexSelect(codebook.detach(), idx).reshape(b, h, w, d).detach();   // codewords before the update

        // Per-code counts and sums of this batch on the backend: index-add rows of ones and of z.
        Tensor counts, sums;
        try (NoGrad ignored = NoGrad.enter()) {
            Tensor flatData = flat.detach().contiguous();
            counts = Tensor.zeros(z.backend(), z.dtype(), numEmbeddings, 1);
            Tensor ones = Tensor.zeros(z.backend(), z.dtype(), n, 1);
            z.backend().fill(ones.storage(), 1);
            z.backend().indexAddRows(ones.storage(), idx.storage(), n, 1, counts.storage());
            counts = counts.reshape(numEmbeddings);
            sums = Tensor.zeros(z.backend(), z.dtype(), numEmbeddings, d);
            z.backend().indexAddRows(flatData.storage(), idx.storage(), n, d, sums.storage());
        }
        recordUsage(counts, n);
        if (isTraining()) emaUpdate(counts, sums);

        Tensor loss = q.sub(zLast).pow(2).mean().mul(commitmentCost);   // mse(sg[q], z)
        Tensor st = zLast.add(q.sub(zLast).detach());                    // straight-through
        return new VqOutput(loss, st.permute(0, 3, 1, 2).contiguous(), lastPerplexity, idx.reshape(b, h, w));
    }

    private void recordUsage(Tensor counts, int n) {
        double[] c = counts.toDoubleArray();
        lastCounts = new long[c.length];
        double entropy = 0;
        for (int k = 0; k < c.length; k++) {
            lastCounts[k] = Math.round(c[k]);
            double p = c[k] / n;
            entropy -= p * Math.log(p + 1e-10);   // the official perplexity formula, 1e-10 inside the log
        }
        lastPerplexity = Math.exp(entropy);
    }

    /** The EMA codebook update, written into the state tensors in place. */
    private void emaUpdate(Tensor counts, Tensor sums) {
        try (NoGrad ignored = NoGrad.enter()) {
            Tensor size = emaClusterSize().mul(decay).add(counts.mul(1 - decay));
            Tensor total = size.sum();                                                     // scalar
            size = size.add(epsilon).div(total.add(numEmbeddings * epsilon)).mul(total);  // Laplace smoothing
            Tensor m = emaW().detach().mul(decay).add(sums.mul(1 - decay));
            Tensor e = m.div(size.reshape(numEmbeddings, 1));
            Tensors.copyInto(size, emaClusterSize());
            Tensors.copyInto(m, emaW());
            Tensors.copyInto(e, codebook());
        }
    }

    /**
     * Moves the chosen codewords onto random rows of z [B, D, H, W] (plus N(0, 1e-3^2) noise), with
     * _ema_w equal to them and cluster size 1, so codebook = ema_w / N holds. Not in the official
     * code: the data-dependent start and the dead-code restart of VQ-VAE practice use it.
     * which == null restarts every code. Returns how many codes moved.
     */
    public int restartCodes(Tensor z, boolean[] which, Random rng) {
        int d = z.size(1), k = numEmbeddings;
        double[] flat = z.permute(0, 2, 3, 1).reshape(-1, d).toDoubleArray();
        int n = flat.length / d, moved = 0;
        double[] size = emaClusterSize().toDoubleArray(), cb = codebook().toDoubleArray(), ema = emaW().toDoubleArray();
        for (int j = 0; j < k; j++) {
            if (which != null && !which[j]) continue;
            int r = rng.nextInt(n);
            for (int c = 0; c < d; c++) cb[j * d + c] = ema[j * d + c] = flat[r * d + c] + 1e-3 * rng.nextGaussian();
            size[j] = 1;
            moved++;
        }
        if (moved > 0) {
            Tensors.copyInto(Tensor.of(cb, codebook().dtype(), k, d), codebook());
            Tensors.copyInto(Tensor.of(ema, emaW().dtype(), k, d), emaW());
            Tensors.copyInto(Tensor.of(size, emaClusterSize().dtype(), k), emaClusterSize());
        }
        return moved;
    }

    @Override protected String extraRepr() {
        return "num_embeddings=" + numEmbeddings + ", embedding_dim=" + embeddingDim + ", commitment_cost=" + commitmentCost
                + ", decay=" + decay + ", epsilon=" + epsilon;
    }
}
