package dsr3d.tensor.cpu.simd;

import dsr3d.tensor.backend.ConvGeom;

/** Float32 convolution. PLACEHOLDER: im2col + Sgemm per image and group, no buffer reuse. */
public final class Conv2dSimd {
    private Conv2dSimd() {}

    /** cols [cinG*kh*kw, hout*wout] of image b, group grp. */
    private static float[] im2col(ConvGeom g, float[] x, int b, int grp) {
        int ho = g.hout(), wo = g.wout(), cinG = g.cinPerGroup();
        float[] cols = new float[cinG * g.kh() * g.kw() * ho * wo];
        int r = 0;
        for (int ci = 0; ci < cinG; ci++)
            for (int ky = 0; ky < g.kh(); ky++)
                for (int kx = 0; kx < g.kw(); kx++, r++) {
                    int xBase = (b * g.cin() + grp * cinG + ci) * g.h() * g.w();
                    for (int oy = 0; oy < ho; oy++) {
                        int iy = oy * g.strideH() - g.padH() + ky;
                        for (int ox = 0; ox < wo; ox++) {
                            int ix = ox * g.strideW() - g.padW() + kx;
                            cols[(r * ho + oy) * wo + ox] = iy < 0 || iy >= g.h() || ix < 0 || ix >= g.w() ? 0f : x[xBase + iy * g.w() + ix];
                        }
                    }
                }
        return cols;
    }

    /** dx[image b, group grp] += col2im(cols). */
    private static void col2im(ConvGeom g, float[] cols, int b, int grp, float[] dx) {
        int ho = g.hout(), wo = g.wout(), cinG = g.cinPerGroup();
        int r = 0;
        for (int ci = 0; ci < cinG; ci++)
            for (int ky = 0; ky < g.kh(); ky++)
                for (int kx = 0; kx < g.kw(); kx++, r++) {
                    int xBase = (b * g.cin() + grp * cinG + ci) * g.h() * g.w();
                    for (int oy = 0; oy < ho; oy++) {
                        int iy = oy * g.strideH() - g.padH() + ky;
                        if (iy < 0 || iy >= g.h()) continue;
                        for (int ox = 0; ox < wo; ox++) {
                            int ix = ox * g.strideW() - g.padW() + kx;
                            if (ix >= 0 && ix < g.w()) dx[xBase + iy * g.w() + ix] += cols[(r * ho + oy) * wo + ox];
                        }
                    }
                }
    }

    public static void forward(ConvGeom g, float[] x, float[] w, float[] bias, float[] y) {
        int plane = g.hout() * g.wout(), coutG = g.coutPerGroup(), kk = g.cinPerGroup() * g.kh() * g.kw();
        for (int b = 0; b < g.n(); b++)
            for (int grp = 0; grp < g.groups(); grp++) {
                float[] cols = im2col(g, x, b, grp);
                int yOff = (b * g.cout() + grp * coutG) * plane;
                Sgemm.sgemm(false, false, coutG, plane, kk, w, grp * coutG * kk, kk, cols, 0, plane, y, yOff, plane, false);
                if (bias != null)
                    for (int co = 0; co < coutG; co++)
                        for (int p = 0; p < plane; p++) y[yOff + co * plane + p] += bias[grp * coutG + co];
            }
    }

    public static void backwardInput(ConvGeom g, float[] dy, float[] w, float[] dx) {
        java.util.Arrays.fill(dx, 0f);
        int plane = g.hout() * g.wout(), coutG = g.coutPerGroup(), kk = g.cinPerGroup() * g.kh() * g.kw();
        float[] cols = new float[kk * plane];
        for (int b = 0; b < g.n(); b++)
            for (int grp = 0; grp < g.groups(); grp++) {
                // cols [kk, plane] = W_g^T [kk, coutG] * dy_g [coutG, plane]
                Sgemm.sgemm(true, false, kk, plane, coutG, w, grp * coutG * kk, kk, dy, (b * g.cout() + grp * coutG) * plane, plane, cols, 0, plane, false);
                col2im(g, cols, b, grp, dx);
            }
    }

    public static void backwardWeight(ConvGeom g, float[] x, float[] dy, float[] dw) {
        java.util.Arrays.fill(dw, 0f);
        int plane = g.hout() * g.wout(), coutG = g.coutPerGroup(), kk = g.cinPerGroup() * g.kh() * g.kw();
        for (int b = 0; b < g.n(); b++)
            for (int grp = 0; grp < g.groups(); grp++) {
                float[] cols = im2col(g, x, b, grp);
                // dW_g [coutG, kk] += dy_g [coutG, plane] * cols^T [plane, kk]
                Sgemm.sgemm(false, true, coutG, kk, plane, dy, (b * g.cout() + grp * coutG) * plane, plane, cols, 0, plane, dw, grp * coutG * kk, kk, true);
            }
    }
}
