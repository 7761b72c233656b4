package dsr3d.tensor.cpu.simd;

import dsr3d.tensor.backend.ConvGeom;

/**
 * Rewrites a stride-s convolution whose kernel size is a multiple of s (e.g. 4x4 stride 2) as a
 * stride-1, unpadded convolution with an (kh/s) x (kw/s) kernel over the space-to-depth of the
 * padded input, so the GEMM can read its B micro-panels in place (no strided gathers):
 * <pre>
 * xs[(ci*s + dy)*s + dx, Y, X] = x[ci, s*Y + dy - padH, s*X + dx - padW]   (0 outside)
 * ws[co, ((ci*s + dy)*s + dx)*A*B + a*B + b] = w[co, ci, s*a + dy, s*b + dx]   A = kh/s, B = kw/s
 * y[co, oy, ox] = sum over (c, a, b) of ws[co, c, a, b] * xs[c, oy + a, ox + b]
 * </pre>
 * Same reduction length (cinG*kh*kw) and MACs; the rewrite costs one pass over the input.
 */
final class ConvSpaceToDepth {
    private ConvSpaceToDepth() {}

    static boolean applies(ConvGeom g) {
        int s = g.strideH();
        return s > 1 && g.strideW() == s && g.kh() % s == 0 && g.kw() % s == 0;
    }

    /** The input view of one image's channel group xOff: xs in the PADDED scratch of this thread. */
    static ConvPanels.Geometry input(ConvGeom g, float[] x, int xOff) {
        int s = g.strideH(), ka = g.kh() / s, kb = g.kw() / s, cinG = g.cinPerGroup();
        int hs = g.hout() + ka - 1, ws = g.wout() + kb - 1, ch = cinG * s * s, h = g.h(), w = g.w();
        float[] xs = ConvScratch.get(ConvScratch.PADDED, ch * hs * ws);
        Parallel.forRange(ch, 8, (lo, hi) -> {
            for (int c = lo; c < hi; c++) {
                int ci = c / (s * s), dy = c / s % s, dx = c % s, dst = c * hs * ws;
                for (int yy = 0; yy < hs; yy++, dst += ws) {
                    int iy = s * yy + dy - g.padH();
                    if (iy < 0 || iy >= h) { java.util.Arrays.fill(xs, dst, dst + ws, 0f); continue; }
                    int src = xOff + (ci * h + iy) * w, ix0 = dx - g.padW();
                    // columns X with ix = s*X + ix0 inside [0, w): [xLo, xHi)
                    int xLo = Math.min(ws, Math.max(0, (-ix0 + s - 1) / s)), xHi = Math.max(xLo, Math.min(ws, (w - ix0 + s - 1) / s));
                    java.util.Arrays.fill(xs, dst, dst + xLo, 0f);
                    for (int xx = xLo, ix = s * xLo + ix0; xx < xHi; xx++, ix += s) xs[dst + xx] = x[src + ix];
                    java.util.Arrays.fill(xs, dst + xHi, dst + ws, 0f);
                }
            }
        });
        return new ConvPanels.Geometry(xs, 0, ch, hs, ws, ka, kb, 1, 1, 0, 0, g.hout(), g.wout());
    }

    /** ws [coutG, kk] from the group's weights at w[wOff]; toOriginal reverses (ws -> w). */
    static void permuteWeights(ConvGeom g, float[] w, int wOff, float[] ws, boolean toOriginal) {
        int s = g.strideH(), ka = g.kh() / s, kb = g.kw() / s, cinG = g.cinPerGroup(), kk = cinG * g.kh() * g.kw();
        for (int co = 0; co < g.coutPerGroup(); co++)
            for (int ci = 0; ci < cinG; ci++)
                for (int dy = 0; dy < s; dy++)
                    for (int dx = 0; dx < s; dx++)
                        for (int a = 0; a < ka; a++)
                            for (int b = 0; b < kb; b++) {
                                int iw = wOff + co * kk + (ci * g.kh() + s * a + dy) * g.kw() + s * b + dx;
                                int is = co * kk + (((ci * s + dy) * s + dx) * ka + a) * kb + b;
                                if (toOriginal) w[iw] = ws[is];
                                else ws[is] = w[iw];
                            }
    }
}
