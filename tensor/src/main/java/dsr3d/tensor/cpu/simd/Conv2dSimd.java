package dsr3d.tensor.cpu.simd;

import dsr3d.tensor.backend.ConvGeom;

/**
 * Float32 2-D convolution (NCHW), forward and both backward passes, as GEMMs on {@link GemmDriver}.
 * Which code runs is one {@link ConvPlan} per geometry and pass, chosen up front; small output
 * planes with a batch go to {@link ConvBatched} (one GEMM over the batch), the rest is below.
 * Per image and channel group (groups are separate, smaller GEMMs), with K = cinG*kh*kw taps:
 * <pre>
 * forward         y_g [coutG, plane]   = W_g [coutG, K] * im2col(x_g) [K, plane]        (+ bias)
 * backwardWeight  dW_g [coutG, K]     += dy_g [coutG, plane] * im2col(x_g)^T [plane, K]  (over images)
 *                   coutG <= 128, stride 1 or space-to-depth: swapped, dW_g^T = im2col(xp) * dy_g^T,
 *                   A rows read in place from the padded image (see backwardWeightTapsByPixels)
 * backwardInput   stride 1: dx_g [cinG, h*w] = W'_g [cinG, coutG*kh*kw] * im2col'(dy_g)
 *                   a forward conv of dy with the kernel flipped and transposed, padding k-1-p
 *                 stride > 1: cols [K, chunk] = W_g^T * dy_g[:, chunk], then col2im into dx
 * </pre>
 * Strided convs whose kernel is a multiple of the stride (4x4 stride 2) run, in all three passes,
 * as stride-1 convs on the space-to-depth of the input ({@link ConvSpaceToDepth}); other strides
 * use the GEMM + col2im backwardInput.
 * im2col is never materialised except in that col2im chunk: the GEMM packs its B panels straight
 * from the image ({@link ConvPanels}), and for stride 1 reads every micro-panel inside an output
 * row in place from a zero-padded copy of the input (no packing at all); 1x1 stride-1 unpadded
 * convs use the planes directly as dense matrices. Threads split each GEMM's output (batch 1 gets
 * both cores). Scratch (permuted weights, padded input, cols chunk) is per-thread and reused.
 * When {@link Sgemm#SIMD} is false (a vector species under 4 lanes, or {@code -Ddsr3d.simd=false},
 * under which the CPU backend itself uses the reference kernels and only direct calls from tests
 * and benchmarks get here) all three passes run the plain float loops of {@link ConvScalar}.
 */
public final class Conv2dSimd {
    private Conv2dSimd() {}

    /** Upper bound on the stride>1 backward-input cols chunk, in floats (8 MiB). */
    private static final int COLS_CHUNK_FLOATS = 1 << 21;

    public static void forward(ConvGeom g, float[] x, float[] w, float[] bias, float[] y) {
        checkLength("x", x, g.inputSize());
        checkLength("weight", w, g.weightSize());
        checkLength("y", y, g.outputSize());
        if (bias != null) checkLength("bias", bias, g.cout());
        ConvPlan plan = ConvPlan.of(g, ConvPlan.Pass.FORWARD);
        if (plan == ConvPlan.SCALAR) { ConvScalar.forward(g, x, w, bias, y); return; }
        if (plan == ConvPlan.BATCHED_IM2COL) { ConvBatched.forward(g, x, w, bias, y); return; }
        int plane = g.hout() * g.wout(), coutG = g.coutPerGroup(), cinG = g.cinPerGroup(), kk = taps(g);
        for (int b = 0; b < g.n(); b++)
            for (int grp = 0; grp < g.groups(); grp++) {
                int yOff = (b * g.cout() + grp * coutG) * plane, xOff = (b * g.cin() + grp * cinG) * g.h() * g.w();
                fillBias(bias, grp * coutG, coutG, y, yOff, plane);
                if (plan == ConvPlan.SPACE_TO_DEPTH) {
                    float[] ws = ConvScratch.get(ConvScratch.FLIPPED_WEIGHTS, coutG * kk);
                    ConvSpaceToDepth.permuteWeights(g, w, grp * coutG * kk, ws, false);
                    GemmDriver.gemm(coutG, plane, kk, new GemmPanelSource.Dense(ws, 0, kk, true),
                            new ConvPanels.PixelsByTap(ConvSpaceToDepth.input(g, x, xOff)), y, yOff, plane, bias != null);
                    continue;
                }
                GemmPanelSource weights = new GemmPanelSource.Dense(w, grp * coutG * kk, kk, true);
                GemmPanelSource cols = switch (plan) {
                    case POINTWISE -> new GemmPanelSource.Dense(x, xOff, plane, false);
                    // packed from the unpadded image: a method reference hides PixelsByTap's InPlace capability
                    case PACKED_PANELS -> new ConvPanels.PixelsByTap(inputView(g, x, xOff))::pack;
                    default -> new ConvPanels.PixelsByTap(padForInPlace(inputView(g, x, xOff)));
                };
                GemmDriver.gemm(coutG, plane, kk, weights, cols, y, yOff, plane, bias != null);
            }
    }

    public static void backwardInput(ConvGeom g, float[] dy, float[] w, float[] dx) {
        checkLength("dy", dy, g.outputSize());
        checkLength("weight", w, g.weightSize());
        checkLength("dx", dx, g.inputSize());
        switch (ConvPlan.of(g, ConvPlan.Pass.INPUT_GRADIENT)) {
            case SCALAR -> ConvScalar.backwardInput(g, dy, w, dx);
            case BATCHED_IM2COL -> ConvBatched.backwardInput(g, dy, w, dx);
            case POINTWISE, FLIPPED_STRIDE1 -> backwardInputStride1(g, dy, w, dx);
            case SPACE_TO_DEPTH -> backwardInputSpaceToDepth(g, dy, w, dx);
            default -> backwardInputCol2im(g, dy, w, dx);
        }
    }

    public static void backwardWeight(ConvGeom g, float[] x, float[] dy, float[] dw) {
        checkLength("x", x, g.inputSize());
        checkLength("dy", dy, g.outputSize());
        checkLength("dw", dw, g.weightSize());
        ConvPlan plan = ConvPlan.of(g, ConvPlan.Pass.WEIGHT_GRADIENT);
        if (plan == ConvPlan.SCALAR) { ConvScalar.backwardWeight(g, x, dy, dw); return; }
        if (plan == ConvPlan.BATCHED_IM2COL) { ConvBatched.backwardWeight(g, x, dy, dw); return; }
        int plane = g.hout() * g.wout(), coutG = g.coutPerGroup(), cinG = g.cinPerGroup(), kk = taps(g);
        boolean s2d = ConvSpaceToDepth.applies(g);
        if (plan == ConvPlan.TAPS_BY_PIXELS) { backwardWeightTapsByPixels(g, x, dy, dw, s2d); return; }
        for (int grp = 0; grp < g.groups(); grp++) {
            // space-to-depth: accumulate dW in its permuted layout, then put it back in place
            float[] target = s2d ? ConvScratch.get(ConvScratch.COLS, coutG * kk) : dw;
            int tOff = s2d ? 0 : grp * coutG * kk;
            for (int b = 0; b < g.n(); b++) {
                int dyOff = (b * g.cout() + grp * coutG) * plane, xOff = (b * g.cin() + grp * cinG) * g.h() * g.w();
                GemmPanelSource grad = new GemmPanelSource.Dense(dy, dyOff, plane, true);
                GemmPanelSource colsT = ConvPlan.isPointwise(g) ? new GemmPanelSource.Dense(x, xOff, plane, true)
                        : new ConvPanels.TapsByPixel(s2d ? ConvSpaceToDepth.input(g, x, xOff) : inputView(g, x, xOff));
                GemmDriver.gemm(coutG, kk, plane, grad, colsT, target, tOff, kk, b > 0);
            }
            if (s2d) ConvSpaceToDepth.permuteWeights(g, dw, grp * coutG * kk, target, true);
        }
    }

    /**
     * The swapped weight gradient for convs that run stride 1 on a padded (or space-to-depth) image
     * xp [cinG', ih', iw'] with iw' = wout + kw' - 1: output pixels are taken on the iw'-wide grid
     * (columns wout.. are junk, their dy is 0), so row t = (ci, ky, kx) of im2col is the contiguous
     * run xp[off(t) .. off(t) + hout*iw'): A is packed from plain rows, no gathers.
     * <pre>
     * dWt [K, coutG] += im2col(xp) [K, hout*iw'] * dyp^T [hout*iw', coutG]   (over images)
     * dyp [coutG, hout, iw'] = dy with iw' - wout zero columns
     * </pre>
     * dWt is transposed into dW at the end (K*coutG, small). Junk columns read finite image values
     * times 0 (an Inf/NaN input beside the border could leak into dW; the gather path ignores it).
     */
    private static void backwardWeightTapsByPixels(ConvGeom g, float[] x, float[] dy, float[] dw, boolean s2d) {
        int plane = g.hout() * g.wout(), coutG = g.coutPerGroup(), cinG = g.cinPerGroup(), kk = taps(g);
        int ho = g.hout(), wo = g.wout();
        for (int grp = 0; grp < g.groups(); grp++) {
            float[] dwt = ConvScratch.get(ConvScratch.GRAD_T, kk * coutG);
            for (int b = 0; b < g.n(); b++) {
                int dyOff = (b * g.cout() + grp * coutG) * plane, xOff = (b * g.cin() + grp * cinG) * g.h() * g.w();
                ConvPanels.Geometry v = s2d ? ConvSpaceToDepth.input(g, x, xOff) : padForInPlace(inputView(g, x, xOff));
                int iwp = v.iw(), np = ho * iwp;
                float[] dyp = ConvScratch.get(ConvScratch.GRAD_PADDED, coutG * np);
                Parallel.forRange(coutG, 8, (lo, hi) -> {
                    for (int co = lo; co < hi; co++)
                        for (int oy = 0; oy < ho; oy++) {
                            int d = (co * ho + oy) * iwp;
                            System.arraycopy(dy, dyOff + (co * ho + oy) * wo, dyp, d, wo);
                            java.util.Arrays.fill(dyp, d + wo, d + iwp, 0f);
                        }
                });
                GemmDriver.gemm(kk, coutG, np, new ConvPanels.TapRows(v), new GemmPanelSource.Dense(dyp, 0, np, true),
                        dwt, 0, coutG, b > 0);
            }
            float[] target = s2d ? ConvScratch.get(ConvScratch.COLS, coutG * kk) : dw;
            int tOff = s2d ? 0 : grp * coutG * kk;
            for (int t = 0; t < kk; t++)
                for (int co = 0; co < coutG; co++) target[tOff + co * kk + t] = dwt[t * coutG + co];
            if (s2d) ConvSpaceToDepth.permuteWeights(g, dw, grp * coutG * kk, target, true);
        }
    }

    /** dx = conv(dy, W') with W'[ci][co][ky][kx] = W[co][ci][kh-1-ky][kw-1-kx], padding k-1-p. */
    private static void backwardInputStride1(ConvGeom g, float[] dy, float[] w, float[] dx) {
        int plane = g.hout() * g.wout(), inPlane = g.h() * g.w(), coutG = g.coutPerGroup(), cinG = g.cinPerGroup();
        int khw = g.kh() * g.kw(), kk = taps(g), kT = coutG * khw;
        for (int grp = 0; grp < g.groups(); grp++) {
            GemmPanelSource flipped;
            if (ConvPlan.isPointwise(g)) {
                flipped = new GemmPanelSource.Dense(w, grp * coutG * kk, cinG, false); // W_g^T
            } else {
                float[] wf = ConvScratch.get(ConvScratch.FLIPPED_WEIGHTS, cinG * kT);
                int wOff = grp * coutG * kk;
                for (int co = 0; co < coutG; co++)
                    for (int ci = 0; ci < cinG; ci++) {
                        int src = wOff + co * kk + ci * khw, dst = ci * kT + co * khw;
                        for (int t = 0; t < khw; t++) wf[dst + t] = w[src + khw - 1 - t];
                    }
                flipped = new GemmPanelSource.Dense(wf, 0, kT, true);
            }
            for (int b = 0; b < g.n(); b++) {
                int dyOff = (b * g.cout() + grp * coutG) * plane, dxOff = (b * g.cin() + grp * cinG) * inPlane;
                GemmPanelSource cols = ConvPlan.isPointwise(g)
                        ? new GemmPanelSource.Dense(dy, dyOff, plane, false)
                        : new ConvPanels.PixelsByTap(padForInPlace(new ConvPanels.Geometry(dy, dyOff, coutG, g.hout(), g.wout(),
                                g.kh(), g.kw(), 1, 1, g.kh() - 1 - g.padH(), g.kw() - 1 - g.padW(), g.h(), g.w())));
                GemmDriver.gemm(cinG, inPlane, kT, flipped, cols, dx, dxOff, inPlane, false);
            }
        }
    }

    /**
     * Strides s with the kernel a multiple of s: the stride-1 backwardInput of the space-to-depth
     * conv (a flipped (kh/s) x (kw/s) kernel over dy, read in place), into dxs [cinG*s*s, hs*ws] in
     * scratch; each x pixel appears once in xs, so dx is dxs put back (depth-to-space), 0 where
     * no tap reaches.
     */
    private static void backwardInputSpaceToDepth(ConvGeom g, float[] dy, float[] w, float[] dx) {
        java.util.Arrays.fill(dx, 0, g.inputSize(), 0f);
        int s = g.strideH(), ka = g.kh() / s, kb = g.kw() / s, cinG = g.cinPerGroup(), coutG = g.coutPerGroup();
        int cs = cinG * s * s, hs = g.hout() + ka - 1, ws = g.wout() + kb - 1, np = hs * ws, kT = coutG * ka * kb;
        int kk = taps(g), plane = g.hout() * g.wout(), inPlane = g.h() * g.w();
        for (int grp = 0; grp < g.groups(); grp++) {
            // wf[c][co][a'][b'] = W[co][ci][s*(ka-1-a') + dy][s*(kb-1-b') + dx], c = (ci*s + dy)*s + dx
            float[] wf = ConvScratch.get(ConvScratch.FLIPPED_WEIGHTS, cs * kT);
            int wOff = grp * coutG * kk;
            for (int c = 0; c < cs; c++) {
                int ci = c / (s * s), sy = c / s % s, sx = c % s;
                for (int co = 0, d = c * kT; co < coutG; co++)
                    for (int a = 0; a < ka; a++)
                        for (int b = 0; b < kb; b++, d++)
                            wf[d] = w[wOff + co * kk + (ci * g.kh() + s * (ka - 1 - a) + sy) * g.kw() + s * (kb - 1 - b) + sx];
            }
            for (int b = 0; b < g.n(); b++) {
                int dyOff = (b * g.cout() + grp * coutG) * plane, dxOff = (b * g.cin() + grp * cinG) * inPlane;
                float[] dxs = ConvScratch.get(ConvScratch.COLS, cs * np);
                GemmPanelSource cols = new ConvPanels.PixelsByTap(padForInPlace(new ConvPanels.Geometry(dy, dyOff, coutG,
                        g.hout(), g.wout(), ka, kb, 1, 1, ka - 1, kb - 1, hs, ws)));
                GemmDriver.gemm(cs, np, kT, new GemmPanelSource.Dense(wf, 0, kT, true), cols, dxs, 0, np, false);
                Parallel.forRange(cs, 8, (lo, hi) -> {
                    for (int c = lo; c < hi; c++) {
                        int ci = c / (s * s), sy = c / s % s, sx = c % s;
                        for (int yy = 0; yy < hs; yy++) {
                            int iy = s * yy + sy - g.padH();
                            if (iy < 0 || iy >= g.h()) continue;
                            int src = (c * hs + yy) * ws, row = dxOff + (ci * g.h() + iy) * g.w();
                            for (int xx = 0, ix = sx - g.padW(); xx < ws; xx++, ix += s)
                                if (ix >= 0 && ix < g.w()) dx[row + ix] = dxs[src + xx];
                        }
                    }
                });
            }
        }
    }

    /** General strides: cols chunk [K, cw] = W_g^T dy_g[:, chunk] by GEMM, then scatter-add (col2im). */
    private static void backwardInputCol2im(ConvGeom g, float[] dy, float[] w, float[] dx) {
        java.util.Arrays.fill(dx, 0, g.inputSize(), 0f);
        int plane = g.hout() * g.wout(), inPlane = g.h() * g.w(), coutG = g.coutPerGroup(), cinG = g.cinPerGroup();
        int kk = taps(g), nr = GemmKernel.NR;
        int cw = Math.min(plane, Math.max(4 * nr, COLS_CHUNK_FLOATS / kk / nr * nr));
        float[] cols = ConvScratch.get(ConvScratch.COLS, kk * cw);
        for (int b = 0; b < g.n(); b++)
            for (int grp = 0; grp < g.groups(); grp++) {
                int dyOff = (b * g.cout() + grp * coutG) * plane, dxOff = (b * g.cin() + grp * cinG) * inPlane;
                GemmPanelSource wT = new GemmPanelSource.Dense(w, grp * coutG * kk, kk, false);
                for (int q0 = 0; q0 < plane; q0 += cw) {
                    int n = Math.min(cw, plane - q0);
                    GemmDriver.gemm(kk, n, coutG, wT, new GemmPanelSource.Dense(dy, dyOff + q0, plane, false),
                            cols, 0, n, false);
                    int chunkStart = q0;
                    Parallel.forRange(cinG, 1, (lo, hi) -> col2im(g, cols, n, chunkStart, lo, hi, dx, dxOff));
                }
            }
    }

    /** dx[ci] += cols rows of channels [ciLo, ciHi) for output pixels [q0, q0+n); cols is [K][n]. */
    private static void col2im(ConvGeom g, float[] cols, int n, int q0, int ciLo, int ciHi, float[] dx, int dxOff) {
        int wo = g.wout(), oy0 = q0 / wo, ox0 = q0 - oy0 * wo, sw = g.strideW();
        for (int ci = ciLo; ci < ciHi; ci++)
            for (int ky = 0; ky < g.kh(); ky++)
                for (int kx = 0; kx < g.kw(); kx++) {
                    int r = (ci * g.kh() + ky) * g.kw() + kx, t = 0, oy = oy0, ox = ox0;
                    while (t < n) {
                        int seg = Math.min(n - t, wo - ox), iy = oy * g.strideH() - g.padH() + ky;
                        if (iy >= 0 && iy < g.h()) {
                            int row = dxOff + (ci * g.h() + iy) * g.w(), src = r * n + t;
                            for (int s = 0, ix = ox * sw - g.padW() + kx; s < seg; s++, ix += sw)
                                if (ix >= 0 && ix < g.w()) dx[row + ix] += cols[src + s];
                        }
                        t += seg;
                        ox = 0;
                        oy++;
                    }
                }
    }

    private static int taps(ConvGeom g) { return g.cinPerGroup() * g.kh() * g.kw(); }


    /**
     * For a stride-1 view with padding: the same view on a zero-padded copy of its input (per-thread
     * scratch, filled in parallel), so that every micro-panel inside one output row can be read in
     * place instead of packed. The copy is one pass over the input, small next to the GEMM.
     */
    private static ConvPanels.Geometry padForInPlace(ConvPanels.Geometry v) {
        if (v.sh() != 1 || v.sw() != 1 || v.ph() < 0 || v.pw() < 0 || (v.ph() == 0 && v.pw() == 0)) return v;
        int ihp = v.ih() + 2 * v.ph(), iwp = v.iw() + 2 * v.pw(), ch = v.channels();
        float[] xp = ConvScratch.get(ConvScratch.PADDED, ch * ihp * iwp), x = v.x();
        Parallel.forRange(ch, 8, (lo, hi) -> {
            for (int c = lo; c < hi; c++) {
                int dst = c * ihp * iwp, src = v.xOff() + c * v.ih() * v.iw();
                java.util.Arrays.fill(xp, dst, dst + v.ph() * iwp + v.pw(), 0f);
                for (int r = 0; r < v.ih(); r++) {
                    int d = dst + (v.ph() + r) * iwp + v.pw();
                    System.arraycopy(x, src + r * v.iw(), xp, d, v.iw());
                    java.util.Arrays.fill(xp, d + v.iw(), r + 1 < v.ih() ? d + iwp : dst + ihp * iwp, 0f);
                }
            }
        });
        return new ConvPanels.Geometry(xp, 0, ch, ihp, iwp, v.kh(), v.kw(), 1, 1, 0, 0, v.oh(), v.ow());
    }

    /** y[yOff + co*plane ..] = bias[b0 + co] for the count output channels (nothing when bias is null). */
    static void fillBias(float[] bias, int b0, int count, float[] y, int yOff, int plane) {
        if (bias == null) return;
        for (int co = 0; co < count; co++) java.util.Arrays.fill(y, yOff + co * plane, yOff + (co + 1) * plane, bias[b0 + co]);
    }

    /** One group's input block of one image (x at xOff) as the panels' geometry, with g's kernel, stride and padding. */
    static ConvPanels.Geometry inputView(ConvGeom g, float[] x, int xOff) {
        return new ConvPanels.Geometry(x, xOff, g.cinPerGroup(), g.h(), g.w(), g.kh(), g.kw(),
                g.strideH(), g.strideW(), g.padH(), g.padW(), g.hout(), g.wout());
    }

    private static void checkLength(String name, float[] a, int expected) {
        if (a == null) throw new IllegalArgumentException("conv2d: " + name + " must not be null");
        if (a.length < expected)
            throw new IllegalArgumentException("conv2d: " + name + " needs " + expected + " floats for this geometry, has " + a.length);
    }
}
