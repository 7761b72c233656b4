package dsr3d.tensor.cpu.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * Float32 resampling of planes [nc, h, w]: bilinear with align_corners = true, and nearest by
 * integer factors, forward and backward. Planes are split over the pool (each task owns whole
 * planes of the output, so the backward scatters need no synchronisation).
 *
 * <p>Bilinear: the source columns (x0, x1) and weight fx of every output column are computed
 * once per call (in double, as the reference's coordinates) instead of once per pixel; each output
 * row first blends its two input rows vertically (a vector loop over w), then interpolates that
 * row horizontally (two taps per output pixel instead of four). The backward pass is the
 * transpose: horizontal scatter into one row, then a vector scatter into the two input rows. Nearest: one output row is built per input row and the other
 * fh - 1 copies are System.arraycopy; the backward pass sums each fh x fw block directly (a
 * gather: no zero fill, no scatter).
 */
public final class UpsampleSimd {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();

    private UpsampleSimd() {}

    /** Per-axis interpolation table: out index o reads i0[o] and i1[o] with weights 1 - f[o], f[o]. */
    private record Axis(int[] i0, int[] i1, float[] f) {
        static Axis of(int in, int out) {
            int[] a = new int[out], b = new int[out];
            float[] f = new float[out];
            for (int o = 0; o < out; o++) {
                double s = out > 1 ? o * (double) (in - 1) / (out - 1) : 0;   // align_corners = true
                a[o] = Math.min((int) s, in - 1);
                b[o] = Math.min(a[o] + 1, in - 1);
                f[o] = (float) (s - a[o]);
            }
            return new Axis(a, b, f);
        }
    }

    public static void bilinear(int nc, int h, int w, int hout, int wout, float[] x, float[] y) {
        checkSizes("upsampleBilinear", nc, h, w, hout, wout);
        Pool2dSimd.checkLen("upsampleBilinear", "x", x.length, (long) nc * h * w);
        Pool2dSimd.checkLen("upsampleBilinear", "y", y.length, (long) nc * hout * wout);
        Axis ay = Axis.of(h, hout), ax = Axis.of(w, wout);
        int plane = h * w, outPlane = hout * wout;
        Pool2dSimd.forPlanes(nc, outPlane, (from, to) -> {
            float[] blended = new float[w];   // the two source rows of one output row, blended vertically
            for (int c = from; c < to; c++)
                for (int oy = 0; oy < hout; oy++) {
                    int r0 = c * plane + ay.i0[oy] * w, r1 = c * plane + ay.i1[oy] * w;
                    float fy = ay.f[oy], gy = 1 - fy;
                    int ix = 0;
                    for (int bound = F.loopBound(w); ix < bound; ix += L)
                        FloatVector.fromArray(F, x, r0 + ix).mul(gy).add(FloatVector.fromArray(F, x, r1 + ix).mul(fy)).intoArray(blended, ix);
                    for (; ix < w; ix++) blended[ix] = gy * x[r0 + ix] + fy * x[r1 + ix];
                    int yo = c * outPlane + oy * wout;
                    for (int ox = 0; ox < wout; ox++) {
                        float fx = ax.f[ox];
                        y[yo + ox] = (1 - fx) * blended[ax.i0[ox]] + fx * blended[ax.i1[ox]];
                    }
                }
        });
    }

    public static void bilinearBackward(int nc, int h, int w, int hout, int wout, float[] dy, float[] dx) {
        checkSizes("upsampleBilinearBackward", nc, h, w, hout, wout);
        Pool2dSimd.checkLen("upsampleBilinearBackward", "dy", dy.length, (long) nc * hout * wout);
        Pool2dSimd.checkLen("upsampleBilinearBackward", "dx", dx.length, (long) nc * h * w);
        Axis ay = Axis.of(h, hout), ax = Axis.of(w, wout);
        int plane = h * w, outPlane = hout * wout;
        Pool2dSimd.forPlanes(nc, plane + outPlane, (from, to) -> {
            float[] rowGrad = new float[w];   // the gradient of one output row, spread over input columns
            Arrays.fill(dx, from * plane, to * plane, 0f);
            for (int c = from; c < to; c++)
                for (int oy = 0; oy < hout; oy++) {
                    Arrays.fill(rowGrad, 0f);
                    int yo = c * outPlane + oy * wout;
                    for (int ox = 0; ox < wout; ox++) {
                        float g = dy[yo + ox], fx = ax.f[ox];
                        rowGrad[ax.i0[ox]] += (1 - fx) * g;
                        rowGrad[ax.i1[ox]] += fx * g;
                    }
                    int r0 = c * plane + ay.i0[oy] * w, r1 = c * plane + ay.i1[oy] * w;
                    float fy = ay.f[oy], gy = 1 - fy;
                    FloatVector vgy = FloatVector.broadcast(F, gy), vfy = FloatVector.broadcast(F, fy);
                    int ix = 0;
                    for (int bound = F.loopBound(w); ix < bound; ix += L) {
                        FloatVector g = FloatVector.fromArray(F, rowGrad, ix);
                        g.fma(vgy, FloatVector.fromArray(F, dx, r0 + ix)).intoArray(dx, r0 + ix);
                        g.fma(vfy, FloatVector.fromArray(F, dx, r1 + ix)).intoArray(dx, r1 + ix);   // r1 may equal r0: load after store
                    }
                    for (; ix < w; ix++) {
                        dx[r0 + ix] += gy * rowGrad[ix];
                        dx[r1 + ix] += fy * rowGrad[ix];
                    }
                }
        });
    }

    public static void nearest(int nc, int h, int w, int fh, int fw, float[] x, float[] y) {
        checkFactors("upsampleNearest", nc, h, w, fh, fw);
        int ho = h * fh, wo = w * fw, plane = h * w;
        Pool2dSimd.checkLen("upsampleNearest", "x", x.length, (long) nc * plane);
        Pool2dSimd.checkLen("upsampleNearest", "y", y.length, (long) nc * ho * wo);
        Pool2dSimd.forPlanes(nc, ho * wo, (from, to) -> {
            for (int c = from; c < to; c++)
                for (int iy = 0; iy < h; iy++) {
                    int xi = c * plane + iy * w, yo = (c * ho + iy * fh) * wo;
                    if (fw == 1) System.arraycopy(x, xi, y, yo, w);
                    else
                        for (int ix = 0, o = yo; ix < w; ix++) {
                            float v = x[xi + ix];
                            for (int k = 0; k < fw; k++) y[o++] = v;
                        }
                    for (int k = 1; k < fh; k++) System.arraycopy(y, yo, y, yo + k * wo, wo);
                }
        });
    }

    public static void nearestBackward(int nc, int h, int w, int fh, int fw, float[] dy, float[] dx) {
        checkFactors("upsampleNearestBackward", nc, h, w, fh, fw);
        int ho = h * fh, wo = w * fw, plane = h * w;
        Pool2dSimd.checkLen("upsampleNearestBackward", "dy", dy.length, (long) nc * ho * wo);
        Pool2dSimd.checkLen("upsampleNearestBackward", "dx", dx.length, (long) nc * plane);
        Pool2dSimd.forPlanes(nc, ho * wo, (from, to) -> {
            for (int c = from; c < to; c++)
                for (int iy = 0; iy < h; iy++)
                    for (int ix = 0; ix < w; ix++) {
                        float s = 0;
                        int o = (c * ho + iy * fh) * wo + ix * fw;
                        for (int ky = 0; ky < fh; ky++, o += wo)
                            for (int kx = 0; kx < fw; kx++) s += dy[o + kx];
                        dx[c * plane + iy * w + ix] = s;
                    }
        });
    }

    private static void checkSizes(String kernel, int nc, int h, int w, int hout, int wout) {
        if (nc < 0 || h < 1 || w < 1 || hout < 1 || wout < 1)
            throw new IllegalArgumentException(kernel + ": need nc >= 0 and all sizes >= 1, got nc=" + nc
                    + " " + h + "x" + w + " -> " + hout + "x" + wout);
    }

    private static void checkFactors(String kernel, int nc, int h, int w, int fh, int fw) {
        if (nc < 0 || h < 0 || w < 0 || fh < 1 || fw < 1)
            throw new IllegalArgumentException(kernel + ": need sizes >= 0 and factors >= 1, got nc=" + nc
                    + " " + h + "x" + w + " factors " + fh + "x" + fw);
    }
}
