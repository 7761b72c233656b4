package dsr3d.models.stage2;

import dsr3d.simulate.Rng;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.autograd.NoGrad;

import java.util.Arrays;

/**
 * Feature-level anomaly generation, the official {@code generate_fake_anomalies_joined} (spec §4.3).
 * For pre-quantization features z [B, D, h, w], their quantized version q [B, D, h, w], the frozen
 * codebook E [K, D], the image-resolution mask M [B, 1, H, W] (H = r h, W = r w) and strengths s [B]:
 * <ol>
 *   <li>per position, the codes sorted by squared distance ||z||^2 + ||e||^2 - 2 z.e (ascending,
 *       lowest index on ties); keep the first T = max(1, min(floor(s K) + 1, K - 1)), drop the first
 *       floor(0.05 K) (102 of 2048: the nearest codes, the chosen one among them) and take the
 *       code at rank floor(0.05 K) + u, u uniform in [0, T - floor(0.05 K));</li>
 *   <li>with probability 0.5 per call, that replacement is thrown away and q with its p x p
 *       patches permuted within each image is used instead, p uniform in {1, 2, 4, 8};</li>
 *   <li>the mask max-pooled to h x w by the ratio r;</li>
 *   <li>out = m * replacement + (1 - m) * q.</li>
 * </ol>
 * The random choices are a {@link Draws} value: {@link Draws#random} draws them from a {@link Rng},
 * {@link #apply} is the deterministic core (tests replay the draws the official code made).
 * No gradients flow (the official call runs under no_grad).
 */
public final class LatentAnomalies {
    private LatentAnomalies() {}

    public static final double EXCLUDED_FRACTION = 0.05;
    public static final double SHUFFLE_PROBABILITY = 0.5;
    /** Patch sizes of the shuffle, in feature pixels: 2^0 .. 2^3. */
    public static final int[] PATCH_SIZES = {1, 2, 4, 8};
    /** Strength range of the training loop: s ~ U(0.1, 1.0) per sample and level. */
    public static final double STRENGTH_MIN = 0.1, STRENGTH_MAX = 1.0;

    /**
     * The random choices of one call.
     *
     * @param offsets      [B][h*w]: per position the pick u among the allowed ranks (rank = excluded(K) + u),
     *                     u in [0, keep(s_b, K) - excluded(K)); positions row-major
     * @param shuffle      whether the patch shuffle replaces the codebook picks
     * @param patchSize    p (1, 2, 4 or 8) when shuffling, else ignored
     * @param permutations [B][(h/p)*(w/p)] when shuffling: patch j of the output (row-major patch
     *                     grid) is patch permutations[b][j] of q; else ignored (may be null)
     */
    public record Draws(int[][] offsets, boolean shuffle, int patchSize, int[][] permutations) {
        /** Draws as the official function does: a uniform pick per position, then the shuffle coin
         *  (p = 0.5), then the patch size and one permutation per image when it comes up. */
        public static Draws random(Rng rng, int batch, int h, int w, int numCodes, double[] strength) {
            if (strength.length != batch) throw new IllegalArgumentException("LatentAnomalies: " + strength.length + " strengths for batch " + batch);
            int[][] offsets = new int[batch][h * w];
            for (int b = 0; b < batch; b++) {
                int allowed = allowedRanks(strength[b], numCodes);
                for (int i = 0; i < h * w; i++) offsets[b][i] = rng.nextInt(allowed);
            }
            boolean shuffle = rng.chance(SHUFFLE_PROBABILITY);
            if (!shuffle) return new Draws(offsets, false, 0, null);
            int p = PATCH_SIZES[rng.nextInt(PATCH_SIZES.length)];
            if (h % p != 0 || w % p != 0)
                throw new IllegalArgumentException("LatentAnomalies: feature map " + h + "x" + w + " is not divisible by patch size " + p);
            int[][] perms = new int[batch][];
            for (int b = 0; b < batch; b++) perms[b] = permutation((h / p) * (w / p), rng);
            return new Draws(offsets, true, p, perms);
        }
    }

    /** T = max(1, min(floor(s K) + 1, K - 1)): how many nearest codes are kept. */
    public static int keep(double strength, int numCodes) {
        return Math.max(1, Math.min((int) (strength * numCodes) + 1, numCodes - 1));
    }

    /** floor(0.05 K): how many of the nearest codes are dropped. */
    public static int excluded(int numCodes) { return (int) (numCodes * EXCLUDED_FRACTION); }

    /** T - floor(0.05 K): how many ranks the uniform pick ranges over; an error if none. */
    public static int allowedRanks(double strength, int numCodes) {
        int n = keep(strength, numCodes) - excluded(numCodes);
        if (n <= 0)
            throw new IllegalArgumentException("LatentAnomalies: strength " + strength + " keeps " + keep(strength, numCodes)
                    + " of " + numCodes + " codes, not more than the " + excluded(numCodes) + " excluded nearest ones");
        return n;
    }

    /** The deterministic core: [B, D, h, w] anomalous features in q's dtype. */
    public static Tensor apply(Tensor z, Tensor q, Tensor codebook, Tensor mask, double[] strength, Draws draws) {
        int[] s = z.shape();
        if (z.dim() != 4 || !Arrays.equals(s, q.shape()) || codebook.dim() != 2 || codebook.size(1) != s[1])
            throw new IllegalArgumentException("LatentAnomalies: need z and q [B, D, h, w] and codebook [K, D], got "
                    + Arrays.toString(s) + ", " + Arrays.toString(q.shape()) + ", " + Arrays.toString(codebook.shape()));
        int b = s[0], d = s[1], h = s[2], w = s[3];
        if (strength.length != b) throw new IllegalArgumentException("LatentAnomalies: " + strength.length + " strengths for batch " + b);
        double[] m = downsampleMask(mask, b, h, w);                          // [B, h*w]
        double[] qv = q.toDoubleArray();
        double[] repl = draws.shuffle()
                ? shufflePatches(qv, b, d, h, w, draws.patchSize(), draws.permutations())
                : codebookPicks(z, codebook, strength, draws.offsets());
        double[] out = new double[qv.length];
        for (int n = 0; n < b; n++)
            for (int c = 0; c < d; c++)
                for (int i = 0; i < h * w; i++) {
                    int at = (n * d + c) * h * w + i;
                    double mi = m[n * h * w + i];
                    out[at] = mi * repl[at] + (1 - mi) * qv[at];
                }
        return Tensor.of(out, q.dtype(), s);
    }

    /** Positions per distance block: bounds the [rows, K] distance matrix (paper hi level: 9216
     *  positions x 2048 codes would be 151 MB in double per sample; a block is 16 MB). */
    static final int DISTANCE_ROWS = 1024;

    /** Step 1: [B, D, h, w] (flat) codewords at rank excluded(K) + offset of every position. */
    static double[] codebookPicks(Tensor z, Tensor codebook, double[] strength, int[][] offsets) {
        int b = z.size(0), d = z.size(1), h = z.size(2), w = z.size(3), k = codebook.size(0), hw = h * w;
        double[] e = codebook.toDoubleArray();
        double[] out = new double[b * d * hw];
        int drop = excluded(k);
        for (int n = 0; n < b; n++) {
            int allowed = allowedRanks(strength[n], k);
            if (offsets[n].length != hw) throw new IllegalArgumentException("LatentAnomalies: " + offsets[n].length + " offsets for " + hw + " positions");
            Tensor flat = z.slice(0, n, n + 1).detach().permute(0, 2, 3, 1).reshape(-1, d);   // [hw, D]
            double[] row = new double[k];
            for (int from = 0; from < hw; from += DISTANCE_ROWS) {
                int to = Math.min(hw, from + DISTANCE_ROWS);
                double[] dist = distances(flat.slice(0, from, to), codebook);          // [to - from, K]
                for (int i = from; i < to; i++) {
                    int u = offsets[n][i];
                    if (u < 0 || u >= allowed) throw new IllegalArgumentException("LatentAnomalies: offset " + u + " outside [0, " + allowed + ")");
                    System.arraycopy(dist, (i - from) * k, row, 0, k);
                    int code = codeAtRank(row, drop + u);
                    for (int c = 0; c < d; c++) out[(n * d + c) * hw + i] = e[code * d + c];
                }
            }
        }
        return out;
    }

    /** Squared distances of feature rows [n, D] to every code, [n, K] row-major, computed as the
     *  official code does (||z||^2 + ||e||^2 - 2 z.e^T) in the features' dtype. */
    static double[] distances(Tensor rows, Tensor codebook) {
        try (NoGrad ignored = NoGrad.enter()) {
            Tensor flat = rows.contiguous();                                      // [n, D]
            Tensor e = codebook.detach().to(flat.dtype());
            Tensor dist = flat.pow(2).sum(1, true).add(e.pow(2).sum(1, false))
                    .sub(flat.matmul(e.transpose(0, 1)).mul(2));                 // [n, K]
            return dist.toDoubleArray();
        }
    }

    /** All codes sorted by (distance, index) ascending. */
    public static int[] sortedCodes(double[] distances) {
        Integer[] idx = new Integer[distances.length];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        Arrays.sort(idx, (a, c) -> compare(distances, a, c));
        int[] out = new int[idx.length];
        for (int i = 0; i < out.length; i++) out[i] = idx[i];
        return out;
    }

    /** sortedCodes(distances)[rank] without sorting (quickselect, expected O(K)). */
    public static int codeAtRank(double[] distances, int rank) {
        int n = distances.length;
        if (rank < 0 || rank >= n) throw new IllegalArgumentException("codeAtRank: rank " + rank + " outside [0, " + n + ")");
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        int lo = 0, hi = n - 1;
        while (lo < hi) {
            int pivot = a[(lo + hi) >>> 1], i = lo, j = hi;
            while (i <= j) {
                while (compare(distances, a[i], pivot) < 0) i++;
                while (compare(distances, a[j], pivot) > 0) j--;
                if (i <= j) { int t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
            }
            if (rank <= j) hi = j;
            else if (rank >= i) lo = i;
            else return a[rank];
        }
        return a[rank];
    }

    private static int compare(double[] dist, int a, int b) {
        int c = Double.compare(dist[a], dist[b]);
        return c != 0 ? c : Integer.compare(a, b);
    }

    /** Step 2 (as unfold / permute / fold): patch j (row-major grid of p x p patches) of each
     *  image of the output is patch perms[b][j] of the input, all channels together. */
    public static double[] shufflePatches(double[] x, int b, int d, int h, int w, int p, int[][] perms) {
        if (p <= 0 || h % p != 0 || w % p != 0)
            throw new IllegalArgumentException("shufflePatches: " + h + "x" + w + " is not divisible by patch size " + p);
        int gw = w / p, patches = (h / p) * gw;
        double[] out = new double[x.length];
        for (int n = 0; n < b; n++) {
            checkPermutation(perms[n], patches);
            for (int j = 0; j < patches; j++) {
                int src = perms[n][j];
                int dy = (j / gw) * p, dx = (j % gw) * p, sy = (src / gw) * p, sx = (src % gw) * p;
                for (int c = 0; c < d; c++) {
                    int plane = (n * d + c) * h * w;
                    for (int y = 0; y < p; y++)
                        for (int xx = 0; xx < p; xx++)
                            out[plane + (dy + y) * w + dx + xx] = x[plane + (sy + y) * w + sx + xx];
                }
            }
        }
        return out;
    }

    /** Step 3: M [B, 1, H, W] max-pooled by (H/h, W/w) to [B, h*w] (flat). */
    public static double[] downsampleMask(Tensor mask, int b, int h, int w) {
        if (mask.dim() != 4 || mask.size(0) != b || mask.size(1) != 1 || mask.size(2) % h != 0 || mask.size(3) % w != 0)
            throw new IllegalArgumentException("LatentAnomalies: mask must be [" + b + ", 1, r*" + h + ", r*" + w + "], got " + Arrays.toString(mask.shape()));
        int mh = mask.size(2), mw = mask.size(3), ry = mh / h, rx = mw / w;
        double[] mv = mask.toDoubleArray(), out = new double[b * h * w];
        for (int n = 0; n < b; n++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    double mx = Double.NEGATIVE_INFINITY;
                    for (int yy = 0; yy < ry; yy++)
                        for (int xx = 0; xx < rx; xx++) mx = Math.max(mx, mv[(n * mh + y * ry + yy) * mw + x * rx + xx]);
                    out[(n * h + y) * w + x] = mx;
                }
        return out;
    }

    /** Strengths U(0.1, 1.0), one per sample. */
    public static double[] strengths(Rng rng, int batch) {
        double[] s = new double[batch];
        for (int i = 0; i < batch; i++) s[i] = rng.uniform(STRENGTH_MIN, STRENGTH_MAX);
        return s;
    }

    static int[] permutation(int n, Rng rng) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        for (int i = n - 1; i > 0; i--) { int j = rng.nextInt(i + 1), t = a[i]; a[i] = a[j]; a[j] = t; }
        return a;
    }

    private static void checkPermutation(int[] perm, int n) {
        if (perm == null || perm.length != n) throw new IllegalArgumentException("shufflePatches: need a permutation of " + n + " patches");
        boolean[] seen = new boolean[n];
        for (int v : perm) {
            if (v < 0 || v >= n || seen[v]) throw new IllegalArgumentException("shufflePatches: " + Arrays.toString(perm) + " is not a permutation of 0.." + (n - 1));
            seen[v] = true;
        }
    }

}
