package dsr3d.simulate;

import java.util.SplittableRandom;

/**
 * The explicit random stream every generator in this module takes (no global RNG anywhere).
 *
 * <p>A thin wrapper over {@link SplittableRandom}: the same seed gives the same sequence on every
 * JVM, and {@link #split()} hands out a statistically independent child stream, so that work can
 * be split per sample (and run in parallel) while the result stays a function of the seed alone:
 * split the children in a fixed order on one thread, then give each to its task.
 */
public final class Rng {
    private final SplittableRandom random;

    public Rng(long seed) { this.random = new SplittableRandom(seed); }

    private Rng(SplittableRandom random) { this.random = random; }

    /** An independent child stream; advances this stream. */
    public Rng split() { return new Rng(random.split()); }

    /** {@code n} independent child streams, split in index order. */
    public Rng[] split(int n) {
        if (n < 0) throw new IllegalArgumentException("split count must be >= 0, got " + n);
        Rng[] out = new Rng[n];
        for (int i = 0; i < n; i++) out[i] = split();
        return out;
    }

    /** Uniform in [0, 1). */
    public double uniform() { return random.nextDouble(); }

    /** Uniform in [lo, hi). */
    public double uniform(double lo, double hi) {
        if (!(hi >= lo)) throw new IllegalArgumentException("uniform range needs lo <= hi, got [" + lo + ", " + hi + ")");
        return lo == hi ? lo : lo + (hi - lo) * random.nextDouble();
    }

    /** Uniform integer in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("nextInt bound must be > 0, got " + bound);
        return random.nextInt(bound);
    }

    /** Uniform integer in [lo, hi] (both inclusive). */
    public int intBetween(int lo, int hi) {
        if (hi < lo) throw new IllegalArgumentException("intBetween needs lo <= hi, got [" + lo + ", " + hi + "]");
        return lo + random.nextInt(hi - lo + 1);
    }

    /** True with probability p. */
    public boolean chance(double p) { return random.nextDouble() < p; }

    public double gaussian() { return random.nextGaussian(); }

    /**
     * A cheap bell-shaped variate with mean 0 and standard deviation 1 (Irwin-Hall: the sum of
     * four uniforms, centred and scaled; support +-3.46), for per-pixel sensor noise where exact
     * normality does not matter and nextGaussian would dominate the run time.
     */
    public double noise() {
        return (random.nextDouble() + random.nextDouble() + random.nextDouble() + random.nextDouble() - 2) * 1.7320508075688772;
    }

    public long nextLong() { return random.nextLong(); }
}
