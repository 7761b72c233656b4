package dsr3d.cuda;

import dsr3d.cuda.driver.Cublas;
import dsr3d.cuda.driver.CudaDriver;
import dsr3d.cuda.driver.Cudnn;
import dsr3d.cuda.driver.HostTransfer;
import dsr3d.cuda.launch.Conv2dLaunch;
import dsr3d.cuda.launch.ElementwiseLaunch;
import dsr3d.cuda.launch.IndexLaunch;
import dsr3d.cuda.launch.InstanceNormLaunch;
import dsr3d.cuda.launch.MatMulLaunch;
import dsr3d.cuda.launch.Pool2dLaunch;
import dsr3d.cuda.launch.ReduceLaunch;
import dsr3d.cuda.launch.SoftmaxLaunch;
import dsr3d.cuda.launch.UpsampleLaunch;
import dsr3d.cuda.launch.VqEmaLaunch;
import dsr3d.cuda.launch.VqNearestLaunch;
import dsr3d.tensor.DType;
import dsr3d.tensor.Storage;
import dsr3d.tensor.backend.Backend;
import dsr3d.tensor.backend.BinaryOp;
import dsr3d.tensor.backend.ConvGeom;
import dsr3d.tensor.backend.PoolGeom;
import dsr3d.tensor.backend.ReduceOp;
import dsr3d.tensor.backend.UnaryOp;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The CUDA backend ({@code -Ddsr3d.backend=cuda}): F32 and I32 storages in device memory from
 * the caching {@link CudaAllocator}; every SPI method runs one of our kernels through its
 * launcher, or cuBLAS / cuDNN where chosen. Everything is queued on the driver's one stream, so
 * kernels run in call order; downloads wait for it.
 *
 * <p>Switches (system properties, read once when the backend is created):
 * <ul>
 *   <li>{@code -Ddsr3d.cuda.matmul=ours|cublas|cublas-tf32} (default ours);</li>
 *   <li>{@code -Ddsr3d.cuda.conv=ours|cudnn|cudnn-tf32} (default ours);</li>
 *   <li>{@code -Ddsr3d.cuda.version.<ladder>=vN}, e.g. {@code -Ddsr3d.cuda.version.matmul_forward=v4}
 *       (TF32 tensor cores), {@code ...conv2d_forward=v1}; defaults: {@link #DEFAULT_VERSIONS}.</li>
 * </ul>
 * F64 has no device kernels: it exists for finite-difference gradient checks on the CPU, and the
 * CUDA backend refuses it by name. An op without a CUDA kernel throws UnsupportedOperationException
 * naming it; nothing silently runs on the CPU.
 */
public final class CudaBackend implements Backend {
    /** The production version of each ladder (the fastest fp32 one). */
    public static final java.util.Map<String, Integer> DEFAULT_VERSIONS = java.util.Map.ofEntries(
            java.util.Map.entry("unary_forward", 2), java.util.Map.entry("binary_forward", 1),
            java.util.Map.entry("where_forward", 1), java.util.Map.entry("copy_strided_forward", 1),
            java.util.Map.entry("fill_forward", 1), java.util.Map.entry("reduce_rows_forward", 2),
            java.util.Map.entry("softmax_forward", 2), java.util.Map.entry("softmax_backward", 2),
            java.util.Map.entry("instance_norm_forward", 2), java.util.Map.entry("instance_norm_backward", 2),
            java.util.Map.entry("max_pool2d_forward", 1), java.util.Map.entry("max_pool2d_backward", 1),
            java.util.Map.entry("avg_pool2d_forward", 1), java.util.Map.entry("avg_pool2d_backward", 1),
            java.util.Map.entry("upsample_bilinear_forward", 1), java.util.Map.entry("upsample_bilinear_backward", 1),
            java.util.Map.entry("upsample_nearest_forward", 1), java.util.Map.entry("upsample_nearest_backward", 1),
            java.util.Map.entry("matmul_forward", 3), java.util.Map.entry("conv2d_forward", 2),
            java.util.Map.entry("conv2d_backward_input", 2), java.util.Map.entry("conv2d_backward_weight", 2),
            java.util.Map.entry("vq_nearest_forward", 2), java.util.Map.entry("vq_ema_forward", 1),
            java.util.Map.entry("gather_forward", 1), java.util.Map.entry("scatter_add_forward", 1),
            java.util.Map.entry("index_select_rows_forward", 1), java.util.Map.entry("index_add_rows_forward", 1));

    public enum MatMulImpl { OURS, CUBLAS, CUBLAS_TF32 }

    public enum ConvImpl { OURS, CUDNN, CUDNN_TF32 }

    private final MatMulImpl matmulImpl = parse("dsr3d.cuda.matmul", dsr3d.tensor.Config.CUDA_MATMUL, MatMulImpl.class);
    private final ConvImpl convImpl = parse("dsr3d.cuda.conv", dsr3d.tensor.Config.CUDA_CONV, ConvImpl.class);
    private static volatile CudaAllocator ALLOCATOR;
    private volatile CudaStorage errFlag;

    /** ServiceLoader constructor; touches no GPU (that happens on first use). */
    public CudaBackend() {}

    private static <E extends Enum<E>> E parse(String prop, String v, Class<E> type) {
        try {
            return Enum.valueOf(type, v.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("-D" + prop + "=" + v + ": expected one of "
                    + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        }
    }

    /** The version used for a ladder: -Ddsr3d.cuda.version.&lt;ladder&gt;=vN, else the default. */
    public static int version(String ladder) {
        Integer def = DEFAULT_VERSIONS.get(ladder);
        if (def == null) throw new IllegalArgumentException("no CUDA kernel ladder named '" + ladder + "'");
        String v = dsr3d.tensor.Config.cudaVersion(ladder);
        if (v.isEmpty()) return def;
        String t = v.trim().toLowerCase(java.util.Locale.ROOT);
        int n;
        try {
            n = Integer.parseInt(t.startsWith("v") ? t.substring(1) : t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-Ddsr3d.cuda.version." + ladder + "=" + v + ": expected vN, one of " + KernelCatalog.versions(ladder));
        }
        if (!KernelCatalog.versions(ladder).contains(n))
            throw new IllegalArgumentException("-Ddsr3d.cuda.version." + ladder + "=" + v + ": no such version; versions: " + KernelCatalog.versions(ladder));
        return n;
    }

    public MatMulImpl matmulImpl() { return matmulImpl; }

    public ConvImpl convImpl() { return convImpl; }

    @Override public String name() { return "cuda"; }

    @Override public boolean available() { return Kernels.fatbinPresent() && CudaDriver.available(); }

    @Override public String unavailableReason() {
        if (!Kernels.fatbinPresent())
            return "the kernel fatbin " + Kernels.RESOURCE + " is not on the classpath (cuda-kernels was built without nvcc)";
        return CudaDriver.available() ? "" : CudaDriver.unavailableReason();
    }

    /** The allocator, one per process, shared by every CudaBackend instance (created on first use,
     *  which initialises the driver; it registers itself with the driver as the OOM reliever). */
    public CudaAllocator allocator() {
        CudaAllocator a = ALLOCATOR;
        if (a == null) {
            synchronized (CudaBackend.class) {
                if (ALLOCATOR == null) ALLOCATOR = new CudaAllocator(CudaDriver.get());
                a = ALLOCATOR;
            }
        }
        return a;
    }

    private CudaDriver driver() { return CudaDriver.get(); }

    // ---- storages -------------------------------------------------------------------------
    private CudaStorage cs(Storage s, String what) {
        if (s instanceof CudaStorage c && c.backend() == this) return c;
        throw new IllegalArgumentException(what + ": expected a storage of this CUDA backend, got "
                + (s == null ? "null" : s.getClass().getSimpleName() + " of backend " + s.backend().name()));
    }

    private long f32(Storage s, String what) {
        CudaStorage c = cs(s, what);
        if (c.dtype() != DType.F32) throw new UnsupportedOperationException("cuda " + what + ": only F32 has kernels here, got " + c.dtype());
        return c.devicePointer();
    }

    private long i32(Storage s, String what) {
        CudaStorage c = cs(s, what);
        if (c.dtype() != DType.I32) throw new IllegalArgumentException("cuda " + what + ": expected an I32 index storage, got " + c.dtype());
        return c.devicePointer();
    }

    private static void noF64(DType dtype, String op) {
        if (dtype == DType.F64)
            throw new UnsupportedOperationException("cuda " + op + ": F64 storages are not supported on the CUDA backend "
                    + "(F64 is for CPU gradient checks; use F32)");
    }

    @Override public Storage allocate(DType dtype, int n) {
        noF64(dtype, "allocate");
        return allocator().allocateZeroed(this, dtype, n);
    }

    @Override public Storage upload(float[] data) {
        CudaStorage s = allocator().allocate(this, DType.F32, data.length);
        if (data.length > 0) HostTransfer.get().upload(data, s.devicePointer());
        return s;
    }

    @Override public Storage upload(double[] data) {
        throw new UnsupportedOperationException("cuda upload(double[]): F64 storages are not supported on the CUDA backend; upload float[]");
    }

    @Override public Storage upload(int[] data) {
        CudaStorage s = allocator().allocate(this, DType.I32, data.length);
        if (data.length > 0) HostTransfer.get().upload(data, s.devicePointer());
        return s;
    }

    @Override public double[] download(Storage s, int off, int n) {
        CudaStorage c = cs(s, "download");
        if (off < 0 || n < 0 || (long) off + n > c.length())
            throw new IndexOutOfBoundsException("download [" + off + ", " + ((long) off + n) + ") of a storage of " + c.length());
        double[] out = new double[n];
        if (n == 0) return out;
        if (c.dtype() == DType.F32) {
            float[] f = new float[n];
            HostTransfer.get().download(c.address(off), f);
            for (int i = 0; i < n; i++) out[i] = f[i];
        } else {
            int[] v = new int[n];
            HostTransfer.get().download(c.address(off), v);
            for (int i = 0; i < n; i++) out[i] = v[i];
        }
        return out;
    }

    /** The F32 contents as floats (what tests and benchmarks compare, without a double copy). */
    public float[] downloadFloats(Storage s) {
        long p = f32(s, "downloadFloats");
        float[] f = new float[s.length()];
        if (f.length > 0) HostTransfer.get().download(p, f);
        return f;
    }

    public int[] downloadInts(Storage s) {
        long p = i32(s, "downloadInts");
        int[] v = new int[s.length()];
        if (v.length > 0) HostTransfer.get().download(p, v);
        return v;
    }

    /** Returns a storage's device block to the allocator cache now (instead of at GC). */
    public void release(Storage s) { allocator().release(cs(s, "release")); }

    @Override public void fill(Storage out, double value) {
        CudaStorage c = cs(out, "fill");
        int bits = c.dtype() == DType.F32 ? Float.floatToRawIntBits((float) value) : (int) value;
        ElementwiseLaunch.fill(version("fill_forward"), c.devicePointer(), bits, c.length());
    }

    private static int typeCode(CudaStorage s, String what) {
        return switch (s.dtype()) {
            case F32 -> ElementwiseLaunch.F32;
            case I32 -> ElementwiseLaunch.I32;
            case F64 -> throw new UnsupportedOperationException("cuda " + what + ": F64 is not supported on the CUDA backend");
        };
    }

    @Override public void copy(int[] shape, Storage in, int inOff, int[] inStrides, Storage out, int outOff, int[] outStrides) {
        CudaStorage i = cs(in, "copy in"), o = cs(out, "copy out");
        ElementwiseLaunch.copy(version("copy_strided_forward"), shape, i.devicePointer(), typeCode(i, "copy"), inOff, inStrides,
                o.devicePointer(), typeCode(o, "copy"), outOff, outStrides);
    }

    // ---- elementwise ---------------------------------------------------------------------
    @Override public void unary(UnaryOp op, double p, double q, Storage in, Storage out, int n) {
        long i = f32(in, "unary " + op), o = f32(out, "unary " + op);
        int v = version("unary_forward");
        if (v == 2 && ((i | o) & 15) != 0) v = 1;   // v2 needs 16-byte alignment (allocator blocks always have it)
        ElementwiseLaunch.unary(v, op, (float) p, (float) q, i, o, n);
    }

    @Override public void binary(BinaryOp op, int[] outShape, Storage a, int aOff, int[] aStrides,
                                 Storage b, int bOff, int[] bStrides, Storage out) {
        ElementwiseLaunch.binary(version("binary_forward"), op, outShape, f32(a, "binary " + op), aOff, aStrides,
                f32(b, "binary " + op), bOff, bStrides, f32(out, "binary " + op));
    }

    @Override public void where(Storage cond, Storage a, Storage b, Storage out, int n) {
        ElementwiseLaunch.where(version("where_forward"), f32(cond, "where cond"), f32(a, "where a"), f32(b, "where b"), f32(out, "where out"), n);
    }

    // ---- reductions ------------------------------------------------------------------------
    @Override public void reduceRows(ReduceOp op, Storage in, int rows, int cols, Storage out) {
        long i = f32(in, "reduceRows " + op);
        CudaStorage o = cs(out, "reduceRows " + op + " out");
        int v = version("reduce_rows_forward");
        if (op.isArg() && o.dtype() == DType.F32) {   // the kernel writes ints: go through an I32 temporary
            CudaStorage tmp = allocator().allocate(this, DType.I32, rows);
            ReduceLaunch.reduceRows(v, op, i, rows, cols, tmp.devicePointer());
            ElementwiseLaunch.copy(version("copy_strided_forward"), new int[]{rows}, tmp.devicePointer(), ElementwiseLaunch.I32, 0,
                    new int[]{1}, o.devicePointer(), ElementwiseLaunch.F32, 0, new int[]{1});
            allocator().release(tmp);   // stream order: later users of the block run after the copy
            return;
        }
        if (op.isArg() ? o.dtype() != DType.I32 : o.dtype() != DType.F32)
            throw new IllegalArgumentException("cuda reduceRows " + op + ": out must be " + (op.isArg() ? "I32 or F32" : "F32") + ", got " + o.dtype());
        ReduceLaunch.reduceRows(v, op, i, rows, cols, o.devicePointer());
    }

    @Override public void softmaxRows(boolean log, Storage in, int rows, int cols, Storage out) {
        SoftmaxLaunch.forward(version("softmax_forward"), log, f32(in, "softmax"), rows, cols, f32(out, "softmax"));
    }

    @Override public void softmaxRowsBackward(boolean log, Storage y, Storage dy, int rows, int cols, Storage dx) {
        SoftmaxLaunch.backward(version("softmax_backward"), log, f32(y, "softmax backward"), f32(dy, "softmax backward"), rows, cols,
                f32(dx, "softmax backward"));
    }

    // ---- linear algebra ----------------------------------------------------------------------
    @Override public void matmul(boolean transA, boolean transB, int batch, int m, int n, int k,
                                 Storage a, int aBatchStride, Storage b, int bBatchStride, Storage c) {
        long pa = f32(a, "matmul A"), pb = f32(b, "matmul B"), pc = f32(c, "matmul C");
        if (matmulImpl == MatMulImpl.OURS || batch == 0 || m == 0 || n == 0 || k == 0) {
            MatMulLaunch.forward(version("matmul_forward"), transA, transB, batch, m, n, k, pa, aBatchStride, pb, bBatchStride, pc);
            return;
        }
        boolean tf32 = matmulImpl == MatMulImpl.CUBLAS_TF32;
        if (batch == 1) Cublas.get().sgemmRowMajor(transA, transB, m, n, k, pa, pb, pc, false, tf32);
        else Cublas.get().sgemmStridedBatchedRowMajor(transA, transB, batch, m, n, k, pa, aBatchStride, pb, bBatchStride,
                pc, (long) m * n, tf32);
    }

    @Override public void vqNearest(Storage z, Storage codebook, int n, int k, int d, Storage out) {
        int v = version("vq_nearest_forward");
        int scratchLen = VqNearestLaunch.scratchFloats(v, k);
        CudaStorage scratch = scratchLen > 0 ? allocator().allocate(this, DType.F32, scratchLen) : null;
        VqNearestLaunch.nearest(v, f32(z, "vqNearest z"), f32(codebook, "vqNearest codebook"), n, k, d, i32(out, "vqNearest out"),
                scratch == null ? 0 : scratch.devicePointer());
        if (scratch != null) allocator().release(scratch);
    }

    /**
     * The EMA codebook update of VectorQuantizerEMA (not in the Backend SPI yet), in place:
     * clusterSize [k], emaW [k, d], embedding [k, d]; z [n, d], idx I32 [n] from vqNearest.
     */
    public void vqEmaUpdate(Storage z, Storage idx, int n, int d, int k, double decay, double eps,
                            Storage clusterSize, Storage emaW, Storage embedding) {
        CudaStorage counts = allocator().allocate(this, DType.F32, k);
        CudaStorage sums = allocator().allocate(this, DType.F32, Math.multiplyExact(k, d));
        VqEmaLaunch.update(version("vq_ema_forward"), f32(z, "vqEma z"), i32(idx, "vqEma idx"), n, d, k, (float) decay, (float) eps,
                f32(clusterSize, "vqEma clusterSize"), f32(emaW, "vqEma emaW"), f32(embedding, "vqEma embedding"),
                counts.devicePointer(), sums.devicePointer());
        allocator().release(counts);
        allocator().release(sums);
    }

    // ---- convolution ---------------------------------------------------------------------------
    @Override public void conv2dForward(ConvGeom g, Storage x, Storage w, Storage bias, Storage y) {
        long px = f32(x, "conv2d x"), pw = f32(w, "conv2d weight"), pb = bias == null ? 0 : f32(bias, "conv2d bias"), py = f32(y, "conv2d y");
        if (convImpl == ConvImpl.OURS) {
            Conv2dLaunch.forward(version("conv2d_forward"), g, px, pw, pb, py);
            return;
        }
        Cudnn.get().convForward(g, px, pw, py, convImpl == ConvImpl.CUDNN_TF32);
        if (pb != 0) {   // y [n, cout, ho*wo] += bias [cout], broadcast over n and the plane (in place is safe: same index)
            int plane = g.hout() * g.wout();
            ElementwiseLaunch.binary(version("binary_forward"), BinaryOp.ADD, new int[]{g.n(), g.cout(), plane},
                    py, 0, new int[]{g.cout() * plane, plane, 1}, pb, 0, new int[]{0, 1, 0}, py);
        }
    }

    @Override public void conv2dBackwardInput(ConvGeom g, Storage dy, Storage w, Storage dx) {
        long pdy = f32(dy, "conv2d dy"), pw = f32(w, "conv2d weight"), pdx = f32(dx, "conv2d dx");
        if (convImpl == ConvImpl.OURS) Conv2dLaunch.backwardInput(version("conv2d_backward_input"), g, pdy, pw, pdx);
        else Cudnn.get().convBackwardData(g, pdy, pw, pdx, convImpl == ConvImpl.CUDNN_TF32);
    }

    @Override public void conv2dBackwardWeight(ConvGeom g, Storage x, Storage dy, Storage dw) {
        long px = f32(x, "conv2d x"), pdy = f32(dy, "conv2d dy"), pdw = f32(dw, "conv2d dweight");
        if (convImpl == ConvImpl.OURS) Conv2dLaunch.backwardWeight(version("conv2d_backward_weight"), g, px, pdy, pdw);
        else Cudnn.get().convBackwardFilter(g, px, pdy, pdw, convImpl == ConvImpl.CUDNN_TF32);
    }

    // ---- pooling and resampling ---------------------------------------------------------------
    @Override public void maxPool2d(PoolGeom p, Storage x, Storage y, Storage argmax) {
        Pool2dLaunch.maxForward(version("max_pool2d_forward"), p, f32(x, "maxPool2d x"), f32(y, "maxPool2d y"), i32(argmax, "maxPool2d argmax"));
    }

    @Override public void maxPool2dBackward(PoolGeom p, Storage dy, Storage argmax, Storage dx) {
        Pool2dLaunch.maxBackward(version("max_pool2d_backward"), p, f32(dy, "maxPool2d dy"), i32(argmax, "maxPool2d argmax"), f32(dx, "maxPool2d dx"));
    }

    @Override public void avgPool2d(PoolGeom p, Storage x, Storage y) {
        Pool2dLaunch.avgForward(version("avg_pool2d_forward"), p, f32(x, "avgPool2d x"), f32(y, "avgPool2d y"));
    }

    @Override public void avgPool2dBackward(PoolGeom p, Storage dy, Storage dx) {
        Pool2dLaunch.avgBackward(version("avg_pool2d_backward"), p, f32(dy, "avgPool2d dy"), f32(dx, "avgPool2d dx"));
    }

    @Override public void upsampleBilinear(int nc, int h, int w, int hout, int wout, Storage x, Storage y) {
        UpsampleLaunch.bilinear(version("upsample_bilinear_forward"), nc, h, w, hout, wout, f32(x, "upsampleBilinear x"), f32(y, "upsampleBilinear y"));
    }

    @Override public void upsampleBilinearBackward(int nc, int h, int w, int hout, int wout, Storage dy, Storage dx) {
        UpsampleLaunch.bilinearBackward(version("upsample_bilinear_backward"), nc, h, w, hout, wout, f32(dy, "upsampleBilinear dy"),
                f32(dx, "upsampleBilinear dx"));
    }

    @Override public void upsampleNearest(int nc, int h, int w, int fh, int fw, Storage x, Storage y) {
        UpsampleLaunch.nearest(version("upsample_nearest_forward"), nc, h, w, fh, fw, f32(x, "upsampleNearest x"), f32(y, "upsampleNearest y"));
    }

    @Override public void upsampleNearestBackward(int nc, int h, int w, int fh, int fw, Storage dy, Storage dx) {
        UpsampleLaunch.nearestBackward(version("upsample_nearest_backward"), nc, h, w, fh, fw, f32(dy, "upsampleNearest dy"),
                f32(dx, "upsampleNearest dx"));
    }

    // ---- normalisation -------------------------------------------------------------------------
    @Override public void instanceNorm(int nc, int hw, double eps, Storage x, Storage y, Storage mean, Storage rstd) {
        InstanceNormLaunch.forward(version("instance_norm_forward"), nc, hw, (float) eps, f32(x, "instanceNorm x"), f32(y, "instanceNorm y"),
                f32(mean, "instanceNorm mean"), f32(rstd, "instanceNorm rstd"));
    }

    @Override public void instanceNormBackward(int nc, int hw, Storage y, Storage rstd, Storage dy, Storage dx) {
        InstanceNormLaunch.backward(version("instance_norm_backward"), nc, hw, f32(y, "instanceNorm y"), f32(rstd, "instanceNorm rstd"),
                f32(dy, "instanceNorm dy"), f32(dx, "instanceNorm dx"));
    }

    // ---- indexing --------------------------------------------------------------------------------
    /** A device int the index kernels set to 1 on a bad index; zeroed before each index launch. */
    private long errFlag() {
        CudaStorage e = errFlag;
        if (e == null) {
            synchronized (this) {
                if (errFlag == null) errFlag = allocator().allocateZeroed(this, DType.I32, 1);
                e = errFlag;
            }
        }
        driver().memsetD32(e.devicePointer(), 0, 1);
        return e.devicePointer();
    }

    /** Reads the error flag (waits for the launch); on error finds the first bad index and throws as IndexCpu does. */
    private void checkIndices(long err, Storage idx, int count, int size, String what) {
        int flag;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(ValueLayout.JAVA_INT);
            driver().copyDtoH(seg, err, 4);
            flag = seg.get(ValueLayout.JAVA_INT, 0);
        }
        if (flag == 0) return;
        double[] ix = download(idx, 0, count);
        for (double v : ix)
            if (v < 0 || v >= size) throw new IndexOutOfBoundsException(what + " index " + (int) v + " out of range [0, " + size + ")");
        throw new IllegalStateException(what + ": the kernel reported an index out of range but none was found on the host");
    }

    @Override public void gather(int outer, int dimIn, int dimOut, int inner, Storage in, Storage idx, Storage out) {
        long err = errFlag();
        IndexLaunch.gather(version("gather_forward"), outer, dimIn, dimOut, inner, f32(in, "gather in"), i32(idx, "gather idx"), f32(out, "gather out"), err);
        checkIndices(err, idx, outer * dimOut * inner, dimIn, "gather");
    }

    @Override public void scatterAdd(int outer, int dimIn, int dimOut, int inner, Storage dOut, Storage idx, Storage dIn) {
        long err = errFlag();
        IndexLaunch.scatterAdd(version("scatter_add_forward"), outer, dimIn, dimOut, inner, f32(dOut, "scatter dOut"), i32(idx, "scatter idx"),
                f32(dIn, "scatter dIn"), err);
        checkIndices(err, idx, outer * dimOut * inner, dimIn, "scatter");
    }

    @Override public void indexSelectRows(Storage table, int rows, int d, Storage idx, int n, Storage out) {
        long err = errFlag();
        IndexLaunch.indexSelectRows(version("index_select_rows_forward"), f32(table, "index_select table"), rows, d, i32(idx, "index_select idx"), n,
                f32(out, "index_select out"), err);
        checkIndices(err, idx, n, rows, "index_select");
    }

    @Override public void indexAddRows(Storage dOut, Storage idx, int n, int d, Storage dTable) {
        long err = errFlag();
        int rows = dTable.length() / Math.max(d, 1);
        IndexLaunch.indexAddRows(version("index_add_rows_forward"), f32(dOut, "index_add dOut"), i32(idx, "index_add idx"), n, d,
                f32(dTable, "index_add dTable"), rows, err);
        checkIndices(err, idx, n, rows, "index_add");
    }
}
