package dsr3d.models.stage2;

import dsr3d.tensor.Tensor;
import dsr3d.tensor.autograd.NoGrad;
import dsr3d.tensor.ops.Pool2d;

import java.util.Arrays;
import java.util.Locale;

/**
 * Test-time scoring (spec §6): the pixel map is softmax(logits)[channel 1], smoothed; the image
 * score is the maximum of the smoothed map (background included). The official smoothing is a box
 * mean k x k, stride 1, zero padding k / 2 with the zeros counted (avg_pool2d with
 * count_include_pad = True): k = 11 for RGB+D and RGB, 21 for depth only. The paper's wording, a
 * Gaussian filter, is the option {@code gaussian:SIGMA}: separable, weights exp(-x^2 / (2 sigma^2))
 * normalised over radius round(4 sigma), zero padding (scipy.ndimage.gaussian_filter, mode constant,
 * truncate 4).
 */
public final class AnomalyScoring {
    private AnomalyScoring() {}

    public static final int BOX_RGBD = 11, BOX_DEPTH = 21;

    /** A smoothing filter: a box of side k or a Gaussian of the given sigma. */
    public sealed interface Smoothing permits Box, Gaussian {
        /** "box:11" / "gaussian:4.0", or the official default of a modality's box as "box:K". */
        static Smoothing parse(String spec) {
            String s = spec.trim().toLowerCase(Locale.ROOT);
            try {
                if (s.startsWith("box:")) return new Box(Integer.parseInt(s.substring(4)));
                if (s.startsWith("gaussian:")) return new Gaussian(Double.parseDouble(s.substring(9)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("smoothing '" + spec + "': bad number", e);
            }
            throw new IllegalArgumentException("smoothing '" + spec + "': expected box:K or gaussian:SIGMA");
        }

        /** The official box for a modality: 21 for depth only, 11 otherwise. */
        static Smoothing official(boolean depthOnly) { return new Box(depthOnly ? BOX_DEPTH : BOX_RGBD); }
    }

    public record Box(int k) implements Smoothing {
        public Box {
            if (k <= 0 || k % 2 == 0) throw new IllegalArgumentException("box smoothing needs an odd positive size, got " + k);
        }
    }

    public record Gaussian(double sigma) implements Smoothing {
        public Gaussian {
            if (!(sigma > 0) || Double.isInfinite(sigma)) throw new IllegalArgumentException("gaussian smoothing needs sigma > 0, got " + sigma);
        }
        public int radius() { return (int) (4.0 * sigma + 0.5); }
    }

    /** softmax(logits [B, 2, H, W], dim 1)[:, 1:2]: [B, 1, H, W]. */
    public static Tensor anomalyProbability(Tensor logits) {
        if (logits.dim() != 4 || logits.size(1) != 2)
            throw new IllegalArgumentException("anomalyProbability: logits must be [B, 2, H, W], got " + Arrays.toString(logits.shape()));
        return logits.softmax(1).slice(1, 1, 2);
    }

    /** The smoothed map, [B, 1, H, W] -> [B, 1, H, W]. */
    public static Tensor smooth(Tensor map, Smoothing smoothing) {
        if (map.dim() != 4 || map.size(1) != 1)
            throw new IllegalArgumentException("smooth: map must be [B, 1, H, W], got " + Arrays.toString(map.shape()));
        try (NoGrad ignored = NoGrad.enter()) {
            return switch (smoothing) {
                case Box b -> Pool2d.avg(map.contiguous(), b.k(), 1, b.k() / 2);
                case Gaussian g -> gaussian(map, g);
            };
        }
    }

    /** Image scores: the maximum of each smoothed map [B, 1, H, W] -> double[B]. */
    public static double[] imageScores(Tensor smoothed) {
        int b = smoothed.size(0), n = smoothed.numel() / b;
        double[] v = smoothed.toDoubleArray(), out = new double[b];
        for (int i = 0; i < b; i++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) m = Math.max(m, v[i * n + j]);
            out[i] = m;
        }
        return out;
    }

    private static Tensor gaussian(Tensor map, Gaussian g) {
        int b = map.size(0), h = map.size(2), w = map.size(3), r = g.radius();
        double[] k = new double[2 * r + 1];
        double sum = 0;
        for (int i = -r; i <= r; i++) sum += k[i + r] = Math.exp(-0.5 * i * i / (g.sigma() * g.sigma()));
        for (int i = 0; i < k.length; i++) k[i] /= sum;
        double[] v = map.toDoubleArray(), tmp = new double[v.length], out = new double[v.length];
        for (int n = 0; n < b; n++) {
            int o = n * h * w;
            for (int y = 0; y < h; y++)              // along rows (x), zeros outside
                for (int x = 0; x < w; x++) {
                    double s = 0;
                    for (int i = -r; i <= r; i++) if (x + i >= 0 && x + i < w) s += k[i + r] * v[o + y * w + x + i];
                    tmp[o + y * w + x] = s;
                }
            for (int y = 0; y < h; y++)              // then along columns (y)
                for (int x = 0; x < w; x++) {
                    double s = 0;
                    for (int i = -r; i <= r; i++) if (y + i >= 0 && y + i < h) s += k[i + r] * tmp[o + (y + i) * w + x];
                    out[o + y * w + x] = s;
                }
        }
        return Tensor.of(out, map.dtype(), map.shape());
    }
}
