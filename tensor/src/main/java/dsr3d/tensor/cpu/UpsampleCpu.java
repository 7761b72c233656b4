package dsr3d.tensor.cpu;

import java.util.Arrays;

/** Reference resampling of planes [nc, h, w], double precision. */
public final class UpsampleCpu {
    private UpsampleCpu() {}

    /** Source coordinate of output index o with align_corners = true: the corner pixels of input
     *  and output coincide, so the scale is (in - 1) / (out - 1). */
    static double sourceCoord(int o, int in, int out) {
        return out > 1 ? o * (double) (in - 1) / (out - 1) : 0;
    }

    /** Visits the four bilinear taps of every output pixel: (input index, output index, weight). */
    private interface Tap {
        void at(int xi, int yi, double weight);
    }

    private static void forEachTap(int nc, int h, int w, int hout, int wout, Tap tap) {
        for (int c = 0; c < nc; c++)
            for (int oy = 0; oy < hout; oy++) {
                double sy = sourceCoord(oy, h, hout);
                int y0 = Math.min((int) sy, h - 1), y1 = Math.min(y0 + 1, h - 1);
                double fy = sy - y0;
                for (int ox = 0; ox < wout; ox++) {
                    double sx = sourceCoord(ox, w, wout);
                    int x0 = Math.min((int) sx, w - 1), x1 = Math.min(x0 + 1, w - 1);
                    double fx = sx - x0;
                    int yi = (c * hout + oy) * wout + ox, base = c * h * w;
                    tap.at(base + y0 * w + x0, yi, (1 - fy) * (1 - fx));
                    tap.at(base + y0 * w + x1, yi, (1 - fy) * fx);
                    tap.at(base + y1 * w + x0, yi, fy * (1 - fx));
                    tap.at(base + y1 * w + x1, yi, fy * fx);
                }
            }
    }

    public static void bilinear(int nc, int h, int w, int hout, int wout, double[] x, double[] y) {
        Arrays.fill(y, 0);
        forEachTap(nc, h, w, hout, wout, (xi, yi, wt) -> y[yi] += wt * x[xi]);
    }

    public static void bilinearBackward(int nc, int h, int w, int hout, int wout, double[] dy, double[] dx) {
        Arrays.fill(dx, 0);
        forEachTap(nc, h, w, hout, wout, (xi, yi, wt) -> dx[xi] += wt * dy[yi]);
    }

    public static void nearest(int nc, int h, int w, int fh, int fw, double[] x, double[] y) {
        int ho = h * fh, wo = w * fw;
        for (int c = 0; c < nc; c++)
            for (int oy = 0; oy < ho; oy++)
                for (int ox = 0; ox < wo; ox++)
                    y[(c * ho + oy) * wo + ox] = x[(c * h + oy / fh) * w + ox / fw];
    }

    public static void nearestBackward(int nc, int h, int w, int fh, int fw, double[] dy, double[] dx) {
        Arrays.fill(dx, 0);
        int ho = h * fh, wo = w * fw;
        for (int c = 0; c < nc; c++)
            for (int oy = 0; oy < ho; oy++)
                for (int ox = 0; ox < wo; ox++)
                    dx[(c * h + oy / fh) * w + ox / fw] += dy[(c * ho + oy) * wo + ox];
    }
}
