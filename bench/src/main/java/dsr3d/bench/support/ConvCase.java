package dsr3d.bench.support;

import dsr3d.tensor.backend.ConvGeom;
import dsr3d.tensor.cpu.simd.Conv2dSimd;

import java.util.SplittableRandom;

/**
 * One benchmarkable convolution pass of a 3DSR shape at batch 1: owns its arrays, runs the fast
 * kernel ({@link #run()}), and checks it ({@link #verify()}) against direct double-precision sums
 * of sampled output elements (the definition of the convolution, no GEMM involved), so a bench
 * refuses to time a wrong kernel. Passes: forward, backwardInput, backwardWeight, of the shape
 * as the network runs it (a convT's forward is its adjoint geometry's backwardInput, and so on).
 */
public final class ConvCase {
    public enum Pass { forward, backwardInput, backwardWeight }

    public final ConvShapes.Shape shape;
    public final Pass pass;
    public final ConvGeom g;
    /** Arrays in the adjoint geometry's terms: x [n,cin,h,w], w, bias [cout], y [n,cout,ho,wo]. */
    private final float[] x, w, bias, y;

    public ConvCase(ConvShapes.Shape shape, Pass pass) {
        this.shape = shape;
        this.pass = pass;
        this.g = shape.geom(1);
        SplittableRandom rnd = new SplittableRandom(shape.id().hashCode() * 31L + pass.ordinal());
        x = random(rnd, g.inputSize());
        w = random(rnd, g.weightSize());
        y = random(rnd, g.outputSize());
        bias = shape.bias() && !shape.transposed() ? random(rnd, g.cout()) : null;
    }

    /** Which kernel of the geometry this pass runs (convT swaps forward and backwardInput). */
    private Pass kernel() {
        if (!shape.transposed() || pass == Pass.backwardWeight) return pass;
        return pass == Pass.forward ? Pass.backwardInput : Pass.forward;
    }

    public long macs() { return g.macs(); }

    /** Runs the fast kernel once. */
    public void run() {
        switch (kernel()) {
            case forward -> Conv2dSimd.forward(g, x, w, bias, y);          // y = conv(x)
            case backwardInput -> Conv2dSimd.backwardInput(g, y, w, x);    // x = conv^T(y)
            case backwardWeight -> Conv2dSimd.backwardWeight(g, x, y, w);  // w = grad(x, y)
        }
    }

    /** Runs once and compares 256 sampled outputs with direct double sums; throws on a mismatch. */
    public void verify() {
        // the written array is recomputed from inputs that the run does not change
        run();
        Pass k = kernel();
        float[] out = k == Pass.forward ? y : k == Pass.backwardInput ? x : w;
        SplittableRandom rnd = new SplittableRandom(99);
        double maxAbs = 0;
        for (int s = 0; s < 256; s++) {
            int idx = rnd.nextInt(out.length);
            double[] sumAndAbs = switch (k) {
                case forward -> forwardAt(idx);
                case backwardInput -> backwardInputAt(idx);
                case backwardWeight -> backwardWeightAt(idx);
            };
            double want = sumAndAbs[0], tol = 1e-5 * sumAndAbs[1] + 1e-6;
            maxAbs = Math.max(maxAbs, Math.abs(want));
            if (!(Math.abs(out[idx] - want) <= tol))
                throw new IllegalStateException("conv kernel WRONG for " + shape.id() + " " + shape.description() + " pass "
                        + pass + ": element " + idx + " = " + out[idx] + ", reference " + want + " (tol " + tol + ")");
        }
        if (maxAbs == 0) throw new IllegalStateException("conv check for " + shape.id() + " is trivial (all zero)");
    }

    // Each returns {sum, sum of |terms|} in double for one output element (batch 1).

    private double[] forwardAt(int idx) {
        int plane = g.hout() * g.wout(), co = idx / plane, oy = idx % plane / g.wout(), ox = idx % g.wout();
        int cinG = g.cinPerGroup(), grp = co / g.coutPerGroup();
        double s = bias == null ? 0 : bias[co], a = Math.abs(s);
        for (int ci = 0; ci < cinG; ci++)
            for (int ky = 0; ky < g.kh(); ky++)
                for (int kx = 0; kx < g.kw(); kx++) {
                    int iy = oy * g.strideH() - g.padH() + ky, ix = ox * g.strideW() - g.padW() + kx;
                    if (iy < 0 || iy >= g.h() || ix < 0 || ix >= g.w()) continue;
                    double t = (double) x[((grp * cinG + ci) * g.h() + iy) * g.w() + ix] * w[((co * cinG + ci) * g.kh() + ky) * g.kw() + kx];
                    s += t;
                    a += Math.abs(t);
                }
        return new double[]{s, a};
    }

    private double[] backwardInputAt(int idx) {
        int inPlane = g.h() * g.w(), c = idx / inPlane, iy = idx % inPlane / g.w(), ix = idx % g.w();
        int cinG = g.cinPerGroup(), coutG = g.coutPerGroup(), grp = c / cinG, ci = c % cinG;
        double s = 0, a = 0;
        for (int co = grp * coutG; co < (grp + 1) * coutG; co++)
            for (int ky = 0; ky < g.kh(); ky++)
                for (int kx = 0; kx < g.kw(); kx++) {
                    int ny = iy + g.padH() - ky, nx = ix + g.padW() - kx;
                    if (ny < 0 || nx < 0 || ny % g.strideH() != 0 || nx % g.strideW() != 0) continue;
                    int oy = ny / g.strideH(), ox = nx / g.strideW();
                    if (oy >= g.hout() || ox >= g.wout()) continue;
                    double t = (double) y[(co * g.hout() + oy) * g.wout() + ox] * w[((co * cinG + ci) * g.kh() + ky) * g.kw() + kx];
                    s += t;
                    a += Math.abs(t);
                }
        return new double[]{s, a};
    }

    private double[] backwardWeightAt(int idx) {
        int khw = g.kh() * g.kw(), cinG = g.cinPerGroup(), co = idx / (cinG * khw), ci = idx / khw % cinG;
        int ky = idx % khw / g.kw(), kx = idx % g.kw(), grp = co / g.coutPerGroup();
        double s = 0, a = 0;
        for (int oy = 0; oy < g.hout(); oy++)
            for (int ox = 0; ox < g.wout(); ox++) {
                int iy = oy * g.strideH() - g.padH() + ky, ix = ox * g.strideW() - g.padW() + kx;
                if (iy < 0 || iy >= g.h() || ix < 0 || ix >= g.w()) continue;
                double t = (double) y[(co * g.hout() + oy) * g.wout() + ox] * x[((grp * cinG + ci) * g.h() + iy) * g.w() + ix];
                s += t;
                a += Math.abs(t);
            }
        return new double[]{s, a};
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] r = new float[n];
        for (int i = 0; i < n; i++) r[i] = (float) (rnd.nextDouble() * 2 - 1);
        return r;
    }
}
