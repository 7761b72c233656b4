package dsr3d.tensor.cpu.simd;

import dsr3d.tensor.backend.ConvGeom;

/**
 * Convolutions on small output planes as one GEMM over the whole batch, on an explicit im2col.
 *
 * <p>Why: the per-image GEMMs of {@link Conv2dSimd} have N = hout*wout columns, 64 at 8 x 8 and 4
 * at 2 x 2, and re-pack the whole weight matrix for every image; the weight gradient re-reads and
 * re-writes all of dW once per image. With the batch folded into the columns (N = n*hout*wout) the
 * weights are packed once and dW is written once. The price is the cols matrix, K x N floats
 * (K = cinG*kh*kw), which is small exactly when the planes are: {@link #applies} bounds both.
 * Where it pays is measured ({@link #applies}).
 * <pre>
 * cols [K, N]           cols[t][b*plane + q] = x_g[b] at tap t of output pixel q (0 in the padding)
 * forward        Y [coutG, N]  = W_g [coutG, K] * cols                  then y[b][co][q] = Y[co][b*plane + q] (+ bias)
 * backwardWeight dW_g [coutG, K] = dY [coutG, N] * cols^T                dY[co][b*plane + q] = dy[b][co][q]
 * backwardInput  dcols [K, N] = W_g^T [K, coutG] * dY                    then dx += col2im(dcols)
 * </pre>
 * Any stride, padding and groups. Scratch is per thread ({@link ConvScratch}), reused.
 */
final class ConvBatched {
    private ConvBatched() {}

    /** Largest cols matrix, in floats (64 MiB). */
    static final long MAX_COLS_FLOATS = 1L << 24;

    /**
     * Small planes, a batch > 1 and a cols matrix that fits. The plane limits (64 pixels for the
     * forward and input gradient, 16 for the weight gradient, {@code -Ddsr3d.conv.batched.*}) are
     * where this path won over the per-image GEMMs, measured on the small-preset stage-2 layers at
     * batch 8, 1 thread, AMD EPYC AVX2 (2026-12-03, the unrolled GEMM kernel): 8 x 8 c256>512
     * fwd / dx / dW 1.3x / 1.5x / 1.2x, 4 x 4 c128>128 2.0x / 2.7x / 1.4x, but 8 x 8 c64>64 dW
     * 0.73x and 16 x 16 c64>32 0.35-0.7x.
     */
    static boolean applies(ConvGeom g, boolean weightGradient) {
        int plane = g.hout() * g.wout();
        int limit = weightGradient ? dsr3d.tensor.Config.CONV_BATCHED_MAX_PLANE_BWDW : dsr3d.tensor.Config.CONV_BATCHED_MAX_PLANE;
        return g.n() > 1 && plane <= limit && (long) taps(g) * g.n() * plane <= MAX_COLS_FLOATS;
    }

    static void forward(ConvGeom g, float[] x, float[] w, float[] bias, float[] y) {
        int plane = g.hout() * g.wout(), n = g.n() * plane, coutG = g.coutPerGroup(), kk = taps(g);
        float[] cols = ConvScratch.get(ConvScratch.COLS, kk * n), out = ConvScratch.get(ConvScratch.GRAD_T, coutG * n);
        for (int grp = 0; grp < g.groups(); grp++) {
            im2col(g, x, grp, cols);
            GemmDriver.gemm(coutG, n, kk, new GemmPanelSource.Dense(w, grp * coutG * kk, kk, true),
                    new GemmPanelSource.Dense(cols, 0, n, false), out, 0, n, false);
            int g0 = grp;
            Parallel.forRange(coutG, 8, (lo, hi) -> {
                for (int co = lo; co < hi; co++) {
                    int c = g0 * coutG + co;
                    float b = bias == null ? 0f : bias[c];
                    for (int img = 0; img < g.n(); img++) {
                        int src = co * n + img * plane, dst = (img * g.cout() + c) * plane;
                        if (bias == null) System.arraycopy(out, src, y, dst, plane);
                        else for (int q = 0; q < plane; q++) y[dst + q] = out[src + q] + b;
                    }
                }
            });
        }
    }

    static void backwardWeight(ConvGeom g, float[] x, float[] dy, float[] dw) {
        int plane = g.hout() * g.wout(), n = g.n() * plane, coutG = g.coutPerGroup(), kk = taps(g);
        float[] cols = ConvScratch.get(ConvScratch.COLS, kk * n), dys = ConvScratch.get(ConvScratch.GRAD_T, coutG * n);
        for (int grp = 0; grp < g.groups(); grp++) {
            im2col(g, x, grp, cols);
            gatherGrad(g, dy, grp, dys);
            GemmDriver.gemm(coutG, kk, n, new GemmPanelSource.Dense(dys, 0, n, true),
                    new GemmPanelSource.Dense(cols, 0, n, true), dw, grp * coutG * kk, kk, false);
        }
    }

    static void backwardInput(ConvGeom g, float[] dy, float[] w, float[] dx) {
        int plane = g.hout() * g.wout(), n = g.n() * plane, coutG = g.coutPerGroup(), kk = taps(g);
        float[] cols = ConvScratch.get(ConvScratch.COLS, kk * n), dys = ConvScratch.get(ConvScratch.GRAD_T, coutG * n);
        java.util.Arrays.fill(dx, 0, g.inputSize(), 0f);
        for (int grp = 0; grp < g.groups(); grp++) {
            gatherGrad(g, dy, grp, dys);
            GemmDriver.gemm(kk, n, coutG, new GemmPanelSource.Dense(w, grp * coutG * kk, kk, false),
                    new GemmPanelSource.Dense(dys, 0, n, false), cols, 0, n, false);
            col2imAdd(g, cols, grp, dx);
        }
    }

    /** cols[t][img*plane + q] = x_g at tap t of output pixel q (0 in the padding). */
    private static void im2col(ConvGeom g, float[] x, int grp, float[] cols) { walk(g, grp, cols, x, true); }

    /** dx_g += col2im(cols). */
    private static void col2imAdd(ConvGeom g, float[] cols, int grp, float[] dx) { walk(g, grp, cols, dx, false); }

    /**
     * The one traversal of cols [K, n*plane] against the image planes of group grp: toCols copies
     * image -> cols (zeros where a tap falls in the padding), otherwise adds cols back into image.
     * Parallel over input channels: each writes only its own rows of cols / planes of the image.
     */
    private static void walk(ConvGeom g, int grp, float[] cols, float[] image, boolean toCols) {
        int cinG = g.cinPerGroup(), kh = g.kh(), kw = g.kw(), ho = g.hout(), wo = g.wout(), plane = ho * wo, n = g.n() * plane;
        Parallel.forRange(cinG, 1, (lo, hi) -> {
            for (int ci = lo; ci < hi; ci++)
                for (int ky = 0; ky < kh; ky++)
                    for (int kx = 0; kx < kw; kx++) {
                        int row = ((ci * kh + ky) * kw + kx) * n;
                        for (int img = 0; img < g.n(); img++) {
                            int xPlane = (img * g.cin() + grp * cinG + ci) * g.h() * g.w();
                            for (int oy = 0; oy < ho; oy++) {
                                int iy = oy * g.strideH() - g.padH() + ky, t = row + img * plane + oy * wo;
                                if (iy < 0 || iy >= g.h()) {
                                    if (toCols) java.util.Arrays.fill(cols, t, t + wo, 0f);
                                    continue;
                                }
                                int xr = xPlane + iy * g.w();
                                if (toCols) {
                                    for (int ox = 0, ix = kx - g.padW(); ox < wo; ox++, ix += g.strideW())
                                        cols[t + ox] = ix >= 0 && ix < g.w() ? image[xr + ix] : 0f;
                                } else {
                                    for (int ox = 0, ix = kx - g.padW(); ox < wo; ox++, ix += g.strideW())
                                        if (ix >= 0 && ix < g.w()) image[xr + ix] += cols[t + ox];
                                }
                            }
                        }
                    }
        });
    }

    /** dys[co][img*plane + q] = dy[img][grp*coutG + co][q]. */
    private static void gatherGrad(ConvGeom g, float[] dy, int grp, float[] dys) {
        int coutG = g.coutPerGroup(), plane = g.hout() * g.wout(), n = g.n() * plane;
        Parallel.forRange(coutG, 8, (lo, hi) -> {
            for (int co = lo; co < hi; co++)
                for (int img = 0; img < g.n(); img++)
                    System.arraycopy(dy, (img * g.cout() + grp * coutG + co) * plane, dys, co * n + img * plane, plane);
        });
    }

    private static int taps(ConvGeom g) { return g.cinPerGroup() * g.kh() * g.kw(); }
}
