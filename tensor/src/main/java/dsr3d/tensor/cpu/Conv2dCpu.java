package dsr3d.tensor.cpu;

import dsr3d.tensor.backend.ConvGeom;

/**
 * Reference 2-D convolution, direct loops in double precision, NCHW, groups.
 * The three passes share one index relation: y[n, co, oy, ox] sums
 * x[n, g*cinG + ci, oy*s - p + ky, ox*s - p + kx] * w[co, ci, ky, kx] over ci, ky, kx,
 * where g = co / coutG. The backward passes run the same loops and move the product elsewhere.
 */
public final class Conv2dCpu {
    private Conv2dCpu() {}

    /** One visit of every (output, weight tap) pair whose input position is inside the image. */
    private interface Tap {
        void at(int xi, int wi, int yi);
    }

    private static void forEachTap(ConvGeom g, Tap tap) {
        int ho = g.hout(), wo = g.wout(), cinG = g.cinPerGroup(), coutG = g.coutPerGroup();
        for (int b = 0; b < g.n(); b++)
            for (int co = 0; co < g.cout(); co++) {
                int grp = co / coutG;
                for (int oy = 0; oy < ho; oy++)
                    for (int ox = 0; ox < wo; ox++) {
                        int yi = ((b * g.cout() + co) * ho + oy) * wo + ox;
                        for (int ci = 0; ci < cinG; ci++)
                            for (int ky = 0; ky < g.kh(); ky++) {
                                int iy = oy * g.strideH() - g.padH() + ky;
                                if (iy < 0 || iy >= g.h()) continue;
                                for (int kx = 0; kx < g.kw(); kx++) {
                                    int ix = ox * g.strideW() - g.padW() + kx;
                                    if (ix < 0 || ix >= g.w()) continue;
                                    int xi = ((b * g.cin() + grp * cinG + ci) * g.h() + iy) * g.w() + ix;
                                    int wi = ((co * cinG + ci) * g.kh() + ky) * g.kw() + kx;
                                    tap.at(xi, wi, yi);
                                }
                            }
                    }
            }
    }

    /** y = conv(x, w) + bias; bias may be null. */
    public static void forward(ConvGeom g, double[] x, double[] w, double[] bias, double[] y) {
        int plane = g.hout() * g.wout();
        for (int i = 0; i < y.length; i++) y[i] = bias == null ? 0 : bias[(i / plane) % g.cout()];
        forEachTap(g, (xi, wi, yi) -> y[yi] += x[xi] * w[wi]);
    }

    /** dx[xi] = sum over taps of dy[yi] * w[wi]. */
    public static void backwardInput(ConvGeom g, double[] dy, double[] w, double[] dx) {
        java.util.Arrays.fill(dx, 0);
        forEachTap(g, (xi, wi, yi) -> dx[xi] += dy[yi] * w[wi]);
    }

    /** dw[wi] = sum over taps of dy[yi] * x[xi]. */
    public static void backwardWeight(ConvGeom g, double[] x, double[] dy, double[] dw) {
        java.util.Arrays.fill(dw, 0);
        forEachTap(g, (xi, wi, yi) -> dw[wi] += dy[yi] * x[xi]);
    }
}
