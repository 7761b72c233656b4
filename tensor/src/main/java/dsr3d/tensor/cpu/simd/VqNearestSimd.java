package dsr3d.tensor.cpu.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fused VQ nearest-codeword search in float32: for every row z_i of z [n, d] the index of the
 * codeword e_j of codebook [k, d] with the smallest squared distance.
 *
 * <p>Idea: ||z_i - e_j||^2 = ||z_i||^2 - 2 z_i.e_j + ||e_j||^2, and ||z_i||^2 is the same for every
 * j, so argmin_j of (||e_j||^2 - 2 z_i.e_j) is the answer. The dot products are a GEMM
 * z * E^T; we compute it one tile at a time (rows x codewords) into a small scratch buffer and
 * fold each tile into a running per-row (best value, best index) straight away, so the n x k
 * distance matrix never exists. Row tiles run in parallel; the Sgemm call inside a pool worker
 * runs inline on that worker.
 *
 * <p>Ties go to the lowest index: codeword tiles are visited in increasing j, each of the L
 * vector lanes keeps its own running minimum with a strict {@code <} (so within a lane the
 * earliest j wins), and the final merge of the lanes picks the smallest value and, among equal
 * values, the smallest index. NaN distances never win (as in the reference; with all distances
 * NaN the answer is 0).
 *
 * <p>Precision: the expansion in float loses digits when ||z|| and ||e|| are large compared with
 * the distance, so on near-ties this may pick a different index from the exact reference
 * (MatMulCpu.vqNearest); its exact distance is then within rounding of the exact minimum.
 */
public final class VqNearestSimd {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final int L = F.length();

    /** Default tile: 288 rows of z by 512 codewords = a 576 KiB dot-product tile (fits L2). Tuned at
     *  9216 x 2048 x 256 with the packed Sgemm (MR = 6, MC = 144): 288 x 512 beat 128-144 rows by
     *  ~10% (the packed codeword panel is reused by more rows) and 1024-2048 codewords by ~3%. */
    static final int ROW_TILE = 288, CODE_TILE = 512;

    /** Per-worker scratch: the dot-product tile and the per-lane running minima. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        float[] dots = new float[0];
        float[] bestVal = new float[0];
        int[] bestIdx = new int[0];

        void ensure(int rows, int cols) {
            if (dots.length < rows * cols) dots = new float[rows * cols];
            if (bestVal.length < rows * L) { bestVal = new float[rows * L]; bestIdx = new int[rows * L]; }
        }
    }

    private VqNearestSimd() {}

    /** out[i] = argmin_j ||z[i] - codebook[j]||^2 (lowest j on ties); z [n, d], codebook [k, d]. */
    public static void nearest(float[] z, float[] codebook, int n, int k, int d, int[] out) {
        nearest(z, codebook, n, k, d, out, ROW_TILE, CODE_TILE);
    }

    /** As {@link #nearest(float[], float[], int, int, int, int[])} with explicit tile sizes
     *  (tests use tiny tiles to exercise the tile seams; benchmarks tune them). */
    public static void nearest(float[] z, float[] codebook, int n, int k, int d, int[] out, int rowTile, int codeTile) {
        check(z, codebook, n, k, d, out, rowTile, codeTile);
        if (n == 0) return;
        float[] norms = codewordNorms(codebook, k, d);
        // Enough row tiles to keep every thread busy, but no smaller than 16 rows.
        int t = Parallel.threads();
        int rt = Math.max(1, Math.min(rowTile, Math.max(16, (n + t - 1) / t)));
        int ct = Math.min(codeTile, k);
        int tiles = (n + rt - 1) / rt;
        Parallel.forRange(tiles, 1, (from, to) -> {
            Scratch s = SCRATCH.get();
            s.ensure(rt, ct);
            for (int tile = from; tile < to; tile++) {
                int i0 = tile * rt, rows = Math.min(rt, n - i0);
                rowTile(z, codebook, norms, i0, rows, k, d, ct, s, out);
            }
        });
    }

    /** The calling thread's ||e||^2 buffer, reused across calls (grown when k grows). */
    private static final ThreadLocal<float[]> NORMS = ThreadLocal.withInitial(() -> new float[0]);

    /** ||e_j||^2 for every codeword (once per call; float blocks folded in double), in the calling
     *  thread's reused buffer (only its first k entries are meaningful). */
    static float[] codewordNorms(float[] codebook, int k, int d) {
        float[] norms = NORMS.get();
        if (norms.length < k) NORMS.set(norms = new float[k]);
        for (int j = 0; j < k; j++) norms[j] = (float) ReduceSimd.dot(codebook, j * d, codebook, j * d, d);
        return norms;
    }

    /** Rows [i0, i0+rows) against all k codewords, codeTile codewords at a time. */
    private static void rowTile(float[] z, float[] codebook, float[] norms, int i0, int rows, int k, int d,
                                int codeTile, Scratch s, int[] out) {
        float[] bestVal = s.bestVal, dots = s.dots;
        int[] bestIdx = s.bestIdx;
        java.util.Arrays.fill(bestVal, 0, rows * L, Float.POSITIVE_INFINITY);
        java.util.Arrays.fill(bestIdx, 0, rows * L, Integer.MAX_VALUE);
        for (int j0 = 0; j0 < k; j0 += codeTile) {
            int cols = Math.min(codeTile, k - j0);
            // dots[r, c] = z[i0 + r] . codebook[j0 + c]   (rows x cols, leading dimension cols)
            Sgemm.sgemm(false, true, rows, cols, d, z, i0 * d, d, codebook, j0 * d, d, dots, 0, cols, false);
            for (int r = 0; r < rows; r++) scanRow(dots, r * cols, cols, norms, j0, bestVal, bestIdx, r * L);
        }
        for (int r = 0; r < rows; r++) out[i0 + r] = mergeLanes(bestVal, bestIdx, r * L);
    }

    /**
     * Folds dist_c = norms[j0 + c] - 2 dots[off + c], c < cols, into the L running lane minima at
     * state[st .. st+L). Lane l sees the columns c = l (mod L) in increasing order (the tail
     * columns go to lanes 0.. as well), so a strict {@code <} keeps the earliest index per lane.
     */
    private static void scanRow(float[] dots, int off, int cols, float[] norms, int j0,
                                float[] bestVal, int[] bestIdx, int st) {
        FloatVector vBest = FloatVector.fromArray(F, bestVal, st);
        IntVector vIdx = IntVector.fromArray(I, bestIdx, st);
        IntVector lane = IntVector.zero(I).addIndex(1);
        FloatVector minusTwo = FloatVector.broadcast(F, -2f);
        int c = 0;
        for (int bound = F.loopBound(cols); c < bound; c += L) {
            FloatVector dist = FloatVector.fromArray(F, dots, off + c).fma(minusTwo, FloatVector.fromArray(F, norms, j0 + c));
            VectorMask<Float> better = dist.compare(VectorOperators.LT, vBest);
            vBest = vBest.blend(dist, better);
            vIdx = vIdx.blend(lane.add(j0 + c), better.cast(I));
        }
        if (c < cols) {
            VectorMask<Float> m = F.indexInRange(c, cols);
            FloatVector dist = FloatVector.fromArray(F, dots, off + c, m).fma(minusTwo, FloatVector.fromArray(F, norms, j0 + c, m));
            VectorMask<Float> better = dist.compare(VectorOperators.LT, vBest).and(m);
            vBest = vBest.blend(dist, better);
            vIdx = vIdx.blend(lane.add(j0 + c), better.cast(I));
        }
        vBest.intoArray(bestVal, st);
        vIdx.intoArray(bestIdx, st);
    }

    /** The smallest lane value, lowest index among equal values; 0 when no lane saw a number. */
    private static int mergeLanes(float[] bestVal, int[] bestIdx, int st) {
        float bv = Float.POSITIVE_INFINITY;
        int bi = Integer.MAX_VALUE;
        for (int l = 0; l < L; l++) {
            float v = bestVal[st + l];
            int i = bestIdx[st + l];
            if (v < bv || (v == bv && i < bi)) { bv = v; bi = i; }
        }
        return bi == Integer.MAX_VALUE ? 0 : bi;
    }

    private static void check(float[] z, float[] codebook, int n, int k, int d, int[] out, int rowTile, int codeTile) {
        if (n < 0 || k < 0 || d < 0) throw new IllegalArgumentException("vqNearest: n, k, d must be >= 0, got n=" + n + " k=" + k + " d=" + d);
        if (n > 0 && k == 0) throw new IllegalArgumentException("vqNearest: codebook must have at least one codeword (k >= 1), got k=0");
        if ((long) n * d > z.length) throw new IllegalArgumentException("vqNearest: z must hold n*d = " + (long) n * d + " floats, has " + z.length);
        if ((long) k * d > codebook.length) throw new IllegalArgumentException("vqNearest: codebook must hold k*d = " + (long) k * d + " floats, has " + codebook.length);
        if (out.length < n) throw new IllegalArgumentException("vqNearest: out must hold n = " + n + " indices, has " + out.length);
        if (rowTile < 1 || codeTile < 1) throw new IllegalArgumentException("vqNearest: tile sizes must be >= 1, got " + rowTile + " x " + codeTile);
    }
}
