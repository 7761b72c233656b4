package dsr3d.tensor.cpu;

import dsr3d.tensor.backend.BinaryOp;
import dsr3d.tensor.backend.UnaryOp;

/** Reference elementwise kernels: literal loops in double precision. The oracle for every
 *  faster version. Strided loops walk a multi-index like an odometer. */
public final class ElementwiseCpu {
    private ElementwiseCpu() {}

    /** out[outOff + i.outStrides] = in[inOff + i.inStrides] for every index i of shape; any dtypes. */
    public static void copy(int[] shape, CpuStorage in, int inOff, int[] inStrides,
                            CpuStorage out, int outOff, int[] outStrides) {
        int rank = shape.length;
        int n = 1;
        for (int d : shape) n *= d;
        int[] idx = new int[rank];
        int ip = inOff, op = outOff;
        for (int e = 0; e < n; e++) {
            out.set(op, in.get(ip));
            // odometer step: increment the last dimension, carry leftwards
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

    /** out[i] = op(in[i]) for i < n. */
    public static void unary(UnaryOp op, double p, double q, double[] in, double[] out, int n) {
        for (int i = 0; i < n; i++) out[i] = op.apply(in[i], p, q);
    }

    /** out (contiguous, outShape) = op(a, b) with a, b read through broadcast strides. */
    public static void binary(BinaryOp op, int[] outShape, double[] a, int aOff, int[] aStrides,
                              double[] b, int bOff, int[] bStrides, double[] out) {
        int rank = outShape.length;
        int n = out.length == 0 ? 0 : 1;
        for (int d : outShape) n *= d;
        int[] idx = new int[rank];
        int ap = aOff, bp = bOff;
        for (int e = 0; e < n; e++) {
            out[e] = op.apply(a[ap], b[bp]);
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

    public static void where(double[] cond, double[] a, double[] b, double[] out, int n) {
        for (int i = 0; i < n; i++) out[i] = cond[i] != 0 ? a[i] : b[i];
    }
}
