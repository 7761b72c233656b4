package dsr3d.tensor.cpu.simd;

/**
 * A (possibly virtual) GEMM operand that can write itself into the packed panel layout of
 * {@link GemmDriver}. The operand is seen as a matrix X(r, p): r runs over the "outer" dimension
 * (rows i of A, or columns j of B) and p over the reduction dimension k.
 *
 * <p>Packed layout written by {@link #pack}: ceil(rows/width) micro-panels one after another, each
 * [kc][width] (p-major, the width values of one p contiguous), rows past {@code rows} zero-padded,
 * so a micro-kernel can stream them with unit stride. Virtual operands (im2col of an image) pack
 * straight from the image, which is what makes the convolutions "implicit GEMM" with no cols matrix.
 */
interface GemmPanelSource {
    /** Packs X(r0 .. r0+rows-1, p0 .. p0+kc-1) into dst[dOff ..] as described above. */
    void pack(float[] dst, int dOff, int r0, int rows, int p0, int kc, int width);

    /**
     * Optional capability of a B operand: some width-wide micro-panels can be read in place, with
     * no packing: X(r0 + jj, p) = array()[offsets()[p] + base + jj] for jj < width and every p.
     */
    interface InPlace {
        float[] array();

        /** One offset per reduction index p (all k of them). */
        int[] offsets();

        /** The base for the micro-panel of rows [r0, r0 + width), or -1 when it must be packed. */
        int base(int r0, int width);
    }

    /**
     * Optional capability of an A operand whose rows are contiguous runs of one array: row i is
     * array()[rowStart(i) + p] for p < k, wherever {@link #rowInPlace} says so; such MR-row
     * micro-panels are read in place (broadcasts from MR row pointers) instead of packed.
     */
    interface RowsInPlace {
        float[] array();

        /** Start of row r (X(r, p) = array()[start + p]) if X(r, p0 .. p0+kc) all lie in the array as stored, else -1. */
        int rowInPlace(int r, int p0, int kc);
    }

    /** A dense strided matrix: X(r, p) = x[off + r*ld + p] when rowContiguous, else x[off + p*ld + r]. */
    record Dense(float[] x, int off, int ld, boolean rowContiguous) implements GemmPanelSource {
        /** op(A)(i, p) with A read as a[off + i*lda + p], or a[off + p*lda + i] when transA. */
        static Dense ofA(boolean transA, float[] a, int off, int lda) { return new Dense(a, off, lda, !transA); }

        /** op(B)(p, j) with B read as b[off + p*ldb + j], or b[off + j*ldb + p] when transB. */
        static Dense ofB(boolean transB, float[] b, int off, int ldb) { return new Dense(b, off, ldb, transB); }

        @Override
        public void pack(float[] dst, int dOff, int r0, int rows, int p0, int kc, int width) {
            for (int blk = 0; blk < rows; blk += width) {
                int w = Math.min(width, rows - blk), base = dOff + blk * kc;
                if (rowContiguous) {
                    // each row r is contiguous in p: read rows, write with stride width
                    for (int rr = 0; rr < w; rr++) {
                        int src = off + (r0 + blk + rr) * ld + p0;
                        for (int p = 0, d = base + rr; p < kc; p++, d += width) dst[d] = x[src + p];
                    }
                } else {
                    // each p is a contiguous run of r: plain copies
                    for (int p = 0; p < kc; p++)
                        System.arraycopy(x, off + (p0 + p) * ld + r0 + blk, dst, base + p * width, w);
                }
                if (w < width) zeroPad(dst, base, kc, width, w);
            }
        }
    }

    /** Zeroes columns [w, width) of a [kc][width] micro-panel starting at base. */
    static void zeroPad(float[] dst, int base, int kc, int width, int w) {
        for (int p = 0, d = base; p < kc; p++, d += width)
            java.util.Arrays.fill(dst, d + w, d + width, 0f);
    }
}
