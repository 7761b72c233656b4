package dsr3d.tensor.cpu.simd;

/**
 * A simplified view of a strided walk over a shape by two operands (for a broadcasting binary op:
 * a and b; for a copy: in and out). Size-1 dimensions are dropped and adjacent dimensions i, i+1
 * are merged when both operands step over them as one: stride[i] == stride[i+1] * shape[i+1].
 * What remains is an innermost run of {@link #inner} elements with one stride per operand (often
 * 0 or 1, which the kernels vectorise) and outer dimensions walked by a {@link Cursor}.
 *
 * <p>Example: [N,C,H,W] contiguous against a per-channel [1,C,1,1] (strides [0,1,0,0]) becomes
 * outer [N,C] and an inner run of H*W with strides 1 and 0.
 */
final class StridedLayout {
    /** Total number of elements, and the length of the innermost run. */
    final int size, inner;
    private final int innerS0, innerS1;
    /** Outer dimensions, outermost first, with each operand's stride. */
    private final int[] outerShape, outerS0, outerS1;

    private StridedLayout(int size, int inner, int innerS0, int innerS1, int[] outerShape, int[] outerS0, int[] outerS1) {
        this.size = size; this.inner = inner; this.innerS0 = innerS0; this.innerS1 = innerS1;
        this.outerShape = outerShape; this.outerS0 = outerS0; this.outerS1 = outerS1;
    }

    static StridedLayout of(String kernel, int[] shape, int[] s0, int[] s1) {
        int rank = shape.length;
        if (s0.length != rank || s1.length != rank)
            throw new IllegalArgumentException(kernel + ": strides must have rank " + rank + " like the shape, got "
                    + s0.length + " and " + s1.length);
        long total = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException(kernel + ": negative dimension in shape " + java.util.Arrays.toString(shape));
            total *= d;
        }
        if (total > Integer.MAX_VALUE) throw new IllegalArgumentException(kernel + ": shape too large " + java.util.Arrays.toString(shape));
        if (total == 0) return new StridedLayout(0, 1, 0, 0, new int[0], new int[0], new int[0]);
        // Build the merged dimensions innermost first.
        int[] sz = new int[rank], a = new int[rank], b = new int[rank];
        int m = 0;
        for (int d = rank - 1; d >= 0; d--) {
            if (shape[d] == 1) continue;
            if (m > 0 && s0[d] == a[m - 1] * sz[m - 1] && s1[d] == b[m - 1] * sz[m - 1]) {
                sz[m - 1] *= shape[d];   // merged: the previous (inner) strides stay
                continue;
            }
            sz[m] = shape[d]; a[m] = s0[d]; b[m] = s1[d];
            m++;
        }
        if (m == 0) return new StridedLayout(1, 1, 0, 0, new int[0], new int[0], new int[0]);
        int outerRank = m - 1;
        int[] os = new int[outerRank], o0 = new int[outerRank], o1 = new int[outerRank];
        for (int k = 0; k < outerRank; k++) {   // reverse: outermost first
            os[k] = sz[m - 1 - k]; o0[k] = a[m - 1 - k]; o1[k] = b[m - 1 - k];
        }
        return new StridedLayout((int) total, sz[0], a[0], b[0], os, o0, o1);
    }

    /** The inner-run stride of operand 0 or 1. */
    int innerStride(int operand) { return operand == 0 ? innerS0 : innerS1; }

    /** A walker over the outer index, starting at flat outer index {@code start}. */
    Cursor cursor(int start, int base0, int base1) { return new Cursor(start, base0, base1); }

    final class Cursor {
        private final int[] idx = new int[outerShape.length];
        private int off0, off1;

        private Cursor(int start, int base0, int base1) {
            off0 = base0; off1 = base1;
            for (int k = outerShape.length - 1; k >= 0; k--) {
                idx[k] = start % outerShape[k];
                start /= outerShape[k];
                off0 += idx[k] * outerS0[k];
                off1 += idx[k] * outerS1[k];
            }
        }

        int off(int operand) { return operand == 0 ? off0 : off1; }

        /** Odometer step: increment the innermost outer dimension, carry outwards. */
        void next() {
            for (int k = outerShape.length - 1; k >= 0; k--) {
                idx[k]++;
                off0 += outerS0[k];
                off1 += outerS1[k];
                if (idx[k] < outerShape[k]) return;
                off0 -= outerS0[k] * outerShape[k];
                off1 -= outerS1[k] * outerShape[k];
                idx[k] = 0;
            }
        }
    }
}
