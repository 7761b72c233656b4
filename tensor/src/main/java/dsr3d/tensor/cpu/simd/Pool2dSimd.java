package dsr3d.tensor.cpu.simd;

import dsr3d.tensor.backend.PoolGeom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * Float32 max and average pooling over planes [nc, h, w]; planes are split over the pool.
 *
 * <p>Max pooling clips each window to the image once (no per-tap bounds test) and keeps the
 * reference's rule exactly: first max on ties, a NaN always takes over (so the last NaN wins).
 *
 * <p>Average pooling (count_include_pad = true: always divide by kh*kw) is separable: the window
 * sum is a sum over kx of row values followed by a sum over ky of those row sums. Pass 1 writes,
 * for every input row, the kw-tap horizontal sums at the output columns (reading a zero-padded
 * copy of the row, so padding needs no tests); pass 2 adds kh of those rows per output row,
 * vectorised along the row. For the 3DSR score filter (k = 11, stride 1, pad 5) that is 22 adds
 * per output instead of 121. The backward pass is the transpose: scatter dy down the rows, then
 * along each padded row.
 */
public final class Pool2dSimd {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    /** Lane i takes lane 2i (EVEN) or 2i + 1 (ODD) of the concatenation of two vectors. */
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(F, i -> 2 * i), ODD = VectorShuffle.fromOp(F, i -> 2 * i + 1);
    /** 2 * lane: the input column of output column ox0 + lane, relative to 2 * ox0. */
    private static final IntVector TWICE_LANE = IntVector.fromArray(I, java.util.stream.IntStream.range(0, I.length()).map(i -> 2 * i).toArray(), 0);

    private Pool2dSimd() {}

    // ---- max -----------------------------------------------------------------------------------

    /** y [nc, hout, wout] = window max; argmax = flat index of the max within its h*w plane. */
    public static void maxForward(PoolGeom p, float[] x, float[] y, int[] argmax) {
        int ho = p.hout(), wo = p.wout(), h = p.h(), w = p.w(), plane = h * w;
        checkLen("maxPool2d", "x", x.length, p.nc() * plane);
        checkLen("maxPool2d", "y", y.length, p.nc() * ho * wo);
        checkLen("maxPool2d", "argmax", argmax.length, p.nc() * ho * wo);
        boolean twoByTwo = p.kh() == 2 && p.kw() == 2 && p.strideH() == 2 && p.strideW() == 2 && p.padH() == 0 && p.padW() == 0
                && I.length() == L && L >= 4;
        forPlanes(p.nc(), plane, (from, to) -> {
            for (int c = from; c < to; c++) {
                int xb = c * plane;
                for (int oy = 0; oy < ho; oy++) {
                    // MaxPool2d(2), the U-Net's and the encoders': L outputs per step from two rows
                    int oxVec = twoByTwo ? maxRow2x2(x, xb, w, oy, wo, y, argmax, (c * ho + oy) * wo) : 0;
                    int y0 = oy * p.strideH() - p.padH();
                    int ky0 = Math.max(0, -y0), ky1 = Math.min(p.kh(), h - y0);
                    for (int ox = oxVec; ox < wo; ox++) {
                        int x0 = ox * p.strideW() - p.padW();
                        int kx0 = Math.max(0, -x0), kx1 = Math.min(p.kw(), w - x0);
                        float best = Float.NEGATIVE_INFINITY;
                        int bestIdx = -1;
                        for (int ky = ky0; ky < ky1; ky++) {
                            int row = (y0 + ky) * w;
                            for (int kx = kx0; kx < kx1; kx++) {
                                float v = x[xb + row + x0 + kx];
                                if (bestIdx < 0 || v > best || v != v) { best = v; bestIdx = row + x0 + kx; }
                            }
                        }
                        int o = (c * ho + oy) * wo + ox;
                        y[o] = best;
                        argmax[o] = bestIdx;
                    }
                }
            }
        });
    }

    /**
     * Output row oy of a 2x2, stride-2, unpadded max pool of the plane at x[xb], L outputs at a time
     * (those whose 2L input columns lie inside the row); returns the first output column left to the
     * scalar loop. The taps are visited in the scalar loop's order, (0,0) (0,1) (1,0) (1,1), with its
     * rule: a tap takes over when it is greater or NaN, so ties keep the first and the last NaN wins.
     */
    private static int maxRow2x2(float[] x, int xb, int w, int oy, int wo, float[] y, int[] argmax, int o0) {
        int r0 = 2 * oy * w, r1 = r0 + w, ox = 0;
        for (; ox + L <= wo && 2 * ox + 2 * L <= w; ox += L) {
            int i0 = xb + r0 + 2 * ox, i1 = xb + r1 + 2 * ox;
            FloatVector a0 = FloatVector.fromArray(F, x, i0), a1 = FloatVector.fromArray(F, x, i0 + L);
            FloatVector b0 = FloatVector.fromArray(F, x, i1), b1 = FloatVector.fromArray(F, x, i1 + L);
            IntVector col = TWICE_LANE.add(r0 + 2 * ox);
            FloatVector best = a0.rearrange(EVEN, a1);
            IntVector idx = col;
            FloatVector v = a0.rearrange(ODD, a1);
            VectorMask<Float> take = v.compare(VectorOperators.GT, best).or(v.test(VectorOperators.IS_NAN));
            best = best.blend(v, take); idx = idx.blend(col.add(1), take.cast(I));
            v = b0.rearrange(EVEN, b1);
            take = v.compare(VectorOperators.GT, best).or(v.test(VectorOperators.IS_NAN));
            best = best.blend(v, take); idx = idx.blend(col.add(w), take.cast(I));
            v = b0.rearrange(ODD, b1);
            take = v.compare(VectorOperators.GT, best).or(v.test(VectorOperators.IS_NAN));
            best = best.blend(v, take); idx = idx.blend(col.add(w + 1), take.cast(I));
            best.intoArray(y, o0 + ox);
            idx.intoArray(argmax, o0 + ox);
        }
        return ox;
    }

    /** dx = 0, then dx[plane of o][argmax[o]] += dy[o]. Each plane is written by one task only. */
    public static void maxBackward(PoolGeom p, float[] dy, int[] argmax, float[] dx) {
        int outPlane = p.hout() * p.wout(), plane = p.h() * p.w();
        checkLen("maxPool2dBackward", "dy", dy.length, p.nc() * outPlane);
        checkLen("maxPool2dBackward", "argmax", argmax.length, p.nc() * outPlane);
        checkLen("maxPool2dBackward", "dx", dx.length, p.nc() * plane);
        forPlanes(p.nc(), plane, (from, to) -> {
            Arrays.fill(dx, from * plane, to * plane, 0f);
            for (int c = from; c < to; c++) {
                int xb = c * plane;
                for (int o = c * outPlane, end = o + outPlane; o < end; o++) {
                    int a = argmax[o];
                    if (a < 0 || a >= plane) throw new IllegalArgumentException("maxPool2dBackward: argmax " + a + " outside the plane of " + plane);
                    dx[xb + a] += dy[o];
                }
            }
        });
    }

    // ---- average -------------------------------------------------------------------------------

    public static void avgForward(PoolGeom p, float[] x, float[] y) {
        int h = p.h(), w = p.w(), ho = p.hout(), wo = p.wout(), plane = h * w;
        checkLen("avgPool2d", "x", x.length, p.nc() * plane);
        checkLen("avgPool2d", "y", y.length, p.nc() * ho * wo);
        int kh = p.kh(), kw = p.kw(), sh = p.strideH(), sw = p.strideW(), ph = p.padH(), pw = p.padW();
        float inv = 1f / (kh * kw);
        forPlanes(p.nc(), plane, (from, to) -> {
            float[] padded = new float[w + 2 * pw];   // one input row with pw zeros on each side
            float[] rowSums = new float[h * wo];      // [h, wo]: horizontal window sums per input row
            for (int c = from; c < to; c++) {
                // pass 1: rowSums[iy, ox] = sum_kx x[iy, ox*sw - pw + kx]
                for (int iy = 0; iy < h; iy++) {
                    System.arraycopy(x, c * plane + iy * w, padded, pw, w);
                    horizontalSums(padded, kw, sw, rowSums, iy * wo, wo);
                }
                // pass 2: y[oy, ox] = inv * sum_ky rowSums[oy*sh - ph + ky, ox] over rows inside the image
                for (int oy = 0; oy < ho; oy++) {
                    int y0 = oy * sh - ph, ky0 = Math.max(0, -y0), ky1 = Math.min(kh, h - y0);
                    int yo = (c * ho + oy) * wo;
                    int ox = 0;
                    for (int bound = F.loopBound(wo); ox < bound; ox += L) {
                        FloatVector acc = FloatVector.zero(F);
                        for (int ky = ky0; ky < ky1; ky++) acc = acc.add(FloatVector.fromArray(F, rowSums, (y0 + ky) * wo + ox));
                        acc.mul(inv).intoArray(y, yo + ox);
                    }
                    for (; ox < wo; ox++) {
                        float s = 0;
                        for (int ky = ky0; ky < ky1; ky++) s += rowSums[(y0 + ky) * wo + ox];
                        y[yo + ox] = s * inv;
                    }
                }
            }
        });
    }

    /** out[o + ox] = sum_{kx < kw} padded[ox*sw + kx] for ox < wo. */
    private static void horizontalSums(float[] padded, int kw, int sw, float[] out, int o, int wo) {
        int ox = 0;
        if (sw == 1) {   // shifted contiguous loads
            for (int bound = F.loopBound(wo); ox < bound; ox += L) {
                FloatVector acc = FloatVector.fromArray(F, padded, ox);
                for (int kx = 1; kx < kw; kx++) acc = acc.add(FloatVector.fromArray(F, padded, ox + kx));
                acc.intoArray(out, o + ox);
            }
        }
        for (; ox < wo; ox++) {
            float s = 0;
            for (int kx = 0, base = ox * sw; kx < kw; kx++) s += padded[base + kx];
            out[o + ox] = s;
        }
    }

    public static void avgBackward(PoolGeom p, float[] dy, float[] dx) {
        int h = p.h(), w = p.w(), ho = p.hout(), wo = p.wout(), plane = h * w;
        checkLen("avgPool2dBackward", "dy", dy.length, p.nc() * ho * wo);
        checkLen("avgPool2dBackward", "dx", dx.length, p.nc() * plane);
        int kh = p.kh(), kw = p.kw(), sh = p.strideH(), sw = p.strideW(), ph = p.padH(), pw = p.padW();
        float inv = 1f / (kh * kw);
        forPlanes(p.nc(), plane, (from, to) -> {
            float[] colSums = new float[h * wo];      // [h, wo]: dy scattered down the rows
            float[] padded = new float[w + 2 * pw + kw];
            for (int c = from; c < to; c++) {
                // transpose of pass 2: colSums[iy, ox] = sum of dy[oy, ox] over windows oy covering iy
                Arrays.fill(colSums, 0f);
                for (int oy = 0; oy < ho; oy++) {
                    int y0 = oy * sh - ph, ky0 = Math.max(0, -y0), ky1 = Math.min(kh, h - y0);
                    int yo = (c * ho + oy) * wo;
                    for (int ky = ky0; ky < ky1; ky++) {
                        int r = (y0 + ky) * wo, ox = 0;
                        for (int bound = F.loopBound(wo); ox < bound; ox += L)
                            FloatVector.fromArray(F, colSums, r + ox).add(FloatVector.fromArray(F, dy, yo + ox)).intoArray(colSums, r + ox);
                        for (; ox < wo; ox++) colSums[r + ox] += dy[yo + ox];
                    }
                }
                // transpose of pass 1: spread each column sum over its kw taps of the padded row
                for (int iy = 0; iy < h; iy++) {
                    Arrays.fill(padded, 0f);
                    int r = iy * wo;
                    if (sw == 1) {
                        for (int kx = 0; kx < kw; kx++) {
                            int ox = 0;
                            for (int bound = F.loopBound(wo); ox < bound; ox += L)
                                FloatVector.fromArray(F, padded, ox + kx).add(FloatVector.fromArray(F, colSums, r + ox)).intoArray(padded, ox + kx);
                            for (; ox < wo; ox++) padded[ox + kx] += colSums[r + ox];
                        }
                    } else {
                        for (int ox = 0; ox < wo; ox++) {
                            float g = colSums[r + ox];
                            for (int kx = 0, base = ox * sw; kx < kw; kx++) padded[base + kx] += g;
                        }
                    }
                    int xo = c * plane + iy * w, ix = 0;
                    for (int bound = F.loopBound(w); ix < bound; ix += L)
                        FloatVector.fromArray(F, padded, pw + ix).mul(inv).intoArray(dx, xo + ix);
                    for (; ix < w; ix++) dx[xo + ix] = padded[pw + ix] * inv;
                }
            }
        });
    }

    /** Planes over the pool, enough planes per chunk to make ~MIN_PARALLEL elements. */
    static void forPlanes(int nc, int plane, Parallel.Range body) {
        Parallel.forRange(nc, Math.max(1, ElementwiseSimd.MIN_PARALLEL / Math.max(1, plane)), body);
    }

    static void checkLen(String kernel, String name, int have, long need) {
        if (have < need) throw new IllegalArgumentException(kernel + ": " + name + " must hold " + need + " elements, has " + have);
    }
}
