package dsr3d.models.data;

/**
 * Image resizing that reproduces what {@code cv2.resize} computes for the two cases the official
 * 3DSR loader uses (VitjanZ/3DSR data_loader.py), so that preprocessed inputs match it pixel for
 * pixel rather than "some bilinear".
 *
 * <ul>
 *   <li>{@link #nearest}: {@code INTER_NEAREST} on any number of float channels (the xyz cloud).
 *       OpenCV's rule is not the pixel-centre rule: source index = floor(dst * (1 / (dst/src)))
 *       with the scale computed in double exactly that way, clamped to src-1.</li>
 *   <li>{@link #linear8u}: the default {@code INTER_LINEAR} on 8-bit images (RGB, and the gt mask in
 *       3DSR-compat mode). Half-pixel-centre mapping {@code (d+0.5)*scale-0.5} in float, edge
 *       clamping, fixed-point weights with 11 fractional bits, horizontal pass in int, vertical pass
 *       as OpenCV does it for this type (modules/imgproc/src/resize.cpp, the VResizeLinear
 *       specialisation for uchar/int/short and its SIMD helper VResizeLinearVec_32s8u, which agree):
 *       each of the two row values is shifted right by 4, multiplied with its 16-bit weight keeping
 *       the high 16 bits of the product, the two added, then (sum + 2) >> 2. This is not the
 *       rounded (a*b0 + b*b1) >> 22 of the generic FixedPtCast; the two differ by one grey level on
 *       a few percent of the pixels, and the SIMD width does not matter. Exact downscaling by 2 in
 *       both axes is routed to INTER_AREA by OpenCV (mean of each 2x2 block, rounded): reproduced too.</li>
 * </ul>
 * Same size in and out is a copy, as in OpenCV. Layout everywhere: [H][W][C] row-major.
 */
public final class CvResize {
    private CvResize() {}

    static final int COEF_BITS = 11;
    static final int COEF_SCALE = 1 << COEF_BITS;

    /**
     * Nearest-neighbour resize as {@code cv2.resize(..., interpolation=INTER_NEAREST)}.
     *
     * @param src [h][w][c] values
     * @return [dh][dw][c] values
     */
    public static float[] nearest(float[] src, int h, int w, int c, int dh, int dw) {
        checkSizes(src.length, h, w, c, dh, dw);
        int[] xs = nearestIndex(w, dw);
        int[] ys = nearestIndex(h, dh);
        float[] dst = new float[dh * dw * c];
        for (int y = 0; y < dh; y++) {
            int srow = ys[y] * w;
            for (int x = 0; x < dw; x++) {
                int s = (srow + xs[x]) * c;
                int d = (y * dw + x) * c;
                System.arraycopy(src, s, dst, d, c);
            }
        }
        return dst;
    }

    /** Same as {@link #nearest(float[], int, int, int, int, int)} for 8-bit values stored in ints. */
    public static int[] nearest(int[] src, int h, int w, int c, int dh, int dw) {
        checkSizes(src.length, h, w, c, dh, dw);
        int[] xs = nearestIndex(w, dw);
        int[] ys = nearestIndex(h, dh);
        int[] dst = new int[dh * dw * c];
        for (int y = 0; y < dh; y++)
            for (int x = 0; x < dw; x++)
                System.arraycopy(src, (ys[y] * w + xs[x]) * c, dst, (y * dw + x) * c, c);
        return dst;
    }

    /** Source index per destination index for OpenCV's INTER_NEAREST (resizeNN). */
    static int[] nearestIndex(int src, int dst) {
        int[] idx = new int[dst];
        if (src == dst) {
            for (int i = 0; i < dst; i++) idx[i] = i;
            return idx;
        }
        double invScale = (double) dst / src;   // OpenCV's inv_scale_x
        double ifx = 1.0 / invScale;             // resizeNN's ifx = 1./fx
        for (int i = 0; i < dst; i++) idx[i] = Math.min((int) Math.floor(i * ifx), src - 1);
        return idx;
    }

    /**
     * Bilinear resize of 8-bit data as {@code cv2.resize(img, (dw, dh))} (INTER_LINEAR, CV_8U).
     *
     * @param src [h][w][c] values in 0..255
     * @return [dh][dw][c] values in 0..255
     */
    public static int[] linear8u(int[] src, int h, int w, int c, int dh, int dw) {
        checkSizes(src.length, h, w, c, dh, dw);
        for (int i = 0; i < src.length; i++)
            if (src[i] < 0 || src[i] > 255)
                throw new IllegalArgumentException("linear8u: value " + src[i] + " at index " + i + " is not in 0..255");
        if (h == dh && w == dw) return src.clone();
        double scaleX = 1.0 / ((double) dw / w), scaleY = 1.0 / ((double) dh / h);
        if (isInteger(scaleX) && isInteger(scaleY) && Math.round(scaleX) == 2 && Math.round(scaleY) == 2)
            return areaFast2(src, h, w, c, dh, dw);

        // Horizontal tables (one per destination column; identical for every channel).
        int[] xofs = new int[dw];
        int[] xa0 = new int[dw], xa1 = new int[dw];
        for (int dx = 0; dx < dw; dx++) {
            float fx = (float) ((dx + 0.5) * scaleX - 0.5);
            int sx = (int) Math.floor(fx);
            fx -= sx;
            if (sx < 0) { fx = 0; sx = 0; }
            if (sx >= w - 1) { fx = 0; sx = w - 1; }  // past the right edge: S[w-1] * ONE
            xofs[dx] = sx;
            xa0[dx] = saturateShort((1.f - fx) * COEF_SCALE);
            xa1[dx] = saturateShort(fx * COEF_SCALE);
        }
        // Horizontal pass over every source row: [h][dw][c] ints scaled by 2^11.
        int[] rows = new int[h * dw * c];
        for (int y = 0; y < h; y++)
            for (int dx = 0; dx < dw; dx++) {
                int s = (y * w + xofs[dx]) * c;
                int d = (y * dw + dx) * c;
                boolean single = xofs[dx] == w - 1;    // OpenCV's dx >= xmax branch
                for (int k = 0; k < c; k++)
                    rows[d + k] = single ? src[s + k] * COEF_SCALE
                            : src[s + k] * xa0[dx] + src[s + c + k] * xa1[dx];
            }
        // Vertical pass: rows sy and sy+1 clamped into the image, weights from the unclamped fy.
        int[] dst = new int[dh * dw * c];
        int rowLen = dw * c;
        for (int dy = 0; dy < dh; dy++) {
            float fy = (float) ((dy + 0.5) * scaleY - 0.5);
            int sy = (int) Math.floor(fy);
            fy -= sy;
            int b0 = saturateShort((1.f - fy) * COEF_SCALE), b1 = saturateShort(fy * COEF_SCALE);
            int r0 = clamp(sy, 0, h - 1) * rowLen, r1 = clamp(sy + 1, 0, h - 1) * rowLen;
            int d = dy * rowLen;
            for (int i = 0; i < rowLen; i++)
                dst[d + i] = vertical(rows[r0 + i], rows[r1 + i], b0, b1);
        }
        return dst;
    }

    /**
     * One output value of OpenCV's 8-bit vertical linear pass from the horizontal-pass values
     * {@code a} (upper row) and {@code b} (lower row), both scaled by 2^11, and the weights
     * {@code b0}, {@code b1} (sum 2^11): (hi16((a >> 4) * b0) + hi16((b >> 4) * b1) + 2) >> 2.
     * With values in 0..255 nothing overflows 16 bits, so OpenCV's saturating SIMD lanes and its
     * scalar loop give this same number.
     */
    static int vertical(int a, int b, int b0, int b1) {
        return clamp((((a >> 4) * b0 >> 16) + ((b >> 4) * b1 >> 16) + 2) >> 2, 0, 255);
    }

    /** OpenCV's INTER_AREA fast path for an exact factor 2: rounded mean of each 2x2 block. */
    private static int[] areaFast2(int[] src, int h, int w, int c, int dh, int dw) {
        int[] dst = new int[dh * dw * c];
        for (int y = 0; y < dh; y++)
            for (int x = 0; x < dw; x++)
                for (int k = 0; k < c; k++) {
                    int a = src[((2 * y) * w + 2 * x) * c + k], b = src[((2 * y) * w + 2 * x + 1) * c + k];
                    int e = src[((2 * y + 1) * w + 2 * x) * c + k], f = src[((2 * y + 1) * w + 2 * x + 1) * c + k];
                    dst[(y * dw + x) * c + k] = (a + b + e + f + 2) >> 2;
                }
        return dst;
    }

    private static boolean isInteger(double v) { return Math.abs(v - Math.round(v)) < Math.ulp(1.0); }

    /** cv::saturate_cast&lt;short&gt;(float): round half to even, then clamp. */
    static int saturateShort(float v) { return clamp((int) Math.rint(v), Short.MIN_VALUE, Short.MAX_VALUE); }

    private static int clamp(int v, int lo, int hi) { return v < lo ? lo : (v > hi ? hi : v); }

    private static void checkSizes(int len, int h, int w, int c, int dh, int dw) {
        if (h <= 0 || w <= 0 || c <= 0 || dh <= 0 || dw <= 0)
            throw new IllegalArgumentException("resize: sizes must be positive, got src " + h + "x" + w + "x" + c
                    + " dst " + dh + "x" + dw);
        if ((long) h * w * c != len)
            throw new IllegalArgumentException("resize: src length " + len + " != h*w*c = " + h + "*" + w + "*" + c);
    }
}
