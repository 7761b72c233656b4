package dsr3d.tensor.backend;

import dsr3d.tensor.DType;
import dsr3d.tensor.Storage;

/**
 * The backend SPI: one method per kernel. Kernels are pure functions on flat, row-major storages
 * with explicit sizes. Unless a parameter says otherwise every storage is contiguous and starts
 * at element 0, inputs and outputs do not alias, and outputs are fully overwritten.
 *
 * <p>Backends are found with {@link java.util.ServiceLoader} (see {@link Backends}). The CPU
 * backend is always present and is the reference; others are checked against it.
 */
public interface Backend {
    String name();

    /** Whether this backend can run here (a CUDA backend without a GPU answers false). */
    default boolean available() { return true; }

    /** Why {@link #available()} is false; empty when available. */
    default String unavailableReason() { return ""; }

    // ---- memory --------------------------------------------------------------------------
    /** A zero-filled storage of n elements. */
    Storage allocate(DType dtype, int n);

    Storage upload(float[] data);
    Storage upload(double[] data);
    Storage upload(int[] data);

    /** Elements [off, off+n) as double (exact for F32, F64 and I32). */
    double[] download(Storage s, int off, int n);

    void fill(Storage out, double value);

    /** Strided copy with type conversion:
     *  out[outOff + sum(i_k * outStrides_k)] = in[inOff + sum(i_k * inStrides_k)] for every index i of shape. */
    void copy(int[] shape, Storage in, int inOff, int[] inStrides, Storage out, int outOff, int[] outStrides);

    // ---- elementwise -----------------------------------------------------------------------
    /** out[i] = op(in[i]; p, q) for i < n. */
    void unary(UnaryOp op, double p, double q, Storage in, Storage out, int n);

    /** out (contiguous, shape outShape) = op(a, b), a and b read through (broadcast) strides. */
    void binary(BinaryOp op, int[] outShape, Storage a, int aOff, int[] aStrides,
                Storage b, int bOff, int[] bStrides, Storage out);

    /** out[i] = cond[i] != 0 ? a[i] : b[i], all n elements contiguous. */
    void where(Storage cond, Storage a, Storage b, Storage out, int n);

    // ---- reductions ----------------------------------------------------------------------------
    /** in [rows, cols] -> out [rows] (I32 for ARG ops). */
    void reduceRows(ReduceOp op, Storage in, int rows, int cols, Storage out);

    /** Softmax (or log-softmax) of each row: in, out [rows, cols]. */
    void softmaxRows(boolean log, Storage in, int rows, int cols, Storage out);

    /** Gradient of softmax rows given its output y and upstream dy. */
    void softmaxRowsBackward(boolean log, Storage y, Storage dy, int rows, int cols, Storage dx);

    // ---- linear algebra ------------------------------------------------------------------------
    /** Batched C[b] = op(A[b]) * op(B[b]) with op = transpose when requested.
     *  A [batch, m, k] (or [batch, k, m] if transA), B [batch, k, n] (or [batch, n, k]), C [batch, m, n].
     *  A batch stride of 0 (aBatchStride/bBatchStride) shares that operand across the batch. */
    void matmul(boolean transA, boolean transB, int batch, int m, int n, int k,
                Storage a, int aBatchStride, Storage b, int bBatchStride, Storage c);

    /** For each of the n rows of z [n, d], the index of the nearest row of codebook [k, d] by
     *  squared Euclidean distance, lowest index on ties. out: I32 [n]. No gradient. */
    void vqNearest(Storage z, Storage codebook, int n, int k, int d, Storage out);

    // ---- convolution ---------------------------------------------------------------------------
    /** y = conv2d(x, weight) + bias. x [n,cin,h,w], weight [cout,cin/g,kh,kw], bias [cout] or null. */
    void conv2dForward(ConvGeom g, Storage x, Storage weight, Storage bias, Storage y);

    /** dx = conv2d's input gradient (also conv_transpose2d's forward). dy [n,cout,hout,wout] -> dx [n,cin,h,w]. */
    void conv2dBackwardInput(ConvGeom g, Storage dy, Storage weight, Storage dx);

    /** dweight [cout,cin/g,kh,kw] = conv2d's weight gradient. */
    void conv2dBackwardWeight(ConvGeom g, Storage x, Storage dy, Storage dweight);

    // ---- pooling and resampling ---------------------------------------------------------------
    /** Max pooling; argmax receives the flat index (within its h*w plane) of each max, I32. */
    void maxPool2d(PoolGeom p, Storage x, Storage y, Storage argmax);

    void maxPool2dBackward(PoolGeom p, Storage dy, Storage argmax, Storage dx);

    /** Average pooling, count_include_pad = true: every window divides by kh*kw. */
    void avgPool2d(PoolGeom p, Storage x, Storage y);

    void avgPool2dBackward(PoolGeom p, Storage dy, Storage dx);

    /** Bilinear resize of nc planes, align_corners = true. */
    void upsampleBilinear(int nc, int h, int w, int hout, int wout, Storage x, Storage y);

    void upsampleBilinearBackward(int nc, int h, int w, int hout, int wout, Storage dy, Storage dx);

    /** Nearest upsampling by integer factors: y[i, j] = x[i / fh, j / fw]. */
    void upsampleNearest(int nc, int h, int w, int fh, int fw, Storage x, Storage y);

    void upsampleNearestBackward(int nc, int h, int w, int fh, int fw, Storage dy, Storage dx);

    // ---- normalisation -----------------------------------------------------------------------
    /** Instance norm of nc planes of hw elements: y = (x - mean) * rstd, rstd = 1/sqrt(var + eps),
     *  biased variance. Writes mean and rstd [nc] for the backward pass. */
    void instanceNorm(int nc, int hw, double eps, Storage x, Storage y, Storage mean, Storage rstd);

    /** dx = rstd * (dy - mean(dy) - y * mean(dy * y)) per plane. */
    void instanceNormBackward(int nc, int hw, Storage y, Storage rstd, Storage dy, Storage dx);

    // ---- indexing ------------------------------------------------------------------------------
    /** out[o, j, i] = in[o, idx[o, j, i], i]: in [outer, dimIn, inner], idx and out [outer, dimOut, inner]. */
    void gather(int outer, int dimIn, int dimOut, int inner, Storage in, Storage idx, Storage out);

    /** dIn[o, idx[o, j, i], i] += dOut[o, j, i]; dIn must be zeroed by the caller. */
    void scatterAdd(int outer, int dimIn, int dimOut, int inner, Storage dOut, Storage idx, Storage dIn);

    /** out[j, :] = table[idx[j], :]: table [rows, d], idx [n], out [n, d]. The codebook lookup. */
    void indexSelectRows(Storage table, int rows, int d, Storage idx, int n, Storage out);

    /** dTable[idx[j], :] += dOut[j, :]; dTable must be zeroed by the caller. */
    void indexAddRows(Storage dOut, Storage idx, int n, int d, Storage dTable);
}
