package dsr3d.tensor;

import dsr3d.tensor.autograd.Autograd;
import dsr3d.tensor.autograd.Node;
import dsr3d.tensor.backend.Backend;
import dsr3d.tensor.backend.Backends;
import dsr3d.tensor.backend.BinaryOp;
import dsr3d.tensor.backend.UnaryOp;
import dsr3d.tensor.ops.Elementwise;
import dsr3d.tensor.ops.MatMul;
import dsr3d.tensor.ops.Movement;
import dsr3d.tensor.ops.Reduce;
import dsr3d.tensor.ops.Softmax;

import java.util.Arrays;
import java.util.Random;

/**
 * An N-d array (row-major) over a backend {@link Storage}, with an optional place in an autograd
 * graph. Views (reshape of contiguous data, permute, slice, expand) share storage and differ in
 * offset and strides; kernels only ever see dense tensors (see {@link #contiguous()}).
 *
 * <p>This class holds state and the user-facing API; every op lives in {@code dsr3d.tensor.ops},
 * where its shape rule, forward dispatch and backward rule are declared together.
 */
public final class Tensor {
    private final Storage storage;
    private final int offset;
    private final int[] shape;
    private final int[] strides;
    private boolean requiresGrad;
    private Tensor grad;
    private Node node;

    /** Internal: a view of storage. Ops use {@link #dense} and {@link #view}. */
    private Tensor(Storage storage, int offset, int[] shape, int[] strides) {
        this.storage = storage;
        this.offset = offset;
        this.shape = shape;
        this.strides = strides;
    }

    // ============================ factories ====================================================
    /** A zero-filled dense tensor on the given backend. */
    public static Tensor zeros(Backend backend, DType dtype, int... shape) {
        int[] s = shape.clone();
        return new Tensor(backend.allocate(dtype, Shape.numel(s)), 0, s, Shape.contiguousStrides(s));
    }

    public static Tensor zeros(DType dtype, int... shape) { return zeros(Backends.current(), dtype, shape); }

    public static Tensor zeros(int... shape) { return zeros(DType.F32, shape); }

    public static Tensor full(DType dtype, double value, int... shape) {
        Tensor t = zeros(dtype, shape);
        t.backend().fill(t.storage, value);
        return t;
    }

    public static Tensor ones(int... shape) { return full(DType.F32, 1, shape); }

    /** Wraps a dense storage (used by ops to return kernel outputs). */
    public static Tensor dense(Storage storage, int... shape) {
        if (storage.length() != Shape.numel(shape))
            throw new IllegalArgumentException("storage of " + storage.length() + " elements does not hold shape " + Shape.str(shape));
        return new Tensor(storage, 0, shape.clone(), Shape.contiguousStrides(shape));
    }

    public static Tensor of(float[] data, int... shape) {
        checkLen(data.length, shape);
        return dense(Backends.current().upload(data), shape);
    }


    public static Tensor of(double[] data, int... shape) {
        checkLen(data.length, shape);
        return dense(Backends.current().upload(data), shape);
    }

    /** The values in the given dtype, equal to {@code of(data, shape).to(dtype)} but without the F64
     *  temporary when dtype is F32 (each value rounded to float as the cast does), so that it also
     *  works on a backend without F64 storages (CUDA). I32: each value truncated as the cast does. */
    public static Tensor of(double[] data, DType dtype, int... shape) {
        checkLen(data.length, shape);
        return switch (dtype) {
            case F64 -> of(data, shape);
            case F32 -> {
                float[] f = new float[data.length];
                for (int i = 0; i < f.length; i++) f[i] = (float) data[i];
                yield of(f, shape);
            }
            case I32 -> {
                int[] v = new int[data.length];
                for (int i = 0; i < v.length; i++) v[i] = (int) data[i];
                yield ofInts(v, shape);
            }
        };
    }

    public static Tensor ofInts(int[] data, int... shape) {
        checkLen(data.length, shape);
        return dense(Backends.current().upload(data), shape);
    }

    public static Tensor scalar(double v) { return of(new float[]{(float) v}); }

    private static int checkLen(int n, int[] shape) {
        if (n != Shape.numel(shape))
            throw new IllegalArgumentException(n + " values do not fill shape " + Shape.str(shape) + " (" + Shape.numel(shape) + " elements)");
        return n;
    }

    /** Standard normal samples from the given generator (seed it for reproducibility). */
    public static Tensor randn(Random rng, DType dtype, int... shape) {
        double[] d = new double[Shape.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = rng.nextGaussian();
        return of(d, dtype, shape);
    }

    public static Tensor randn(Random rng, int... shape) { return randn(rng, DType.F32, shape); }

    /** Uniform samples in [lo, hi). */
    public static Tensor uniform(Random rng, double lo, double hi, DType dtype, int... shape) {
        double[] d = new double[Shape.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = lo + (hi - lo) * rng.nextDouble();
        return of(d, dtype, shape);
    }

    // ============================ internal plumbing for ops ===================================
    public Storage storage() { return storage; }
    public int offset() { return offset; }
    public int[] strides() { return strides.clone(); }
    public Backend backend() { return storage.backend(); }
    public DType dtype() { return storage.dtype(); }

    /** A view over the same storage. */
    public Tensor view(int offset, int[] shape, int[] strides) { return new Tensor(storage, offset, shape, strides); }

    /** True when the kernels can use the storage as is: offset 0, row-major strides, no slack. */
    public boolean isDense() {
        return offset == 0 && storage.length() == numel() && Arrays.equals(strides, Shape.contiguousStrides(shape));
    }

    public Node node() { return node; }

    /** Called by Autograd.record only. */
    public void attach(Node n) {
        this.node = n;
        this.requiresGrad = true;
    }

    /** Called by Autograd.backward only: grad += g. On first use grad becomes a private dense
     *  copy: g itself may be shared (add passes one tensor to both operands, a seed is the
     *  caller's), and a leaf's gradient must not alias another buffer. */
    public void accumulateGrad(Tensor g) {
        if (grad == null) {
            Tensor own = zeros(g.backend(), g.dtype(), g.shape);
            g.backend().copy(g.shape, g.storage, g.offset, g.strides, own.storage, 0, own.strides);
            grad = own;
        } else {
            grad = grad.add(g);
        }
    }

    // ============================ shape and data access =========================================
    public int[] shape() { return shape.clone(); }
    public int dim() { return shape.length; }
    public int size(int d) { return shape[Shape.dim(d, shape.length)]; }
    public int numel() { return Shape.numel(shape); }

    /** All elements in row-major order, as double (exact for every dtype). */
    public double[] toDoubleArray() {
        Tensor t = contiguousNoGrad();
        return t.backend().download(t.storage, 0, t.numel());
    }

    public float[] toFloatArray() {
        double[] d = toDoubleArray();
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    public int[] toIntArray() {
        double[] d = toDoubleArray();
        int[] r = new int[d.length];
        for (int i = 0; i < d.length; i++) r[i] = (int) d[i];
        return r;
    }

    /** The value of a one-element tensor. */
    public double item() {
        if (numel() != 1) throw new IllegalStateException("item() needs exactly one element, tensor has shape " + Shape.str(shape));
        return backend().download(storage, offset, 1)[0];
    }

    /** The element at a full index. */
    public double get(int... index) {
        if (index.length != shape.length) throw new IllegalArgumentException("index of rank " + index.length + " for tensor of rank " + shape.length);
        int p = offset;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " outside shape " + Shape.str(shape));
            p += index[i] * strides[i];
        }
        return backend().download(storage, p, 1)[0];
    }

    private Tensor contiguousNoGrad() {
        try (var g = dsr3d.tensor.autograd.NoGrad.enter()) { return contiguous(); }
    }

    // ============================ autograd API ===================================================
    public boolean requiresGrad() { return requiresGrad; }

    /** Marks a leaf as a variable whose gradient backward() accumulates. */
    public Tensor requiresGrad(boolean on) {
        if (node != null && !on) throw new IllegalStateException("cannot turn off requiresGrad on a non-leaf tensor; use detach()");
        if (on && !dtype().isFloating()) throw new IllegalStateException("only floating-point tensors can require grad, this one is " + dtype());
        this.requiresGrad = on;
        return this;
    }

    public Tensor grad() { return grad; }
    public void zeroGrad() { grad = null; }

    /** The same data, cut from the graph: gradients do not flow through the result. */
    public Tensor detach() { return new Tensor(storage, offset, shape, strides); }

    /** dL/d(this) = 1 for a scalar loss. */
    public void backward() {
        if (numel() != 1) throw new IllegalStateException("backward() without a seed needs a one-element tensor, got shape " + Shape.str(shape));
        Tensor seed = zeros(backend(), dtype(), shape);   // on this tensor's backend, not the default one
        backend().fill(seed.storage, 1);
        backward(seed);
    }

    public void backward(Tensor seed) { Autograd.backward(this, seed); }

    // ============================ elementwise ====================================================
    public Tensor add(Tensor o) { return Elementwise.binary(BinaryOp.ADD, this, o); }
    public Tensor sub(Tensor o) { return Elementwise.binary(BinaryOp.SUB, this, o); }
    public Tensor mul(Tensor o) { return Elementwise.binary(BinaryOp.MUL, this, o); }
    public Tensor div(Tensor o) { return Elementwise.binary(BinaryOp.DIV, this, o); }
    public Tensor pow(Tensor o) { return Elementwise.binary(BinaryOp.POW, this, o); }
    public Tensor maximum(Tensor o) { return Elementwise.binary(BinaryOp.MAX, this, o); }
    public Tensor minimum(Tensor o) { return Elementwise.binary(BinaryOp.MIN, this, o); }
    public Tensor add(double v) { return Elementwise.unary(UnaryOp.AFFINE, this, 1, v); }
    public Tensor sub(double v) { return Elementwise.unary(UnaryOp.AFFINE, this, 1, -v); }
    public Tensor mul(double v) { return Elementwise.unary(UnaryOp.AFFINE, this, v, 0); }
    public Tensor div(double v) { return Elementwise.unary(UnaryOp.AFFINE, this, 1 / v, 0); }
    public Tensor pow(double p) { return Elementwise.unary(UnaryOp.POW, this, p, 0); }
    public Tensor neg() { return Elementwise.unary(UnaryOp.NEG, this, 0, 0); }
    public Tensor exp() { return Elementwise.unary(UnaryOp.EXP, this, 0, 0); }
    public Tensor log() { return Elementwise.unary(UnaryOp.LOG, this, 0, 0); }
    public Tensor sqrt() { return Elementwise.unary(UnaryOp.SQRT, this, 0, 0); }
    public Tensor abs() { return Elementwise.unary(UnaryOp.ABS, this, 0, 0); }
    public Tensor relu() { return Elementwise.unary(UnaryOp.RELU, this, 0, 0); }
    public Tensor sigmoid() { return Elementwise.unary(UnaryOp.SIGMOID, this, 0, 0); }
    public Tensor clamp(double lo, double hi) { return Elementwise.unary(UnaryOp.CLAMP, this, lo, hi); }
    public Tensor gt(Tensor o) { return Elementwise.binary(BinaryOp.GT, this, o); }
    public Tensor ge(Tensor o) { return Elementwise.binary(BinaryOp.GE, this, o); }
    public Tensor lt(Tensor o) { return Elementwise.binary(BinaryOp.LT, this, o); }
    public Tensor le(Tensor o) { return Elementwise.binary(BinaryOp.LE, this, o); }
    public Tensor eq(Tensor o) { return Elementwise.binary(BinaryOp.EQ, this, o); }
    public Tensor ne(Tensor o) { return Elementwise.binary(BinaryOp.NE, this, o); }
    public Tensor gt(double v) { return gt(Elementwise.scalarLike(this, v)); }
    public Tensor lt(double v) { return lt(Elementwise.scalarLike(this, v)); }

    /** cond != 0 ? a : b, broadcasting all three. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) { return Elementwise.where(cond, a, b); }

    // ============================ reductions =====================================================
    public Tensor sum() { return Reduce.sum(this, allDims(), false); }
    public Tensor sum(int dim, boolean keepdim) { return Reduce.sum(this, new int[]{dim}, keepdim); }
    public Tensor sum(int[] dims, boolean keepdim) { return Reduce.sum(this, dims, keepdim); }
    public Tensor mean() { return Reduce.mean(this, allDims(), false); }
    public Tensor mean(int dim, boolean keepdim) { return Reduce.mean(this, new int[]{dim}, keepdim); }
    public Tensor mean(int[] dims, boolean keepdim) { return Reduce.mean(this, dims, keepdim); }
    public Tensor max() { return Reduce.max(this, allDims(), false); }
    public Tensor max(int[] dims, boolean keepdim) { return Reduce.max(this, dims, keepdim); }
    public Tensor min() { return Reduce.min(this, allDims(), false); }
    public Tensor min(int[] dims, boolean keepdim) { return Reduce.min(this, dims, keepdim); }
    public Tensor argmax(int dim, boolean keepdim) { return Reduce.argmax(this, dim, keepdim); }
    public Tensor argmin(int dim, boolean keepdim) { return Reduce.argmin(this, dim, keepdim); }
    public Tensor softmax(int dim) { return Softmax.apply(this, dim, false); }
    public Tensor logSoftmax(int dim) { return Softmax.apply(this, dim, true); }

    private int[] allDims() {
        int[] d = new int[shape.length];
        for (int i = 0; i < d.length; i++) d[i] = i;
        return d;
    }

    // ============================ linear algebra =================================================
    /** Matrix product with NumPy semantics for 1-D, 2-D and batched (broadcast) operands. */
    public Tensor matmul(Tensor o) { return MatMul.apply(this, o); }

    // ============================ movement =======================================================
    public Tensor reshape(int... newShape) { return Movement.reshape(this, newShape); }
    public Tensor permute(int... order) { return Movement.permute(this, order); }
    public Tensor transpose(int a, int b) { return Movement.transpose(this, a, b); }
    public Tensor slice(int dim, int start, int end) { return Movement.slice(this, dim, start, end); }
    public Tensor expand(int... newShape) { return Movement.expand(this, newShape); }
    public Tensor contiguous() { return Movement.contiguous(this); }
    public Tensor to(DType dt) { return Movement.cast(this, dt); }

    /** Constant padding; pads = (before, after) pairs from the last dimension backwards, as torch.nn.functional.pad. */
    public Tensor pad(int[] pads, double value) { return Movement.pad(this, pads, value); }

    public static Tensor concat(int dim, Tensor... parts) { return Movement.concat(dim, parts); }

    public Tensor[] split(int dim, int... sizes) { return Movement.split(this, dim, sizes); }

    // ============================ printing =======================================================
    @Override public String toString() {
        StringBuilder sb = new StringBuilder("Tensor(shape=").append(Shape.str(shape)).append(", dtype=").append(dtype());
        if (node != null) sb.append(", grad_fn=").append(node.op);
        else if (requiresGrad) sb.append(", requires_grad");
        sb.append(")\n");
        double[] d = toDoubleArray();
        appendNested(sb, d, 0, 0, "");
        return sb.toString();
    }

    /** Nested brackets like NumPy, eliding the middle of long dimensions. */
    private void appendNested(StringBuilder sb, double[] d, int dim, int base, String indent) {
        if (shape.length == 0) { sb.append(fmt(d[0])); return; }
        int n = shape[dim], inner = 1;
        for (int i = dim + 1; i < shape.length; i++) inner *= shape[i];
        sb.append('[');
        for (int i = 0; i < n; i++) {
            if (n > 8 && i == 3) { sb.append(dim == shape.length - 1 ? "..., " : "...,\n" + indent + " "); i = n - 3; }
            if (dim == shape.length - 1) sb.append(fmt(d[base + i]));
            else appendNested(sb, d, dim + 1, base + i * inner, indent + " ");
            if (i < n - 1) sb.append(dim == shape.length - 1 ? ", " : ",\n" + indent + " ");
        }
        sb.append(']');
    }

    private String fmt(double v) { return dtype() == DType.I32 ? Long.toString((long) v) : String.format("%.4f", v); }
}
