package dsr3d.tensor.cpu.simd;

/**
 * The blocked, packed, threaded float GEMM engine (GotoBLAS/BLIS structure):
 * C[m x n] (+)= A[m x k] * B[k x n], with A and B given as {@link GemmPanelSource}s.
 *
 * <pre>
 * split C over threads (columns in NR units, or rows in MR units)        -> one block per thread
 *   for jc in n step NC:  for pc in k step ~KC:  pack B[pc:+kc, jc:+NC] -> bufB (per thread)
 *     for ic in m step MC:  pack A[ic:+MC, pc:+kc]                      -> bufA (per thread)
 *       for ir step MR:  for jr step NR:  micro-kernel MR x NR, A micro-panel stays in L1,
 *                                          B micro-panels stream from L2
 * </pre>
 * A B operand that is an image ({@link GemmPanelSource.InPlace}, the stride-1 convolutions) is not
 * packed where a micro-panel can be read straight from the image; with such a B and a small M the
 * two inner loops swap, so one micro-panel's image window stays in L1 across the row tiles.
 * An A operand whose rows are contiguous runs ({@link GemmPanelSource.RowsInPlace}, the swapped
 * weight gradient) is likewise read in place, MR row pointers broadcast by {@link GemmKernel#kernelAInPlace}.
 * The micro-kernel ({@link GemmKernel}) holds an MR x NR tile of C in vector registers
 * (NR = 2 vectors) and does one broadcast-FMA per row and vector per k step. Edge tiles run the
 * same kernel on zero-padded panels into a small tile buffer and copy the valid part out.
 * Packing buffers are per thread and reused (no allocation on the hot path).
 */
final class GemmDriver {
    private GemmDriver() {}

    static final int MR = GemmKernel.MR, NR = GemmKernel.NR;
    /** k block: A micro-panel MR*KC floats (6 KiB) in L1; B panel KC*NC floats (1 MiB) in L2/L3. */
    static final int KC = dsr3d.tensor.Config.GEMM_KC;
    static final int MC = roundUp(dsr3d.tensor.Config.GEMM_MC, MR);
    static final int NC = roundUp(dsr3d.tensor.Config.GEMM_NC, NR);
    /** Below this many multiply-adds per thread, a thread is not worth starting. */
    static final long MIN_MACS_PER_THREAD = 1L << 21;

    private static final class Buffers {
        final float[] a = new float[MC * KC];
        final float[] b = new float[NC * KC];
        final float[] tile = new float[MR * NR];
        /** Per B micro-panel of the current panel: in-place base, or -1 when packed. */
        final int[] inPlaceBase = new int[NC / NR];
        /** Per A row of the current MC block: in-place start (+ pc), valid where aInPlace of its micro-panel. */
        final int[] aRow = new int[MC];
        final boolean[] aInPlace = new boolean[MC / MR];
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    /** One MR x NR tile of C at co (A micro-panel at pa[ao], B packed at jr*kc, or in place when base >= 0); edge tiles via the tile buffer. */
    private static void tile(int ir, int jr, int mc, int nc, int kc, float[] pa, int ao, float[] pb, int base, float[] bArr, int[] bOffs,
                             int pc, float[] c, int co, int ldc, boolean load, float[] tile) {
        int mr = Math.min(MR, mc - ir), nr = Math.min(NR, nc - jr);
        if (mr == MR && nr == NR) {
            if (base < 0) GemmKernel.kernel(kc, pa, ao, pb, jr * kc, c, co, ldc, load);
            else GemmKernel.kernelInPlace(kc, pa, ao, bArr, bOffs, pc, base, c, co, ldc, load);
            return;
        }
        if (base < 0) GemmKernel.kernel(kc, pa, ao, pb, jr * kc, tile, 0, NR, false);
        else GemmKernel.kernelInPlace(kc, pa, ao, bArr, bOffs, pc, base, tile, 0, NR, false);
        for (int i = 0; i < mr; i++) {
            int ci = co + i * ldc, to = i * NR;
            if (load) for (int j = 0; j < nr; j++) c[ci + j] += tile[to + j];
            else System.arraycopy(tile, to, c, ci, nr);
        }
    }

    /** Packs the B micro-panels of columns [jc, jc+nc) that cannot be read in place. */
    private static void packB(GemmPanelSource b, GemmPanelSource.InPlace direct, float[] pb, int[] inPlaceBase,
                              int jc, int nc, int pc, int kc) {
        if (direct == null) {
            java.util.Arrays.fill(inPlaceBase, -1);
            b.pack(pb, 0, jc, nc, pc, kc, NR);
            return;
        }
        for (int jr = 0; jr < nc; jr += NR) {
            int w = Math.min(NR, nc - jr), base = w == NR ? direct.base(jc + jr, NR) : -1;
            inPlaceBase[jr / NR] = base;
            if (base < 0) b.pack(pb, jr * kc, jc + jr, w, pc, kc, NR);
        }
    }

    static int roundUp(int x, int q) { return (x + q - 1) / q * q; }

    /** C[cOff + i*ldc + j] (+)= sum_p A(i,p) B(p,j), threaded over C. */
    static void gemm(int m, int n, int k, GemmPanelSource a, GemmPanelSource b,
                     float[] c, int cOff, int ldc, boolean accumulate) {
        long macs = (long) m * n * k;
        int maxThreads = (int) Math.max(1, Math.min(Parallel.threads(), macs / MIN_MACS_PER_THREAD));
        int colBlocks = (n + NR - 1) / NR, rowBlocks = (m + MR - 1) / MR;
        // Each thread gets whole micro-tiles and its own packed panels. Split the columns when there
        // are enough of them: a row split would make every thread pack all of B, and B is the
        // expensive operand for the convolutions (packed from the image by im2col).
        boolean colSplit = colBlocks >= 4 * maxThreads || colBlocks >= rowBlocks || rowBlocks < maxThreads;
        // A packed once for the whole call when it would otherwise be packed again per column block
        // (n > NC) or per thread (column split): see packWholeA
        boolean aInPlaceRows = !(b instanceof GemmPanelSource.InPlace) && a instanceof GemmPanelSource.RowsInPlace;
        boolean repacked = dsr3d.tensor.Config.GEMM_PACK_WHOLE_A && (n > NC || (colSplit && maxThreads > 1));
        float[] wholeA = !aInPlaceRows && repacked && (long) roundUp(m, MR) * k <= WHOLE_A_MAX_FLOATS
                ? packWholeA(a, m, k) : null;
        if (colSplit) {
            int minChunk = Math.max(1, colBlocks / maxThreads);
            Parallel.forRange(colBlocks, minChunk, (lo, hi) ->
                    block(0, m, lo * NR, Math.min(n, hi * NR), k, a, wholeA, roundUp(m, MR), b, c, cOff, ldc, accumulate));
        } else {
            int minChunk = Math.max(1, rowBlocks / maxThreads);
            Parallel.forRange(rowBlocks, minChunk, (lo, hi) ->
                    block(lo * MR, Math.min(m, hi * MR), 0, n, k, a, wholeA, roundUp(m, MR), b, c, cOff, ldc, accumulate));
        }
    }

    /** Largest A packed whole (floats, 128 MiB): the 3DSR decoder's 2048 x 9216 weights are 18.9 M. */
    static final long WHOLE_A_MAX_FLOATS = 1L << 25;

    /** The k block of a k-long reduction: equal blocks of at most KC (576 = 3 x 192, not 256 + 256 + 64: short blocks waste C traffic). */
    static int kcStep(int k) {
        int blocks = (k + KC - 1) / KC;
        return (k + blocks - 1) / blocks;
    }

    /**
     * All of A [m, k] packed once, in the layout block() would pack it per MC block: for each k
     * block pc (kcStep wide, kc = the block's width) the MR-row micro-panels [kc][MR] of rows
     * 0, MR, .. at wholeA[pc*mPad + r*kc], mPad = m rounded up to MR. Without it every thread
     * packs all of A again for each of its NC-column blocks: the convolutions' weights (A) were
     * packed 9 times per call on a 96x96 plane and once per thread per block on 2 threads, about
     * 5 % of a 3DSR inference (JFR, 2026-12-04). Per-thread scratch of the calling thread; the
     * pool's workers only read it during this call. The packing itself is split over the threads.
     */
    private static float[] packWholeA(GemmPanelSource a, int m, int k) {
        int mPad = roundUp(m, MR), kcStep = kcStep(k), panels = mPad / MR;
        float[] whole = WHOLE_A.get();
        if (whole.length < (long) mPad * k) WHOLE_A.set(whole = new float[mPad * k]);
        float[] dst = whole;
        Parallel.forRange(panels, 16, (lo, hi) -> {
            for (int pc = 0; pc < k; pc += kcStep) {
                int kc = Math.min(kcStep, k - pc), r0 = lo * MR;
                a.pack(dst, pc * mPad + r0 * kc, r0, Math.min(m, hi * MR) - r0, pc, kc, MR);
            }
        });
        return whole;
    }

    private static final ThreadLocal<float[]> WHOLE_A = ThreadLocal.withInitial(() -> new float[0]);

    /**
     * Single-threaded blocked GEMM on C[i0:i1, j0:j1]; A packed per MC block, or read from wholeA
     * (packWholeA's layout for all mPad rows of A) when that is not null.
     */
    static void block(int i0, int i1, int j0, int j1, int k, GemmPanelSource a, float[] wholeA, int mPad, GemmPanelSource b,
                      float[] c, int cOff, int ldc, boolean accumulate) {
        Buffers buf = BUFFERS.get();
        float[] pb = buf.b, tile = buf.tile;
        int[] inPlaceBase = buf.inPlaceBase;
        GemmPanelSource.InPlace direct = b instanceof GemmPanelSource.InPlace ip ? ip : null;
        float[] bArr = direct == null ? null : direct.array();
        int[] bOffs = direct == null ? null : direct.offsets();
        GemmPanelSource.RowsInPlace rowsA = direct == null && a instanceof GemmPanelSource.RowsInPlace r ? r : null;
        int kcStep = kcStep(k);
        // equal column blocks of at most NC, in NR units (1152 columns: 2 x 576, not 1024 + 128)
        int ncBlocks = (j1 - j0 + NC - 1) / NC, ncStep = roundUp((j1 - j0 + ncBlocks - 1) / ncBlocks, NR);
        for (int jc = j0; jc < j1; jc += ncStep) {
            int nc = Math.min(ncStep, j1 - jc);
            for (int pc = 0; pc < k; pc += kcStep) {
                int kc = Math.min(kcStep, k - pc);
                boolean load = accumulate || pc > 0;
                packB(b, direct, pb, inPlaceBase, jc, nc, pc, kc);
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic);
                    float[] pa = buf.a;
                    if (rowsA != null) {
                        packAOrPoint(a, rowsA, pa, buf.aRow, buf.aInPlace, ic, mc, pc, kc, nc % NR != 0);
                        float[] aArr = rowsA.array();
                        int[] aRow = buf.aRow;
                        for (int ir = 0; ir < mc; ir += MR)
                            for (int jr = 0; jr < nc; jr += NR) {
                                int co = cOff + (ic + ir) * ldc + jc + jr;
                                if (buf.aInPlace[ir / MR] && nc - jr >= NR)
                                    GemmKernel.kernelAInPlace(kc, aArr, aRow, ir, pb, jr * kc, c, co, ldc, load);
                                else tile(ir, jr, mc, nc, kc, pa, ir * kc, pb, -1, null, null, pc, c, co, ldc, load, tile);
                            }
                        continue;
                    }
                    int ao = 0;
                    if (wholeA != null) { pa = wholeA; ao = pc * mPad + ic * kc; }
                    else a.pack(pa, 0, ic, mc, pc, kc, MR);
                    if (direct == null || mc > 64) {
                        for (int ir = 0; ir < mc; ir += MR)
                            for (int jr = 0; jr < nc; jr += NR) tile(ir, jr, mc, nc, kc, pa, ao + ir * kc, pb, inPlaceBase[jr / NR], bArr, bOffs, pc, c, cOff + (ic + ir) * ldc + jc + jr, ldc, load, tile);
                    } else {
                        // small M, in-place B: keep one micro-panel's image window in L1 across the few row tiles
                        for (int jr = 0; jr < nc; jr += NR)
                            for (int ir = 0; ir < mc; ir += MR) tile(ir, jr, mc, nc, kc, pa, ao + ir * kc, pb, inPlaceBase[jr / NR], bArr, bOffs, pc, c, cOff + (ic + ir) * ldc + jc + jr, ldc, load, tile);
                    }
                }
            }
        }
    }

    /** For each MR-row micro-panel of A rows [ic, ic+mc): its row starts (+ pc) if all in place; packed at ir*kc if not, or if edgeColumns. */
    private static void packAOrPoint(GemmPanelSource a, GemmPanelSource.RowsInPlace rows, float[] pa, int[] aRow, boolean[] aInPlace,
                                     int ic, int mc, int pc, int kc, boolean edgeColumns) {
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            boolean ok = mr == MR;
            for (int i = 0; ok && i < MR; i++) {
                int start = rows.rowInPlace(ic + ir + i, pc, kc);
                ok = start >= 0;
                aRow[ir + i] = start + pc;
            }
            aInPlace[ir / MR] = ok;
            // edge column tiles run the packed kernel through the tile buffer, so they need A packed too
            if (!ok || edgeColumns) a.pack(pa, ir * kc, ic + ir, mr, pc, kc, MR);
        }
    }
}
