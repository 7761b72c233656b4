package dsr3d.tensor.cpu.simd;

import dsr3d.tensor.backend.BinaryOp;
import dsr3d.tensor.backend.ConvGeom;
import dsr3d.tensor.backend.PoolGeom;
import dsr3d.tensor.backend.ReduceOp;
import dsr3d.tensor.backend.UnaryOp;

/**
 * The fast float32 kernels the CPU backend calls for F32 tensors: one entry point per kernel,
 * delegating to the specialised classes of this package. Every one is tested against the
 * reference (*Cpu) kernel of the same name.
 */
public final class FastCpu {
    private FastCpu() {}

    public static void copy(int[] shape, float[] in, int inOff, int[] inStrides, float[] out, int outOff, int[] outStrides) {
        ElementwiseSimd.copy(shape, in, inOff, inStrides, out, outOff, outStrides);
    }

    public static void unary(UnaryOp op, float p, float q, float[] in, float[] out, int n) {
        ElementwiseSimd.unary(op, p, q, in, out, n);
    }

    public static void binary(BinaryOp op, int[] outShape, float[] a, int aOff, int[] aStrides,
                              float[] b, int bOff, int[] bStrides, float[] out) {
        ElementwiseSimd.binary(op, outShape, a, aOff, aStrides, b, bOff, bStrides, out);
    }

    public static void where(float[] cond, float[] a, float[] b, float[] out, int n) {
        ElementwiseSimd.where(cond, a, b, out, n);
    }

    /** SUM, MAX, MIN (not the ARG ops). */
    public static void reduceRows(ReduceOp op, float[] in, int rows, int cols, float[] out) {
        ReduceSimd.reduceRows(op, in, rows, cols, out);
    }

    /** ARGMAX, ARGMIN into I32 indices. */
    public static void argRows(ReduceOp op, float[] in, int rows, int cols, int[] out) {
        ReduceSimd.argRows(op, in, rows, cols, out);
    }

    public static void softmaxRows(boolean log, float[] in, int rows, int cols, float[] out) {
        ReduceSimd.softmaxRows(log, in, rows, cols, out);
    }

    public static void softmaxRowsBackward(boolean log, float[] y, float[] dy, int rows, int cols, float[] dx) {
        ReduceSimd.softmaxRowsBackward(log, y, dy, rows, cols, dx);
    }

    public static void maxPool2d(PoolGeom p, float[] x, float[] y, int[] argmax) { Pool2dSimd.maxForward(p, x, y, argmax); }

    public static void maxPool2dBackward(PoolGeom p, float[] dy, int[] argmax, float[] dx) { Pool2dSimd.maxBackward(p, dy, argmax, dx); }

    public static void avgPool2d(PoolGeom p, float[] x, float[] y) { Pool2dSimd.avgForward(p, x, y); }

    public static void avgPool2dBackward(PoolGeom p, float[] dy, float[] dx) { Pool2dSimd.avgBackward(p, dy, dx); }

    public static void upsampleBilinear(int nc, int h, int w, int hout, int wout, float[] x, float[] y) {
        UpsampleSimd.bilinear(nc, h, w, hout, wout, x, y);
    }

    public static void upsampleBilinearBackward(int nc, int h, int w, int hout, int wout, float[] dy, float[] dx) {
        UpsampleSimd.bilinearBackward(nc, h, w, hout, wout, dy, dx);
    }

    public static void upsampleNearest(int nc, int h, int w, int fh, int fw, float[] x, float[] y) {
        UpsampleSimd.nearest(nc, h, w, fh, fw, x, y);
    }

    public static void upsampleNearestBackward(int nc, int h, int w, int fh, int fw, float[] dy, float[] dx) {
        UpsampleSimd.nearestBackward(nc, h, w, fh, fw, dy, dx);
    }

    public static void instanceNorm(int nc, int hw, double eps, float[] x, float[] y, float[] mean, float[] rstd) {
        NormSimd.instanceNorm(nc, hw, eps, x, y, mean, rstd);
    }

    public static void instanceNormBackward(int nc, int hw, float[] y, float[] rstd, float[] dy, float[] dx) {
        NormSimd.instanceNormBackward(nc, hw, y, rstd, dy, dx);
    }

    /** Batched GEMM; see Backend.matmul. */
    public static void matmul(boolean transA, boolean transB, int batch, int m, int n, int k,
                              float[] a, int aBatchStride, float[] b, int bBatchStride, float[] c) {
        int lda = transA ? m : k, ldb = transB ? k : n;
        for (int bt = 0; bt < batch; bt++)
            Sgemm.sgemm(transA, transB, m, n, k, a, bt * aBatchStride, lda, b, bt * bBatchStride, ldb, c, bt * m * n, n, false);
    }

    public static void vqNearest(float[] z, float[] codebook, int n, int k, int d, int[] out) {
        VqNearestSimd.nearest(z, codebook, n, k, d, out);
    }

    public static void conv2dForward(ConvGeom g, float[] x, float[] w, float[] bias, float[] y) {
        Conv2dSimd.forward(g, x, w, bias, y);
    }

    public static void conv2dBackwardInput(ConvGeom g, float[] dy, float[] w, float[] dx) {
        Conv2dSimd.backwardInput(g, dy, w, dx);
    }

    public static void conv2dBackwardWeight(ConvGeom g, float[] x, float[] dy, float[] dw) {
        Conv2dSimd.backwardWeight(g, x, dy, dw);
    }
}
