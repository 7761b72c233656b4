package dsr3d.models.report;

import dsr3d.models.dada.DadaModel;
import dsr3d.tensor.Tensor;

/**
 * How often each code of the DADA's two codebooks is chosen: counts per code at the lo level
 * (1/8 of the image side) and the hi level (1/4), accumulated over any number of images, and the
 * perplexity exp(H) of each, H = -sum p_k ln p_k over the usage shares p_k: the number of equally
 * used codes with the same entropy (1 = one code for everything, K = all codes alike).
 */
public final class CodeUsage {
    private final long[] lo, hi;

    public CodeUsage(int codesLo, int codesHi) {
        this.lo = new long[codesLo];
        this.hi = new long[codesHi];
    }

    public static CodeUsage of(DadaModel dada) {
        return new CodeUsage(dada.codebook(DadaModel.Level.LO).size(0), dada.codebook(DadaModel.Level.HI).size(0));
    }

    /** Adds the chosen codes of one forward: I32 indices [B, h, w] of a level. */
    public void add(DadaModel.Level level, Tensor indices) {
        long[] c = counts(level);
        for (int k : indices.toIntArray()) {
            if (k < 0 || k >= c.length) throw new IllegalArgumentException("code index " + k + " outside the codebook of " + c.length);
            c[k]++;
        }
    }

    /** The counts of a level (the live array). */
    public long[] counts(DadaModel.Level level) { return level == DadaModel.Level.LO ? lo : hi; }

    public int used(DadaModel.Level level) {
        int n = 0;
        for (long v : counts(level)) if (v > 0) n++;
        return n;
    }

    public double perplexity(DadaModel.Level level) { return perplexity(counts(level)); }

    /** exp(-sum p ln p) of the shares counts / sum; NaN when there is no count. */
    public static double perplexity(long[] counts) {
        long total = 0;
        for (long v : counts) total += v;
        if (total == 0) return Double.NaN;
        double h = 0;
        for (long v : counts) if (v > 0) { double p = (double) v / total; h -= p * Math.log(p); }
        return Math.exp(h);
    }
}
