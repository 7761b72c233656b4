package dsr3d.tests.parity;

import dsr3d.tensor.backend.BinaryOp;
import dsr3d.tensor.backend.UnaryOp;
import dsr3d.tensor.cpu.CpuStorage;
import dsr3d.tensor.cpu.ElementwiseCpu;
import dsr3d.tensor.cpu.simd.ElementwiseSimd;
import dsr3d.tensor.cpu.simd.Parallel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Random;

import static dsr3d.tests.parity.FastParity.*;
import static org.junit.jupiter.api.Assertions.*;

/** ElementwiseSimd (float32, vectorised, threaded) against ElementwiseCpu (double reference). */
class FastElementwiseParityTest {
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() { Parallel.setThreads(savedThreads); }

    /** Sizes around the vector width, and one past the parallel threshold (2^15) to use 2 threads. */
    private static final int[] SIZES = {1, 7, 17, 33, 100, 70_001};

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void unaryMatchesReference(UnaryOp op) {
        Parallel.setThreads(2);
        Random rnd = new Random(op.ordinal());
        for (int n : SIZES) {
            boolean positive = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.POW;
            float[] x = positive ? uniform(rnd, n, 0.01f, 4f) : uniform(rnd, n, -4f, 4f);
            if (n > 10 && !positive) { x[3] = 0f; x[5] = -0f; }   // sign/relu edge cases
            float p = op == UnaryOp.CLAMP ? -0.5f : op == UnaryOp.POW ? 1.7f : 0.75f, q = op == UnaryOp.CLAMP ? 1.25f : -0.3f;
            double[] ref = new double[n];
            ElementwiseCpu.unary(op, p, q, d(x), ref, n);
            float[] fast = new float[n];
            ElementwiseSimd.unary(op, p, q, x, fast, n);
            if (n > 1) assertNonTrivial(ref, op + " n=" + n);
            assertClose(ref, fast, 1e-6, op + " n=" + n);
            if (op == UnaryOp.EXP || op == UnaryOp.LOG || op == UnaryOp.SIGMOID) {
                // Vector API float exp/log: within ~1 ulp of the exact value, per element
                for (int i = 0; i < n; i++)
                    assertEquals(ref[i], fast[i], 2.5e-7 * Math.abs(ref[i]) + 1e-30, op + " n=" + n + " [" + i + "]");
            } else if (op != UnaryOp.AFFINE) assertExact(ref, fast, op + " n=" + n);   // same rounding as the reference
        }
    }

    @Test
    void unaryNaNBehaviourMatches() {
        float[] x = {Float.NaN, 1f, -1f, Float.NaN, 0f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f, Float.NaN, -3f};
        for (UnaryOp op : new UnaryOp[]{UnaryOp.RELU, UnaryOp.CLAMP, UnaryOp.ABS, UnaryOp.NEG, UnaryOp.SIGN}) {
            double[] ref = new double[x.length];
            ElementwiseCpu.unary(op, -0.5, 0.5, d(x), ref, x.length);
            float[] fast = new float[x.length];
            ElementwiseSimd.unary(op, -0.5f, 0.5f, x, fast, x.length);
            assertClose(ref, fast, 0, op + " with NaN");
        }
    }

    /** Layouts: same shape, scalar operand, inner-dim broadcast, per-channel [1,C,1,1], outer broadcast,
     *  a transposed (non-contiguous) operand, both sides broadcast. */
    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void binaryMatchesReferenceOnEveryLayout(BinaryOp op) {
        Parallel.setThreads(2);
        Random rnd = new Random(100 + op.ordinal());
        int[][] shapes = {{1}, {7}, {2, 3, 17, 33}, {2, 5, 7, 9}, {3, 33}, {4, 3, 100, 110}};
        for (int[] shape : shapes) {
            int rank = shape.length;
            int[] contig = contiguousStrides(shape);
            int n = 1;
            for (int s : shape) n *= s;
            int[][] bLayouts = {contig, new int[rank], lastOnly(shape), channelOnly(shape), transposedStrides(shape)};
            for (int[] bStrides : bLayouts) {
                for (boolean swap : new boolean[]{false, true}) {
                    int bLen = extent(shape, bStrides);
                    float[] a = values(rnd, op, n), b = values(rnd, op, bLen);
                    if (op.isComparison()) for (int i = 0; i < Math.min(n, bLen); i += 3) a[i] = b[i];   // equal pairs
                    int[] sa = swap ? bStrides : contig, sb = swap ? contig : bStrides;
                    float[] A = swap ? b : a, B = swap ? a : b;
                    double[] ref = new double[n];
                    ElementwiseCpu.binary(op, shape, d(A), 0, sa, d(B), 0, sb, ref);
                    float[] fast = new float[n];
                    ElementwiseSimd.binary(op, shape, A, 0, sa, B, 0, sb, fast);
                    String what = op + " shape=" + java.util.Arrays.toString(shape) + " a=" + java.util.Arrays.toString(sa) + " b=" + java.util.Arrays.toString(sb);
                    if (n > 8) assertNonTrivial(ref, what);
                    assertExact(ref, fast, what);
                }
            }
        }
    }

    @Test
    void comparisonsWithNaNMatchReference() {
        Random rnd = new Random(12);
        int n = 40;
        float[] a = gaussian(rnd, n), b = gaussian(rnd, n + 1);   // b is read from offset 1
        for (int i = 0; i < n; i += 3) a[i] = Float.NaN;
        for (int i = 0; i < n; i += 5) b[i] = Float.NaN;
        for (int i = 1; i < n; i += 7) a[i] = b[i + 1];
        for (BinaryOp op : BinaryOp.values()) {
            for (int[] sb : new int[][]{{1}, {0}}) {
                double[] ref = new double[n];
                ElementwiseCpu.binary(op, new int[]{n}, d(a), 0, new int[]{1}, d(b), 1, sb, ref);
                float[] fast = new float[n];
                ElementwiseSimd.binary(op, new int[]{n}, a, 0, new int[]{1}, b, 1, sb, fast);
                assertExact(ref, fast, op + " with NaN, b strides " + java.util.Arrays.toString(sb));
            }
        }
    }

    @Test
    void binaryWithOffsetsAndBothBroadcast() {
        Random rnd = new Random(9);
        int[] shape = {17, 33};
        float[] a = gaussian(rnd, 40), b = gaussian(rnd, 40);
        int[] sa = {1, 0}, sb = {0, 1};   // outer product layout
        double[] ref = new double[17 * 33];
        ElementwiseCpu.binary(BinaryOp.SUB, shape, d(a), 3, sa, d(b), 5, sb, ref);
        float[] fast = new float[17 * 33];
        ElementwiseSimd.binary(BinaryOp.SUB, shape, a, 3, sa, b, 5, sb, fast);
        assertNonTrivial(ref, "outer");
        assertExact(ref, fast, "outer SUB");
    }

    @Test
    void whereMatchesReference() {
        Parallel.setThreads(2);
        Random rnd = new Random(4);
        for (int n : SIZES) {
            float[] cond = new float[n], a = gaussian(rnd, n), b = gaussian(rnd, n);
            for (int i = 0; i < n; i++) cond[i] = rnd.nextInt(3) == 0 ? 0f : (i % 7 == 0 ? Float.NaN : 1f);
            double[] ref = new double[n];
            ElementwiseCpu.where(d(cond), d(a), d(b), ref, n);
            float[] fast = new float[n];
            ElementwiseSimd.where(cond, a, b, fast, n);
            assertExact(ref, fast, "where n=" + n);
        }
    }

    @Test
    void stridedCopyMatchesReference() {
        Parallel.setThreads(2);
        Random rnd = new Random(6);
        int[][] shapes = {{1}, {7}, {3, 17}, {2, 3, 5, 7}, {4, 33, 1, 17}, {8, 64, 70}};
        for (int[] shape : shapes) {
            int[] contig = contiguousStrides(shape);
            for (int[] inStrides : new int[][]{contig, transposedStrides(shape), new int[shape.length], lastOnly(shape)}) {
                float[] in = gaussian(rnd, extent(shape, inStrides) + 2);
                int n = 1;
                for (int s : shape) n *= s;
                // Write into the middle of a larger array with contiguous strides, and also transposed.
                for (int[] outStrides : new int[][]{contig, transposedStrides(shape)}) {
                    CpuStorage refOut = CpuStorage.of(new double[n + 5]);
                    ElementwiseCpu.copy(shape, CpuStorage.of(d(in)), 2, inStrides, refOut, 3, outStrides);
                    float[] fast = new float[n + 5];
                    ElementwiseSimd.copy(shape, in, 2, inStrides, fast, 3, outStrides);
                    assertExact(refOut.d, fast, "copy " + java.util.Arrays.toString(shape));
                }
            }
        }
    }

    @Test
    void badStridesAreRejectedWithTheArgumentNamed() {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () ->
                ElementwiseSimd.binary(BinaryOp.ADD, new int[]{2, 3}, new float[6], 0, new int[]{3}, new float[6], 0, new int[]{3, 1}, new float[6]));
        assertTrue(ex.getMessage().contains("strides"), ex.getMessage());
    }

    private static float[] values(Random rnd, BinaryOp op, int n) {
        if (op == BinaryOp.POW || op == BinaryOp.DIV) return uniform(rnd, n, 0.1f, 3f);
        return gaussian(rnd, n);
    }

    static int[] contiguousStrides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int k = shape.length - 1; k >= 0; k--) { s[k] = acc; acc *= shape[k]; }
        return s;
    }

    /** Column-major: the first dimension moves fastest. */
    static int[] transposedStrides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int k = 0; k < shape.length; k++) { s[k] = acc; acc *= shape[k]; }
        return s;
    }

    /** Broadcast of a [1,..,1,last] operand. */
    static int[] lastOnly(int[] shape) {
        int[] s = new int[shape.length];
        s[shape.length - 1] = 1;
        return s;
    }

    /** Broadcast of a per-channel [1,C,1,1] operand (dimension 1 when rank >= 2). */
    static int[] channelOnly(int[] shape) {
        int[] s = new int[shape.length];
        s[shape.length >= 2 ? 1 : 0] = 1;
        return s;
    }

    /** Number of elements an operand with these strides spans. */
    static int extent(int[] shape, int[] strides) {
        int max = 0;
        for (int k = 0; k < shape.length; k++) max += (shape[k] - 1) * strides[k];
        return max + 1;
    }
}
