package dsr3d.cuda.launch;

import dsr3d.cuda.driver.KernelArgs;
import dsr3d.tensor.backend.BinaryOp;
import dsr3d.tensor.backend.UnaryOp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Launchers of elementwise.cu: unary (v1, v2), binary with broadcast strides, where, strided copy
 * with F32/I32 conversion, fill. All pointers are device addresses of float (or int) buffers.
 * Strided kernels take at most 6 dimensions: {@link #coalesce} first drops size-1 dimensions and
 * merges dimensions that are contiguous for every operand, which brings any view the tensor layer
 * makes down to that.
 */
public final class ElementwiseLaunch {
    public static final int F32 = 0, I32 = 1;   // element type codes of copy_strided (common.cuh DT_*)
    public static final int MAX_RANK = 6;

    private ElementwiseLaunch() {}

    static int unaryCode(UnaryOp op) {
        return switch (op) {
            case NEG -> 0; case EXP -> 1; case LOG -> 2; case SQRT -> 3; case ABS -> 4; case RELU -> 5;
            case SIGMOID -> 6; case SIGN -> 7; case POW -> 8; case CLAMP -> 9; case AFFINE -> 10;
        };
    }

    static int binaryCode(BinaryOp op) {
        return switch (op) {
            case ADD -> 0; case SUB -> 1; case MUL -> 2; case DIV -> 3; case MAX -> 4; case MIN -> 5; case POW -> 6;
            case GT -> 7; case GE -> 8; case LT -> 9; case LE -> 10; case EQ -> 11; case NE -> 12;
        };
    }

    /** out[i] = op(in[i]; p, q), i < n. v2 needs both pointers 16-byte aligned (it checks). */
    public static void unary(int version, UnaryOp op, float p, float q, long in, long out, int n) {
        if (Launch.positive("n", n) == 0) return;
        KernelArgs args = KernelArgs.of().i32(unaryCode(op)).f32(p).f32(q).ptr(in).ptr(out).i32(n);
        switch (version) {
            case 1 -> Launch.run1d("unary_forward_v1", n, args);
            case 2 -> {
                if ((in & 15) != 0 || (out & 15) != 0)
                    throw new IllegalArgumentException("unary_forward_v2 needs 16-byte aligned buffers, got in=0x"
                            + Long.toHexString(in) + " out=0x" + Long.toHexString(out));
                Launch.run1d("unary_forward_v2", Math.max(1, n / 4), args);
            }
            default -> throw Launch.badVersion("unary_forward", version, 1, 2);
        }
    }

    /** A strided problem reduced to at most 6 dimensions: shape and one stride row per operand. */
    public record Strided(int[] shape, int[][] strides) {
        public int size() {
            int n = 1;
            for (int d : shape) n *= d;
            return n;
        }
    }

    /**
     * Drops size-1 dimensions and merges dimension k into k+1 when, for every operand,
     * stride[k] == stride[k+1] * shape[k+1]; pads to exactly 6 dimensions with leading 1s.
     * The element order (row-major over shape) is unchanged. Throws when more than 6 remain.
     */
    public static Strided coalesce(int[] shape, int[]... strides) {
        List<Integer> dims = new ArrayList<>();
        for (int k = 0; k < shape.length; k++) if (shape[k] != 1) dims.add(k);
        int ops = strides.length;
        List<int[]> outShape = new ArrayList<>();   // each: {size, stride op0, stride op1, ...}
        for (int k : dims) {
            int[] cur = new int[1 + ops];
            cur[0] = shape[k];
            for (int o = 0; o < ops; o++) cur[1 + o] = strides[o][k];
            if (!outShape.isEmpty()) {
                int[] prev = outShape.get(outShape.size() - 1);
                boolean merge = true;
                for (int o = 0; o < ops; o++) merge &= (long) prev[1 + o] == (long) cur[1 + o] * cur[0];
                if (merge) {
                    prev[0] *= cur[0];
                    for (int o = 0; o < ops; o++) prev[1 + o] = cur[1 + o];
                    continue;
                }
            }
            outShape.add(cur);
        }
        if (outShape.size() > MAX_RANK)
            throw new UnsupportedOperationException("cuda strided kernel: shape " + Arrays.toString(shape)
                    + " needs " + outShape.size() + " dimensions after coalescing; the kernels take at most " + MAX_RANK);
        int[] s = new int[MAX_RANK];
        int[][] st = new int[ops][MAX_RANK];
        Arrays.fill(s, 1);
        int pad = MAX_RANK - outShape.size();
        for (int k = 0; k < outShape.size(); k++) {
            s[pad + k] = outShape.get(k)[0];
            for (int o = 0; o < ops; o++) st[o][pad + k] = outShape.get(k)[1 + o];
        }
        return new Strided(s, st);
    }

    private static KernelArgs shape6(KernelArgs a, int[] v) {
        for (int x : v) a.i32(x);
        return a;
    }

    /** out (contiguous, outShape) = op(a, b) with a, b read through (broadcast) strides. */
    public static void binary(int version, BinaryOp op, int[] outShape, long a, int aOff, int[] aStrides,
                              long b, int bOff, int[] bStrides, long out) {
        int[] contiguous = new int[outShape.length];
        for (int k = outShape.length - 1, s = 1; k >= 0; s *= outShape[k], k--) contiguous[k] = s;
        Strided st = coalesce(outShape, aStrides, bStrides, contiguous);
        int n = st.size();
        if (n == 0) return;
        KernelArgs args = KernelArgs.of().i32(binaryCode(op)).i32(n);
        shape6(args, st.shape());
        shape6(args.ptr(a).i32(aOff), st.strides()[0]);
        shape6(args.ptr(b).i32(bOff), st.strides()[1]);
        args.ptr(out);
        if (version != 1) throw Launch.badVersion("binary_forward", version, 1);
        Launch.run1d("binary_forward_v1", n, args);
    }

    public static void where(int version, long cond, long a, long b, long out, int n) {
        if (Launch.positive("n", n) == 0) return;
        if (version != 1) throw Launch.badVersion("where_forward", version, 1);
        Launch.run1d("where_forward_v1", n, KernelArgs.of().ptr(cond).ptr(a).ptr(b).ptr(out).i32(n));
    }

    /** Strided copy with conversion between F32 and I32 (type codes {@link #F32}, {@link #I32}). */
    public static void copy(int version, int[] shape, long in, int inType, int inOff, int[] inStrides,
                            long out, int outType, int outOff, int[] outStrides) {
        Strided st = coalesce(shape, inStrides, outStrides);
        int n = st.size();
        if (n == 0) return;
        if (version != 1) throw Launch.badVersion("copy_strided_forward", version, 1);
        KernelArgs args = KernelArgs.of().i32(n);
        shape6(args, st.shape());
        shape6(args.ptr(in).i32(inType).i32(inOff), st.strides()[0]);
        shape6(args.ptr(out).i32(outType).i32(outOff), st.strides()[1]);
        Launch.run1d("copy_strided_forward_v1", n, args);
    }

    /** out[0, n) = the 32-bit pattern bits (Float.floatToRawIntBits(v) or an int). */
    public static void fill(int version, long out, int bits, int n) {
        if (Launch.positive("n", n) == 0) return;
        if (version != 1) throw Launch.badVersion("fill_forward", version, 1);
        Launch.run1d("fill_forward_v1", n, KernelArgs.of().ptr(out).i32(bits).i32(n));
    }
}
