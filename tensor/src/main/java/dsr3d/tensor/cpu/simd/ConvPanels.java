package dsr3d.tensor.cpu.simd;

/**
 * Virtual im2col operands for implicit-GEMM convolution: they pack GEMM panels straight from
 * one image's channel block, so no [taps x pixels] cols matrix is ever built.
 *
 * <p>Both views share one geometry: an input block of {@code channels} planes ih x iw starting at
 * x[xOff], a kh x kw kernel with stride (sh, sw) and padding (ph, pw) (padding may be negative),
 * and an output grid oh x ow. A tap t = (ci*kh + ky)*kw + kx and an output pixel q = oy*ow + ox
 * meet at input (ci, oy*sh - ph + ky, ox*sw - pw + kx), zero when outside the plane.
 */
final class ConvPanels {
    private ConvPanels() {}

    record Geometry(float[] x, int xOff, int channels, int ih, int iw, int kh, int kw,
                    int sh, int sw, int ph, int pw, int oh, int ow) {}

    /**
     * The B operand of the forward conv, X(r = output pixel, p = tap): packs [kc taps][width pixels].
     * Pixels of one output row are contiguous input reads when the stride is 1 (array copies).
     */
    record PixelsByTap(Geometry g) implements GemmPanelSource {
        @Override
        public void pack(float[] dst, int dOff, int r0, int rows, int p0, int kc, int width) {
            int khw = g.kh * g.kw;
            for (int blk = 0; blk < rows; blk += width) {
                int w = Math.min(width, rows - blk), base = dOff + blk * kc;
                int q0 = r0 + blk, oy0 = q0 / g.ow, ox0 = q0 - oy0 * g.ow;
                int ci = p0 / khw, rem = p0 - ci * khw, ky = rem / g.kw, kx = rem - ky * g.kw;
                for (int p = 0; p < kc; p++) {
                    int d = base + p * width;
                    pixelRun(dst, d, w, oy0, ox0, ci, ky, kx);
                    if (w < width) java.util.Arrays.fill(dst, d + w, d + width, 0f);
                    if (++kx == g.kw) { kx = 0; if (++ky == g.kh) { ky = 0; ci++; } }
                }
            }
        }

        /** dst[d .. d+w) = input values of tap (ci,ky,kx) for w consecutive pixels from (oy, ox). */
        private void pixelRun(float[] dst, int d, int w, int oy, int ox, int ci, int ky, int kx) {
            float[] x = g.x;
            int t = 0;
            while (t < w) {
                int seg = Math.min(w - t, g.ow - ox);
                int iy = oy * g.sh - g.ph + ky;
                if (iy < 0 || iy >= g.ih) {
                    java.util.Arrays.fill(dst, d + t, d + t + seg, 0f);
                } else {
                    int row = g.xOff + (ci * g.ih + iy) * g.iw, ix0 = ox * g.sw - g.pw + kx;
                    if (g.sw == 1) {
                        int lo = Math.min(seg, Math.max(0, -ix0)), hi = Math.max(lo, Math.min(seg, g.iw - ix0));
                        if (lo > 0) java.util.Arrays.fill(dst, d + t, d + t + lo, 0f);
                        if (hi > lo) System.arraycopy(x, row + ix0 + lo, dst, d + t + lo, hi - lo);
                        if (hi < seg) java.util.Arrays.fill(dst, d + t + hi, d + t + seg, 0f);
                    } else {
                        for (int s = 0, ix = ix0; s < seg; s++, ix += g.sw)
                            dst[d + t + s] = ix >= 0 && ix < g.iw ? x[row + ix] : 0f;
                    }
                }
                t += seg;
                ox = 0;
                oy++;
            }
        }
    }

    /**
     * The B operand of the weight gradient, X(r = tap, p = output pixel): packs [kc pixels][width taps].
     * Reads runs of pixels of one tap (contiguous input at stride 1), writes them with stride width.
     */
    record TapsByPixel(Geometry g) implements GemmPanelSource {
        @Override
        public void pack(float[] dst, int dOff, int r0, int rows, int p0, int kc, int width) {
            int khw = g.kh * g.kw, oy0 = p0 / g.ow, ox0 = p0 - oy0 * g.ow;
            float[] x = g.x;
            for (int blk = 0; blk < rows; blk += width) {
                int w = Math.min(width, rows - blk), base = dOff + blk * kc;
                for (int rr = 0; rr < w; rr++) {
                    int tap = r0 + blk + rr, ci = tap / khw, rem = tap - ci * khw, ky = rem / g.kw, kx = rem - ky * g.kw;
                    int t = 0, oy = oy0, ox = ox0;
                    while (t < kc) {
                        int seg = Math.min(kc - t, g.ow - ox);
                        int iy = oy * g.sh - g.ph + ky, d = base + t * width + rr;
                        if (iy < 0 || iy >= g.ih) {
                            for (int s = 0; s < seg; s++, d += width) dst[d] = 0f;
                        } else {
                            int row = g.xOff + (ci * g.ih + iy) * g.iw;
                            for (int s = 0, ix = ox * g.sw - g.pw + kx; s < seg; s++, ix += g.sw, d += width)
                                dst[d] = ix >= 0 && ix < g.iw ? x[row + ix] : 0f;
                        }
                        t += seg;
                        ox = 0;
                        oy++;
                    }
                }
                if (w < width) GemmPanelSource.zeroPad(dst, base, kc, width, w);
            }
        }
    }
}
