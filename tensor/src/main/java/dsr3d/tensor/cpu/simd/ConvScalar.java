package dsr3d.tensor.cpu.simd;

import dsr3d.tensor.backend.ConvGeom;

/**
 * Plain float loops for the three convolution passes: {@link Conv2dSimd}'s path when
 * {@link Sgemm#SIMD} is false (no usable vector species, or {@code -Ddsr3d.simd=false}; with the
 * latter the CPU backend runs the double reference kernels instead, so only direct calls get here).
 */
final class ConvScalar {
    private ConvScalar() {}

    @FunctionalInterface
    private interface Tap { void apply(int xi, int wi, int yi); }

    /** Calls tap for every (input, weight, output) index triple that meets in the convolution. */
    private static void forEachTap(ConvGeom g, Tap tap) {
        int ho = g.hout(), wo = g.wout(), cinG = g.cinPerGroup(), coutG = g.coutPerGroup();
        for (int b = 0; b < g.n(); b++)
            for (int co = 0; co < g.cout(); co++) {
                int grp = co / coutG;
                for (int ci = 0; ci < cinG; ci++)
                    for (int ky = 0; ky < g.kh(); ky++)
                        for (int kx = 0; kx < g.kw(); kx++) {
                            int wi = ((co * cinG + ci) * g.kh() + ky) * g.kw() + kx;
                            int xc = (b * g.cin() + grp * cinG + ci) * g.h();
                            for (int oy = 0; oy < ho; oy++) {
                                int iy = oy * g.strideH() - g.padH() + ky;
                                if (iy < 0 || iy >= g.h()) continue;
                                for (int ox = 0; ox < wo; ox++) {
                                    int ix = ox * g.strideW() - g.padW() + kx;
                                    if (ix < 0 || ix >= g.w()) continue;
                                    tap.apply((xc + iy) * g.w() + ix, wi, ((b * g.cout() + co) * ho + oy) * wo + ox);
                                }
                            }
                        }
            }
    }

    static void forward(ConvGeom g, float[] x, float[] w, float[] bias, float[] y) {
        int plane = g.hout() * g.wout();
        for (int i = 0; i < g.outputSize(); i++) y[i] = bias == null ? 0f : bias[(i / plane) % g.cout()];
        forEachTap(g, (xi, wi, yi) -> y[yi] += x[xi] * w[wi]);
    }

    static void backwardInput(ConvGeom g, float[] dy, float[] w, float[] dx) {
        java.util.Arrays.fill(dx, 0, g.inputSize(), 0f);
        forEachTap(g, (xi, wi, yi) -> dx[xi] += dy[yi] * w[wi]);
    }

    static void backwardWeight(ConvGeom g, float[] x, float[] dy, float[] dw) {
        java.util.Arrays.fill(dw, 0, g.weightSize(), 0f);
        forEachTap(g, (xi, wi, yi) -> dw[wi] += dy[yi] * x[xi]);
    }
}
