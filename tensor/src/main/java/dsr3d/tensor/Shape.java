package dsr3d.tensor;

import java.util.Arrays;

/** Static helpers for shapes and strides (row-major, NumPy broadcasting). Shapes are int[]. */
public final class Shape {
    private Shape() {}

    public static int numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + str(shape));
            n *= d;
        }
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("tensor of shape " + str(shape) + " has more than 2^31-1 elements");
        return (int) n;
    }

    /** Row-major strides of a contiguous tensor. */
    public static int[] contiguousStrides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) { s[i] = acc; acc *= shape[i]; }
        return s;
    }

    /** NumPy broadcasting: align right, each pair must be equal or one of them 1. */
    public static int[] broadcast(int[] a, int[] b) {
        int r = Math.max(a.length, b.length);
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i < r - a.length ? 1 : a[i - (r - a.length)];
            int db = i < r - b.length ? 1 : b[i - (r - b.length)];
            if (da != db && da != 1 && db != 1)
                throw new IllegalArgumentException("shapes " + str(a) + " and " + str(b) + " cannot be broadcast (dimension " + i + ": " + da + " vs " + db + ")");
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Strides that read a tensor of shape {@code shape}/{@code strides} as if it had shape
     *  {@code target} (broadcast dimensions get stride 0). */
    public static int[] broadcastStrides(int[] shape, int[] strides, int[] target) {
        int[] out = new int[target.length];
        int off = target.length - shape.length;
        if (off < 0) throw new IllegalArgumentException("cannot broadcast " + str(shape) + " to " + str(target));
        for (int i = 0; i < target.length; i++) {
            if (i < off) { out[i] = 0; continue; }
            int d = shape[i - off];
            if (d == target[i]) out[i] = strides[i - off];
            else if (d == 1) out[i] = 0;
            else throw new IllegalArgumentException("cannot broadcast " + str(shape) + " to " + str(target));
        }
        return out;
    }

    /** Normalises a possibly negative dimension index. */
    public static int dim(int d, int rank) {
        int n = d < 0 ? d + rank : d;
        if (n < 0 || n >= rank) throw new IllegalArgumentException("dimension " + d + " out of range for rank " + rank);
        return n;
    }

    public static String str(int[] shape) { return Arrays.toString(shape); }
}
