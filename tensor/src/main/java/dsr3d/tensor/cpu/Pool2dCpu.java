package dsr3d.tensor.cpu;

import dsr3d.tensor.backend.PoolGeom;

import java.util.Arrays;

/** Reference max and average pooling over planes [nc, h, w], double precision. */
public final class Pool2dCpu {
    private Pool2dCpu() {}

    /** Max over each window (padding never wins); argmax = flat index in the plane, first max on ties. */
    public static void maxForward(PoolGeom p, double[] x, double[] y, int[] argmax) {
        int ho = p.hout(), wo = p.wout(), plane = p.h() * p.w();
        for (int c = 0; c < p.nc(); c++)
            for (int oy = 0; oy < ho; oy++)
                for (int ox = 0; ox < wo; ox++) {
                    double best = Double.NEGATIVE_INFINITY;
                    int bestIdx = -1;
                    for (int ky = 0; ky < p.kh(); ky++) {
                        int iy = oy * p.strideH() - p.padH() + ky;
                        if (iy < 0 || iy >= p.h()) continue;
                        for (int kx = 0; kx < p.kw(); kx++) {
                            int ix = ox * p.strideW() - p.padW() + kx;
                            if (ix < 0 || ix >= p.w()) continue;
                            double v = x[c * plane + iy * p.w() + ix];
                            if (bestIdx < 0 || v > best || Double.isNaN(v)) { best = v; bestIdx = iy * p.w() + ix; }
                        }
                    }
                    int o = (c * ho + oy) * wo + ox;
                    y[o] = best;
                    argmax[o] = bestIdx;
                }
    }

    public static void maxBackward(PoolGeom p, double[] dy, int[] argmax, double[] dx) {
        Arrays.fill(dx, 0);
        int outPlane = p.hout() * p.wout(), plane = p.h() * p.w();
        for (int o = 0; o < dy.length; o++) dx[(o / outPlane) * plane + argmax[o]] += dy[o];
    }

    /** Mean over each window, padding counted as zeros: always divide by kh*kw
     *  (count_include_pad = true, the 3DSR score filter). */
    public static void avgForward(PoolGeom p, double[] x, double[] y) {
        int ho = p.hout(), wo = p.wout(), plane = p.h() * p.w();
        double inv = 1.0 / (p.kh() * p.kw());
        for (int c = 0; c < p.nc(); c++)
            for (int oy = 0; oy < ho; oy++)
                for (int ox = 0; ox < wo; ox++) {
                    double s = 0;
                    for (int ky = 0; ky < p.kh(); ky++) {
                        int iy = oy * p.strideH() - p.padH() + ky;
                        if (iy < 0 || iy >= p.h()) continue;
                        for (int kx = 0; kx < p.kw(); kx++) {
                            int ix = ox * p.strideW() - p.padW() + kx;
                            if (ix >= 0 && ix < p.w()) s += x[c * plane + iy * p.w() + ix];
                        }
                    }
                    y[(c * ho + oy) * wo + ox] = s * inv;
                }
    }

    public static void avgBackward(PoolGeom p, double[] dy, double[] dx) {
        Arrays.fill(dx, 0);
        int ho = p.hout(), wo = p.wout(), plane = p.h() * p.w();
        double inv = 1.0 / (p.kh() * p.kw());
        for (int c = 0; c < p.nc(); c++)
            for (int oy = 0; oy < ho; oy++)
                for (int ox = 0; ox < wo; ox++) {
                    double g = dy[(c * ho + oy) * wo + ox] * inv;
                    for (int ky = 0; ky < p.kh(); ky++) {
                        int iy = oy * p.strideH() - p.padH() + ky;
                        if (iy < 0 || iy >= p.h()) continue;
                        for (int kx = 0; kx < p.kw(); kx++) {
                            int ix = ox * p.strideW() - p.padW() + kx;
                            if (ix >= 0 && ix < p.w()) dx[c * plane + iy * p.w() + ix] += g;
                        }
                    }
                }
    }
}
