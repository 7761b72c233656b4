package dsr3d.tensor.ops;

import dsr3d.tensor.DType;
import dsr3d.tensor.Shape;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.autograd.Autograd;

import java.util.Arrays;

/**
 * Ops that move data without arithmetic. Views (no copy): reshape of dense data, permute,
 * transpose, slice, expand. Copies: contiguous, cast, pad, concat. Backward rules:
 * reshape -> reshape back; permute -> inverse permutation; slice -> zeros with g written into
 * the slice; expand -> sum over the expanded dimensions; pad -> slice of g; concat -> slices
 * of g; cast -> cast back.
 */
public final class Movement {
    private Movement() {}

    public static Tensor reshape(Tensor x, int... newShape) {
        int[] shape = inferShape(x.numel(), newShape);
        Tensor base = x.isDense() ? x : x.contiguous();
        Tensor out = base.detach().view(0, shape, Shape.contiguousStrides(shape));
        int[] inShape = x.shape();
        return Autograd.record("reshape", out, g -> new Tensor[]{g.reshape(inShape)}, x);
    }

    /** Resolves one -1 entry and checks the element count. */
    private static int[] inferShape(int numel, int[] s) {
        int[] shape = s.clone();
        int unknown = -1, known = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == -1) {
                if (unknown >= 0) throw new IllegalArgumentException("reshape: only one -1 allowed in " + Shape.str(s));
                unknown = i;
            } else known *= shape[i];
        }
        if (unknown >= 0) {
            if (known == 0 || numel % known != 0) throw new IllegalArgumentException("reshape: cannot infer -1 in " + Shape.str(s) + " for " + numel + " elements");
            shape[unknown] = numel / known;
        }
        if (Shape.numel(shape) != numel) throw new IllegalArgumentException("reshape: " + numel + " elements cannot take shape " + Shape.str(s));
        return shape;
    }

    public static Tensor permute(Tensor x, int... order) {
        int r = x.dim();
        if (order.length != r) throw new IllegalArgumentException("permute: order " + Arrays.toString(order) + " for rank " + r);
        int[] shape = x.shape(), strides = x.strides(), ns = new int[r], nst = new int[r], inv = new int[r];
        boolean[] used = new boolean[r];
        for (int i = 0; i < r; i++) {
            int d = Shape.dim(order[i], r);
            if (used[d]) throw new IllegalArgumentException("permute: order " + Arrays.toString(order) + " repeats dimension " + d);
            used[d] = true;
            ns[i] = shape[d];
            nst[i] = strides[d];
            inv[d] = i;
        }
        Tensor out = x.detach().view(x.offset(), ns, nst);
        return Autograd.record("permute", out, g -> new Tensor[]{g.permute(inv)}, x);
    }

    public static Tensor transpose(Tensor x, int a, int b) {
        int[] order = new int[x.dim()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        int da = Shape.dim(a, x.dim()), db = Shape.dim(b, x.dim());
        order[da] = db;
        order[db] = da;
        return permute(x, order);
    }

    /** Elements [start, end) of one dimension, as a view. */
    public static Tensor slice(Tensor x, int dim, int start, int end) {
        int d = Shape.dim(dim, x.dim());
        int[] shape = x.shape(), strides = x.strides();
        if (start < 0 || end > shape[d] || start > end)
            throw new IllegalArgumentException("slice [" + start + ", " + end + ") outside dimension " + d + " of size " + shape[d]);
        int[] inShape = shape.clone();
        shape[d] = end - start;
        Tensor out = x.detach().view(x.offset() + start * strides[d], shape, strides);
        return Autograd.record("slice", out, g -> {
            Tensor full = Tensor.zeros(g.backend(), g.dtype(), inShape);
            Tensor region = full.detach().view(start * full.strides()[d], g.shape(), full.strides());
            copyInto(g, region);
            return new Tensor[]{full};
        }, x);
    }

    public static Tensor expand(Tensor x, int... newShape) {
        int[] strides = Shape.broadcastStrides(x.shape(), x.strides(), newShape);
        if (Arrays.equals(newShape, x.shape())) return x;
        Tensor out = x.detach().view(x.offset(), newShape.clone(), strides);
        int[] inShape = x.shape();
        return Autograd.record("expand", out, g -> new Tensor[]{Elementwise.sumToShape(g, inShape)}, x);
    }

    /** A dense copy, or x itself when it already is dense. */
    public static Tensor contiguous(Tensor x) {
        if (x.isDense()) return x;
        Tensor out = Tensor.zeros(x.backend(), x.dtype(), x.shape());
        copyInto(x, out);
        return Autograd.record("contiguous", out, g -> new Tensor[]{g}, x);
    }

    /** Writes src into dst (same shape; dst may be a strided view). No autograd. */
    static void copyInto(Tensor src, Tensor dst) {
        src.backend().copy(src.shape(), src.storage(), src.offset(), src.strides(), dst.storage(), dst.offset(), dst.strides());
    }

    public static Tensor cast(Tensor x, DType dt) {
        if (x.dtype() == dt) return x;
        Tensor out = Tensor.zeros(x.backend(), dt, x.shape());
        copyInto(x, out);
        if (!dt.isFloating() || !x.dtype().isFloating()) return out;
        DType from = x.dtype();
        return Autograd.record("cast", out, g -> new Tensor[]{g.to(from)}, x);
    }

    /** pads = (before_last, after_last, before_second_last, after_second_last, ...), as F.pad. */
    public static Tensor pad(Tensor x, int[] pads, double value) {
        if (pads.length % 2 != 0 || pads.length / 2 > x.dim())
            throw new IllegalArgumentException("pad: " + pads.length + " values for rank " + x.dim() + " (need pairs, at most 2*rank)");
        int[] shape = x.shape(), outShape = shape.clone(), before = new int[x.dim()];
        for (int i = 0; i < pads.length / 2; i++) {
            int d = x.dim() - 1 - i;
            if (pads[2 * i] < 0 || pads[2 * i + 1] < 0) throw new IllegalArgumentException("pad: negative padding is not supported");
            before[d] = pads[2 * i];
            outShape[d] += pads[2 * i] + pads[2 * i + 1];
        }
        Tensor out = Tensor.zeros(x.backend(), x.dtype(), outShape);
        x.backend().fill(out.storage(), value);
        int off = 0;
        int[] os = out.strides();
        for (int d = 0; d < x.dim(); d++) off += before[d] * os[d];
        copyInto(x, out.detach().view(off, shape, os));
        int start = off;
        return Autograd.record("pad", out, g -> new Tensor[]{g.contiguous().detach().view(start, shape, os).contiguous()}, x);
    }

    public static Tensor concat(int dim, Tensor... partsIn) {
        if (partsIn.length == 0) throw new IllegalArgumentException("concat of no tensors");
        Tensor[] parts = partsIn.clone();   // the backward rule keeps it; the caller may reuse the array
        int d = Shape.dim(dim, parts[0].dim());
        int[] outShape = parts[0].shape();
        outShape[d] = 0;
        for (Tensor p : parts) {
            int[] s = p.shape();
            if (s.length != outShape.length || p.dtype() != parts[0].dtype())
                throw new IllegalArgumentException("concat: part of shape " + Shape.str(s) + " " + p.dtype() + " does not match " + Shape.str(parts[0].shape()) + " " + parts[0].dtype());
            for (int i = 0; i < s.length; i++)
                if (i != d && s[i] != parts[0].shape()[i])
                    throw new IllegalArgumentException("concat along " + d + ": shapes " + Shape.str(s) + " and " + Shape.str(parts[0].shape()) + " differ in dimension " + i);
            outShape[d] += s[d];
        }
        Tensor out = Tensor.zeros(parts[0].backend(), parts[0].dtype(), outShape);
        int[] os = out.strides();
        int[] starts = new int[parts.length];
        int pos = 0;
        for (int i = 0; i < parts.length; i++) {
            starts[i] = pos;
            copyInto(parts[i], out.detach().view(pos * os[d], parts[i].shape(), os));
            pos += parts[i].size(d);
        }
        return Autograd.record("concat", out, g -> {
            Tensor[] r = new Tensor[parts.length];
            for (int i = 0; i < parts.length; i++) r[i] = g.slice(d, starts[i], starts[i] + parts[i].size(d));
            return r;
        }, parts);
    }

    /** Splits one dimension into consecutive pieces of the given sizes (views). */
    public static Tensor[] split(Tensor x, int dim, int... sizes) {
        int d = Shape.dim(dim, x.dim()), total = 0;
        for (int s : sizes) total += s;
        if (total != x.size(d)) throw new IllegalArgumentException("split sizes " + Arrays.toString(sizes) + " do not add up to " + x.size(d));
        Tensor[] out = new Tensor[sizes.length];
        int pos = 0;
        for (int i = 0; i < sizes.length; i++) { out[i] = slice(x, d, pos, pos + sizes[i]); pos += sizes[i]; }
        return out;
    }
}
