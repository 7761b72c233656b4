package dsr3d.tensor.cpu.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 instance normalisation over planes [nc, hw] (biased variance), forward and backward;
 * planes are split over the pool.
 *
 * <p>Mean and variance are two passes over the plane (mean, then sum of (x - mean)^2), not the
 * one-pass E[x^2] - E[x]^2 that cancels catastrophically when |mean| >> std. A plane of the 3DSR
 * networks is at most a few tens of KiB, so the second pass reads from cache. Both sums use
 * float vector blocks folded into double ({@link ReduceSimd#sum}).
 */
public final class NormSimd {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();

    private NormSimd() {}

    /** y = (x - mean) * rstd per plane, rstd = 1 / sqrt(var + eps); writes mean and rstd [nc]. */
    public static void instanceNorm(int nc, int hw, double eps, float[] x, float[] y, float[] mean, float[] rstd) {
        check("instanceNorm", nc, hw, x, y, mean.length, rstd.length);
        Pool2dSimd.forPlanes(nc, hw, (from, to) -> {
            for (int c = from; c < to; c++) {
                int base = c * hw;
                double m = ReduceSimd.sum(x, base, hw) / hw;
                double v = squaredDeviations(x, base, hw, (float) m) / hw;
                double r = 1 / Math.sqrt(v + eps);
                mean[c] = (float) m;
                rstd[c] = (float) r;
                FloatVector vm = FloatVector.broadcast(F, (float) m), vr = FloatVector.broadcast(F, (float) r);
                int i = 0;
                for (int bound = F.loopBound(hw); i < bound; i += L)
                    FloatVector.fromArray(F, x, base + i).sub(vm).mul(vr).intoArray(y, base + i);
                for (; i < hw; i++) y[base + i] = (x[base + i] - (float) m) * (float) r;
            }
        });
    }

    /** Sum of (a[off + i] - m)^2, float blocks folded in double. */
    private static double squaredDeviations(float[] a, int off, int n, float m) {
        FloatVector vm = FloatVector.broadcast(F, m);
        double total = 0;
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; ) {
            FloatVector acc = FloatVector.zero(F);
            for (int blockEnd = Math.min(bound, i + ReduceSimd.BLOCK); i < blockEnd; i += L) {
                FloatVector t = FloatVector.fromArray(F, a, off + i).sub(vm);
                acc = t.fma(t, acc);
            }
            total += Lanes.sum(acc);
        }
        for (; i < n; i++) { double t = a[off + i] - m; total += t * t; }
        return total;
    }

    /** dx = rstd * (dy - mean(dy) - y * mean(dy * y)) per plane (y the normalised output). */
    public static void instanceNormBackward(int nc, int hw, float[] y, float[] rstd, float[] dy, float[] dx) {
        check("instanceNormBackward", nc, hw, y, dx, rstd.length, nc);
        Pool2dSimd.checkLen("instanceNormBackward", "dy", dy.length, (long) nc * hw);
        Pool2dSimd.forPlanes(nc, hw, (from, to) -> {
            for (int c = from; c < to; c++) {
                int base = c * hw;
                float mdy = (float) (ReduceSimd.sum(dy, base, hw) / hw);
                float mdyy = (float) (ReduceSimd.dot(dy, base, y, base, hw) / hw);
                float r = rstd[c];
                FloatVector vmdy = FloatVector.broadcast(F, mdy), vmdyy = FloatVector.broadcast(F, mdyy);
                int i = 0;
                for (int bound = F.loopBound(hw); i < bound; i += L) {
                    FloatVector vy = FloatVector.fromArray(F, y, base + i);
                    // dy - mdy - y * mdyy, as fma(-y, mdyy, dy - mdy)
                    FloatVector g = vy.neg().fma(vmdyy, FloatVector.fromArray(F, dy, base + i).sub(vmdy));
                    g.mul(r).intoArray(dx, base + i);
                }
                for (; i < hw; i++) dx[base + i] = r * (dy[base + i] - mdy - y[base + i] * mdyy);
            }
        });
    }

    private static void check(String kernel, int nc, int hw, float[] in, float[] out, int meanLen, int rstdLen) {
        if (nc < 0 || hw < 1) throw new IllegalArgumentException(kernel + ": need nc >= 0 and hw >= 1, got nc=" + nc + " hw=" + hw);
        long n = (long) nc * hw;
        Pool2dSimd.checkLen(kernel, "input", in.length, n);
        Pool2dSimd.checkLen(kernel, "output", out.length, n);
        Pool2dSimd.checkLen(kernel, "mean", meanLen, nc);
        Pool2dSimd.checkLen(kernel, "rstd", rstdLen, nc);
    }
}
