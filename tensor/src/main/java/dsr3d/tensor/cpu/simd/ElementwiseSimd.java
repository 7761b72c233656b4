package dsr3d.tensor.cpu.simd;

import dsr3d.tensor.backend.BinaryOp;
import dsr3d.tensor.backend.ReduceOp;
import dsr3d.tensor.backend.UnaryOp;

/** Float32 elementwise kernels. PLACEHOLDER: scalar loops, to be vectorised and threaded. */
public final class ElementwiseSimd {
    private ElementwiseSimd() {}

    public static void copy(int[] shape, float[] in, int inOff, int[] inStrides, float[] out, int outOff, int[] outStrides) {
        int rank = shape.length;
        int n = 1;
        for (int d : shape) n *= d;
        if (n == 0) return;
        int[] idx = new int[rank];
        int ip = inOff, op = outOff;
        for (int e = 0; e < n; e++) {
            out[op] = in[ip];
            for (int k = rank - 1; k >= 0; k--) {
                idx[k]++;
                ip += inStrides[k];
                op += outStrides[k];
                if (idx[k] < shape[k]) break;
                ip -= inStrides[k] * shape[k];
                op -= outStrides[k] * shape[k];
                idx[k] = 0;
            }
        }
    }

    public static void unary(UnaryOp op, float p, float q, float[] in, float[] out, int n) {
        for (int i = 0; i < n; i++) out[i] = (float) op.apply(in[i], p, q);
    }

    public static void binary(BinaryOp op, int[] outShape, float[] a, int aOff, int[] aStrides,
                              float[] b, int bOff, int[] bStrides, float[] out) {
        int rank = outShape.length;
        int n = 1;
        for (int d : outShape) n *= d;
        if (n == 0) return;
        int[] idx = new int[rank];
        int ap = aOff, bp = bOff;
        for (int e = 0; e < n; e++) {
            out[e] = (float) op.apply(a[ap], b[bp]);
            for (int k = rank - 1; k >= 0; k--) {
                idx[k]++;
                ap += aStrides[k];
                bp += bStrides[k];
                if (idx[k] < outShape[k]) break;
                ap -= aStrides[k] * outShape[k];
                bp -= bStrides[k] * outShape[k];
                idx[k] = 0;
            }
        }
    }

    /** SUM accumulates in double so long rows do not drift; MAX/MIN propagate NaN. */
    public static void reduceRows(ReduceOp op, float[] in, int rows, int cols, float[] out) {
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            if (op == ReduceOp.SUM) {
                double s = 0;
                for (int c = 0; c < cols; c++) s += in[base + c];
                out[r] = (float) s;
            } else {
                boolean max = op == ReduceOp.MAX;
                float bv = in[base];
                for (int c = 1; c < cols && !Float.isNaN(bv); c++) {
                    float v = in[base + c];
                    if (Float.isNaN(v) || (max ? v > bv : v < bv)) bv = v;
                }
                out[r] = bv;
            }
        }
    }
}
