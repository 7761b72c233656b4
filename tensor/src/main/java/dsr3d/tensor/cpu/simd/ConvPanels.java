package dsr3d.tensor.cpu.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

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

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Lane i takes lane 2i of the concatenation of two vectors: the stride-2 subsample. */
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(S, i -> 2 * i);

    /** dst[d .. d+len) = src[so .. so+len), vector by vector (short runs: cheaper than arraycopy). */
    static void copy(float[] src, int so, float[] dst, int d, int len) {
        int i = 0;
        for (; i <= len - L; i += L) FloatVector.fromArray(S, src, so + i).intoArray(dst, d + i);
        for (; i < len; i++) dst[d + i] = src[so + i];
    }

    /** dst[d + t] = src[so + 2t] for t < len; reads up to src[so + 2*len + L) when that is in the array. */
    static void copyStride2(float[] src, int so, float[] dst, int d, int len) {
        int i = 0;
        for (; i <= len - L && so + 2 * i + 2 * L <= src.length; i += L) {
            FloatVector v0 = FloatVector.fromArray(S, src, so + 2 * i), v1 = FloatVector.fromArray(S, src, so + 2 * i + L);
            v0.rearrange(EVEN, v1).intoArray(dst, d + i);
        }
        for (; i < len; i++) dst[d + i] = src[so + 2 * i];
    }

    record Geometry(float[] x, int xOff, int channels, int ih, int iw, int kh, int kw,
                    int sh, int sw, int ph, int pw, int oh, int ow) {}

    /**
     * The B operand of the forward conv, X(r = output pixel, p = tap): packs [kc taps][width pixels].
     * Pixels of one output row are contiguous input reads when the stride is 1 (array copies).
     */
    record PixelsByTap(Geometry g, int[] offsets) implements GemmPanelSource, GemmPanelSource.InPlace {
        PixelsByTap(Geometry g) { this(g, tapOffsets(g)); }

        /** offset of tap (ci, ky, kx) relative to input (0, 0, 0) of the block: (ci*ih + ky)*iw + kx. */
        static int[] tapOffsets(Geometry g) {
            if (g.sw != 1) return null;
            int[] o = new int[g.channels * g.kh * g.kw];
            for (int ci = 0, t = 0; ci < g.channels; ci++)
                for (int ky = 0; ky < g.kh; ky++)
                    for (int kx = 0; kx < g.kw; kx++) o[t++] = (ci * g.ih + ky) * g.iw + kx;
            return o;
        }

        @Override public float[] array() { return g.x; }

        /** In place when the stride is 1 and the pixels lie in one output row whose every tap is inside the image. */
        @Override
        public int base(int r0, int width) {
            if (offsets == null) return -1;
            int oy = r0 / g.ow, ox0 = r0 - oy * g.ow, iy0 = oy * g.sh - g.ph, ix0 = ox0 - g.pw;
            if (ox0 + width > g.ow || iy0 < 0 || iy0 + g.kh > g.ih || ix0 < 0 || ix0 + width + g.kw - 1 > g.iw) return -1;
            return g.xOff + iy0 * g.iw + ix0;
        }

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
                    if (g.sw <= 2) {
                        // in-bounds pixels are [lo, hi): ix0 + sw*s in [0, iw)
                        int lo = Math.min(seg, Math.max(0, (-ix0 + g.sw - 1) / g.sw));
                        int hi = Math.max(lo, Math.min(seg, (g.iw - ix0 + g.sw - 1) / g.sw));
                        if (lo > 0) java.util.Arrays.fill(dst, d + t, d + t + lo, 0f);
                        if (g.sw == 1) copy(x, row + ix0 + lo, dst, d + t + lo, hi - lo);
                        else copyStride2(x, row + ix0 + 2 * lo, dst, d + t + lo, hi - lo);
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
     * For a pixel whose every tap is inside the image, the width taps are one vector gather per
     * vector from x at (pixel base + tap offset); border pixels take the scalar path with bounds tests.
     */
    record TapsByPixel(Geometry g, int[] offsets, int[] tapKy, int[] tapKx) implements GemmPanelSource {
        TapsByPixel(Geometry g) { this(g, new int[taps(g)], new int[taps(g)], new int[taps(g)]); init(); }

        private static int taps(Geometry g) { return g.channels * g.kh * g.kw; }

        private void init() {
            for (int ci = 0, t = 0; ci < g.channels; ci++)
                for (int ky = 0; ky < g.kh; ky++)
                    for (int kx = 0; kx < g.kw; kx++, t++) {
                        offsets[t] = (ci * g.ih + ky) * g.iw + kx;
                        tapKy[t] = ky;
                        tapKx[t] = kx;
                    }
        }

        @Override
        public void pack(float[] dst, int dOff, int r0, int rows, int p0, int kc, int width) {
            float[] x = g.x;
            // output pixels whose every tap is inside: oy in [oyLo, oyHi], ox in [oxLo, oxHi]
            int oyLo = (g.ph + g.sh - 1) / g.sh, oyHi = Math.floorDiv(g.ih - g.kh + g.ph, g.sh);
            int oxLo = (g.pw + g.sw - 1) / g.sw, oxHi = Math.floorDiv(g.iw - g.kw + g.pw, g.sw);
            boolean gather = width == 2 * L;
            for (int blk = 0; blk < rows; blk += width) {
                int w = Math.min(width, rows - blk), base = dOff + blk * kc, t0 = r0 + blk;
                int oy = p0 / g.ow, ox = p0 - oy * g.ow;
                for (int p = 0; p < kc; p++) {
                    int d = base + p * width, iy0 = oy * g.sh - g.ph, ix0 = ox * g.sw - g.pw;
                    int pix = g.xOff + iy0 * g.iw + ix0;
                    if (gather && w == width && oy >= oyLo && oy <= oyHi && ox >= oxLo && ox <= oxHi) {
                        FloatVector.fromArray(S, x, pix, offsets, t0).intoArray(dst, d);
                        FloatVector.fromArray(S, x, pix, offsets, t0 + L).intoArray(dst, d + L);
                    } else {
                        for (int rr = 0; rr < w; rr++) {
                            int t = t0 + rr, iy = iy0 + tapKy[t], ix = ix0 + tapKx[t];
                            dst[d + rr] = iy >= 0 && iy < g.ih && ix >= 0 && ix < g.iw ? x[pix + offsets[t]] : 0f;
                        }
                        if (w < width) java.util.Arrays.fill(dst, d + w, d + width, 0f);
                    }
                    if (++ox == g.ow) { ox = 0; oy++; }
                }
            }
        }
    }

    /**
     * The A operand of the swapped weight gradient on a stride-1 unpadded view with iw = ow + kw - 1:
     * X(r = tap (ci,ky,kx), p = pixel on the iw-wide grid) = x[xOff + (ci*ih + ky)*iw + kx + p],
     * one contiguous run per tap. Packs [kc pixels][width taps]; reads past the block are 0.
     */
    record TapRows(Geometry g, int[] offsets, int limit) implements GemmPanelSource, GemmPanelSource.RowsInPlace {
        TapRows(Geometry g) { this(g, PixelsByTap.tapOffsets(g), g.xOff + g.channels * g.ih * g.iw); }

        @Override public float[] array() { return g.x; }

        @Override
        public int rowInPlace(int r, int p0, int kc) {
            int start = g.xOff + offsets[r];
            return start + p0 + kc <= limit ? start : -1;
        }

        @Override
        public void pack(float[] dst, int dOff, int r0, int rows, int p0, int kc, int width) {
            float[] x = g.x;
            for (int blk = 0; blk < rows; blk += width) {
                int w = Math.min(width, rows - blk), base = dOff + blk * kc;
                for (int rr = 0; rr < w; rr++) {
                    int src = g.xOff + offsets[r0 + blk + rr] + p0, n = Math.max(0, Math.min(kc, limit - src));
                    int d = base + rr, p = 0;
                    for (; p < n; p++, d += width) dst[d] = x[src + p];
                    for (; p < kc; p++, d += width) dst[d] = 0f;
                }
                if (w < width) GemmPanelSource.zeroPad(dst, base, kc, width, w);
            }
        }
    }
}
