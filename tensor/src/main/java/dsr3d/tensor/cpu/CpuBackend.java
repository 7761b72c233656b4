package dsr3d.tensor.cpu;

import dsr3d.tensor.DType;
import dsr3d.tensor.Storage;
import dsr3d.tensor.backend.Backend;
import dsr3d.tensor.backend.BinaryOp;
import dsr3d.tensor.backend.ConvGeom;
import dsr3d.tensor.backend.OpProfile;
import dsr3d.tensor.backend.PoolGeom;
import dsr3d.tensor.backend.ReduceOp;
import dsr3d.tensor.backend.UnaryOp;
import dsr3d.tensor.cpu.simd.FastCpu;

/**
 * The CPU backend. F64 tensors always run the reference kernels (the *Cpu classes: literal loops
 * in double). F32 tensors run the fast kernels of {@link FastCpu} where one exists; every other
 * F32 op converts to double, runs the reference and converts back. {@code -Ddsr3d.simd=false}
 * ({@link dsr3d.tensor.Config#SIMD}) sends every F32 op through the reference kernels too: the
 * fast kernels are then not used by the backend at all, which is how they are tested and debugged.
 */
public final class CpuBackend implements Backend {
    public static final CpuBackend INSTANCE = new CpuBackend();

    /** Whether F32 ops use the fast kernels (SIMD, blocked, threaded). */
    public static final boolean FAST = dsr3d.tensor.Config.SIMD;

    private CpuBackend() {}

    @Override public String name() { return "cpu"; }

    // ---- conversions between storages and the reference kernels' double[] -------------------
    private static CpuStorage c(Storage s) { return CpuStorage.cast(s); }

    /** The storage as double[]: the array itself for F64, a converted copy otherwise. */
    private static double[] d(Storage s) {
        CpuStorage cs = c(s);
        return cs.d != null ? cs.d : cs.toDoubles(0, cs.length());
    }

    /** Writes a reference result back into out (a no-op when out is the F64 array itself). */
    private static void store(double[] src, Storage out) {
        CpuStorage o = c(out);
        if (o.d == src) return;
        for (int i = 0; i < src.length; i++) o.set(i, src[i]);
    }

    private static double[] scratch(Storage out) {
        CpuStorage o = c(out);
        return o.d != null ? o.d : new double[o.length()];
    }

    private static int[] ints(Storage s) {
        CpuStorage cs = c(s);
        if (cs.i == null) throw new IllegalArgumentException("expected an I32 index storage, got " + cs.dtype);
        return cs.i;
    }

    private static boolean fast(Storage... ss) {
        if (!FAST) return false;
        for (Storage s : ss) if (s != null && c(s).f == null) return false;
        return true;
    }

    // ---- memory ------------------------------------------------------------------------------
    @Override public Storage allocate(DType dtype, int n) { return CpuStorage.allocate(dtype, n); }
    @Override public Storage upload(float[] data) { return CpuStorage.of(data.clone()); }
    @Override public Storage upload(double[] data) { return CpuStorage.of(data.clone()); }
    @Override public Storage upload(int[] data) { return CpuStorage.of(data.clone()); }
    @Override public double[] download(Storage s, int off, int n) { return c(s).toDoubles(off, n); }

    @Override public void fill(Storage out, double value) {
        CpuStorage o = c(out);
        if (o.f != null) java.util.Arrays.fill(o.f, (float) value);
        else if (o.d != null) java.util.Arrays.fill(o.d, value);
        else java.util.Arrays.fill(o.i, (int) value);
    }

    @Override public void copy(int[] shape, Storage in, int inOff, int[] inStrides, Storage out, int outOff, int[] outStrides) {
        if (fast(in, out)) FastCpu.copy(shape, c(in).f, inOff, inStrides, c(out).f, outOff, outStrides);
        else ElementwiseCpu.copy(shape, c(in), inOff, inStrides, c(out), outOff, outStrides);
    }

    // ---- elementwise ---------------------------------------------------------------------------
    @Override public void unary(UnaryOp op, double p, double q, Storage in, Storage out, int n) {
        if (fast(in, out)) { FastCpu.unary(op, (float) p, (float) q, c(in).f, c(out).f, n); return; }
        double[] y = scratch(out);
        ElementwiseCpu.unary(op, p, q, d(in), y, n);
        store(y, out);
    }

    @Override public void binary(BinaryOp op, int[] outShape, Storage a, int aOff, int[] aStrides,
                                 Storage b, int bOff, int[] bStrides, Storage out) {
        if (fast(a, b, out)) { FastCpu.binary(op, outShape, c(a).f, aOff, aStrides, c(b).f, bOff, bStrides, c(out).f); return; }
        double[] y = scratch(out);
        ElementwiseCpu.binary(op, outShape, d(a), aOff, aStrides, d(b), bOff, bStrides, y);
        store(y, out);
    }

    @Override public void where(Storage cond, Storage a, Storage b, Storage out, int n) {
        if (fast(cond, a, b, out)) { FastCpu.where(c(cond).f, c(a).f, c(b).f, c(out).f, n); return; }
        double[] y = scratch(out);
        ElementwiseCpu.where(d(cond), d(a), d(b), y, n);
        store(y, out);
    }

    // ---- reductions --------------------------------------------------------------------------------
    @Override public void reduceRows(ReduceOp op, Storage in, int rows, int cols, Storage out) {
        if (fast(in) && !op.isArg() && c(out).f != null) { FastCpu.reduceRows(op, c(in).f, rows, cols, c(out).f); return; }
        if (fast(in) && op.isArg() && c(out).i != null && cols > 0) { FastCpu.argRows(op, c(in).f, rows, cols, c(out).i); return; }
        double[] y = new double[rows];
        ReduceCpu.reduceRows(op, d(in), rows, cols, y);
        store(y, out);
    }

    @Override public void softmaxRows(boolean log, Storage in, int rows, int cols, Storage out) {
        if (fast(in, out)) { FastCpu.softmaxRows(log, c(in).f, rows, cols, c(out).f); return; }
        double[] y = scratch(out);
        ReduceCpu.softmaxRows(log, d(in), rows, cols, y);
        store(y, out);
    }

    @Override public void softmaxRowsBackward(boolean log, Storage y, Storage dy, int rows, int cols, Storage dx) {
        if (fast(y, dy, dx)) { FastCpu.softmaxRowsBackward(log, c(y).f, c(dy).f, rows, cols, c(dx).f); return; }
        double[] r = scratch(dx);
        ReduceCpu.softmaxRowsBackward(log, d(y), d(dy), rows, cols, r);
        store(r, dx);
    }

    // ---- linear algebra --------------------------------------------------------------------------
    @Override public void matmul(boolean transA, boolean transB, int batch, int m, int n, int k,
                                 Storage a, int aBatchStride, Storage b, int bBatchStride, Storage cOut) {
        if (!OpProfile.enabled()) { matmulRun(transA, transB, batch, m, n, k, a, aBatchStride, b, bBatchStride, cOut); return; }
        long t = System.nanoTime();
        matmulRun(transA, transB, batch, m, n, k, a, aBatchStride, b, bBatchStride, cOut);
        OpProfile.add("matmul", "b" + batch + " " + m + "x" + n + "x" + k + (transA ? " tA" : "") + (transB ? " tB" : ""),
                System.nanoTime() - t, 2L * batch * m * n * k);
    }

    private void matmulRun(boolean transA, boolean transB, int batch, int m, int n, int k,
                           Storage a, int aBatchStride, Storage b, int bBatchStride, Storage cOut) {
        if (fast(a, b, cOut)) {
            FastCpu.matmul(transA, transB, batch, m, n, k, c(a).f, aBatchStride, c(b).f, bBatchStride, c(cOut).f);
            return;
        }
        double[] y = scratch(cOut);
        MatMulCpu.matmul(transA, transB, batch, m, n, k, d(a), aBatchStride, d(b), bBatchStride, y);
        store(y, cOut);
    }

    @Override public void vqNearest(Storage z, Storage codebook, int n, int k, int d, Storage out) {
        if (fast(z, codebook)) { FastCpu.vqNearest(c(z).f, c(codebook).f, n, k, d, ints(out)); return; }
        MatMulCpu.vqNearest(d(z), d(codebook), n, k, d, ints(out));
    }

    // ---- convolution ------------------------------------------------------------------------------
    @Override public void conv2dForward(ConvGeom g, Storage x, Storage w, Storage bias, Storage y) {
        if (OpProfile.enabled()) { long t = System.nanoTime(); conv2dForwardRun(g, x, w, bias, y); profileConv("conv2d.fwd", g, t); return; }
        conv2dForwardRun(g, x, w, bias, y);
    }

    private void conv2dForwardRun(ConvGeom g, Storage x, Storage w, Storage bias, Storage y) {
        if (fast(x, w, bias, y)) { FastCpu.conv2dForward(g, c(x).f, c(w).f, bias == null ? null : c(bias).f, c(y).f); return; }
        double[] r = scratch(y);
        Conv2dCpu.forward(g, d(x), d(w), bias == null ? null : d(bias), r);
        store(r, y);
    }

    @Override public void conv2dBackwardInput(ConvGeom g, Storage dy, Storage w, Storage dx) {
        if (OpProfile.enabled()) { long t = System.nanoTime(); conv2dBackwardInputRun(g, dy, w, dx); profileConv("conv2d.bwd_input", g, t); return; }
        conv2dBackwardInputRun(g, dy, w, dx);
    }

    private void conv2dBackwardInputRun(ConvGeom g, Storage dy, Storage w, Storage dx) {
        if (fast(dy, w, dx)) { FastCpu.conv2dBackwardInput(g, c(dy).f, c(w).f, c(dx).f); return; }
        double[] r = scratch(dx);
        Conv2dCpu.backwardInput(g, d(dy), d(w), r);
        store(r, dx);
    }

    @Override public void conv2dBackwardWeight(ConvGeom g, Storage x, Storage dy, Storage dw) {
        if (OpProfile.enabled()) { long t = System.nanoTime(); conv2dBackwardWeightRun(g, x, dy, dw); profileConv("conv2d.bwd_weight", g, t); return; }
        conv2dBackwardWeightRun(g, x, dy, dw);
    }

    private void conv2dBackwardWeightRun(ConvGeom g, Storage x, Storage dy, Storage dw) {
        if (fast(x, dy, dw)) { FastCpu.conv2dBackwardWeight(g, c(x).f, c(dy).f, c(dw).f); return; }
        double[] r = scratch(dw);
        Conv2dCpu.backwardWeight(g, d(x), d(dy), r);
        store(r, dw);
    }

    private static void profileConv(String op, ConvGeom g, long start) {
        OpProfile.add(op, OpProfile.shape(g), System.nanoTime() - start, 2 * g.macs());
    }

    // ---- pooling and resampling -----------------------------------------------------------------
    @Override public void maxPool2d(PoolGeom p, Storage x, Storage y, Storage argmax) {
        if (fast(x, y)) { FastCpu.maxPool2d(p, c(x).f, c(y).f, ints(argmax)); return; }
        double[] r = scratch(y);
        Pool2dCpu.maxForward(p, d(x), r, ints(argmax));
        store(r, y);
    }

    @Override public void maxPool2dBackward(PoolGeom p, Storage dy, Storage argmax, Storage dx) {
        if (fast(dy, dx)) { FastCpu.maxPool2dBackward(p, c(dy).f, ints(argmax), c(dx).f); return; }
        double[] r = scratch(dx);
        Pool2dCpu.maxBackward(p, d(dy), ints(argmax), r);
        store(r, dx);
    }

    @Override public void avgPool2d(PoolGeom p, Storage x, Storage y) {
        if (fast(x, y)) { FastCpu.avgPool2d(p, c(x).f, c(y).f); return; }
        double[] r = scratch(y);
        Pool2dCpu.avgForward(p, d(x), r);
        store(r, y);
    }

    @Override public void avgPool2dBackward(PoolGeom p, Storage dy, Storage dx) {
        if (fast(dy, dx)) { FastCpu.avgPool2dBackward(p, c(dy).f, c(dx).f); return; }
        double[] r = scratch(dx);
        Pool2dCpu.avgBackward(p, d(dy), r);
        store(r, dx);
    }

    @Override public void upsampleBilinear(int nc, int h, int w, int hout, int wout, Storage x, Storage y) {
        if (fast(x, y)) { FastCpu.upsampleBilinear(nc, h, w, hout, wout, c(x).f, c(y).f); return; }
        double[] r = scratch(y);
        UpsampleCpu.bilinear(nc, h, w, hout, wout, d(x), r);
        store(r, y);
    }

    @Override public void upsampleBilinearBackward(int nc, int h, int w, int hout, int wout, Storage dy, Storage dx) {
        if (fast(dy, dx)) { FastCpu.upsampleBilinearBackward(nc, h, w, hout, wout, c(dy).f, c(dx).f); return; }
        double[] r = scratch(dx);
        UpsampleCpu.bilinearBackward(nc, h, w, hout, wout, d(dy), r);
        store(r, dx);
    }

    @Override public void upsampleNearest(int nc, int h, int w, int fh, int fw, Storage x, Storage y) {
        if (fast(x, y)) { FastCpu.upsampleNearest(nc, h, w, fh, fw, c(x).f, c(y).f); return; }
        double[] r = scratch(y);
        UpsampleCpu.nearest(nc, h, w, fh, fw, d(x), r);
        store(r, y);
    }

    @Override public void upsampleNearestBackward(int nc, int h, int w, int fh, int fw, Storage dy, Storage dx) {
        if (fast(dy, dx)) { FastCpu.upsampleNearestBackward(nc, h, w, fh, fw, c(dy).f, c(dx).f); return; }
        double[] r = scratch(dx);
        UpsampleCpu.nearestBackward(nc, h, w, fh, fw, d(dy), r);
        store(r, dx);
    }

    // ---- normalisation --------------------------------------------------------------------------------
    @Override public void instanceNorm(int nc, int hw, double eps, Storage x, Storage y, Storage mean, Storage rstd) {
        if (fast(x, y, mean, rstd)) { FastCpu.instanceNorm(nc, hw, eps, c(x).f, c(y).f, c(mean).f, c(rstd).f); return; }
        double[] r = scratch(y), m = scratch(mean), s = scratch(rstd);
        NormCpu.instanceNorm(nc, hw, eps, d(x), r, m, s);
        store(r, y);
        store(m, mean);
        store(s, rstd);
    }

    @Override public void instanceNormBackward(int nc, int hw, Storage y, Storage rstd, Storage dy, Storage dx) {
        if (fast(y, rstd, dy, dx)) { FastCpu.instanceNormBackward(nc, hw, c(y).f, c(rstd).f, c(dy).f, c(dx).f); return; }
        double[] r = scratch(dx);
        NormCpu.instanceNormBackward(nc, hw, d(y), d(rstd), d(dy), r);
        store(r, dx);
    }

    // ---- indexing ---------------------------------------------------------------------------------------
    @Override public void gather(int outer, int dimIn, int dimOut, int inner, Storage in, Storage idx, Storage out) {
        double[] r = scratch(out);
        IndexCpu.gather(outer, dimIn, dimOut, inner, d(in), ints(idx), r);
        store(r, out);
    }

    @Override public void scatterAdd(int outer, int dimIn, int dimOut, int inner, Storage dOut, Storage idx, Storage dIn) {
        double[] r = d(dIn);
        IndexCpu.scatterAdd(outer, dimIn, dimOut, inner, d(dOut), ints(idx), r);
        store(r, dIn);
    }

    @Override public void indexSelectRows(Storage table, int rows, int dd, Storage idx, int n, Storage out) {
        CpuStorage t = c(table), o = c(out);
        if (t.f != null && o.f != null) {   // a row copy is already as fast as it gets
            int[] ix = ints(idx);
            for (int j = 0; j < n; j++) System.arraycopy(t.f, IndexCpu.check(ix[j], rows, "index_select") * dd, o.f, j * dd, dd);
            return;
        }
        double[] r = scratch(out);
        IndexCpu.indexSelectRows(d(table), rows, dd, ints(idx), n, r);
        store(r, out);
    }

    @Override public void indexAddRows(Storage dOut, Storage idx, int n, int dd, Storage dTable) {
        double[] r = d(dTable);
        IndexCpu.indexAddRows(d(dOut), ints(idx), n, dd, r);
        store(r, dTable);
    }
}
