package dsr3d.tensor.ops;

import dsr3d.tensor.DType;
import dsr3d.tensor.Shape;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.autograd.Autograd;

/**
 * Indexing with I32 index tensors.
 * gather(x, dim, idx): out has idx's shape, out[..., j, ...] = x[..., idx[..., j, ...], ...] along dim
 * (torch.gather, with idx matching x outside dim). Backward: scatter-add g into zeros of x's shape.
 * indexSelect(table, idx): rows of a 2-D table, out [idx.numel(), d] (the codebook lookup);
 * backward: index-add g into zeros of the table's shape.
 */
public final class Index {
    private Index() {}

    public static Tensor gather(Tensor x, int dim, Tensor idx) {
        int d = Shape.dim(dim, x.dim());
        requireIndex(idx, "gather");
        int[] xs = x.shape(), is = idx.shape();
        if (is.length != xs.length) throw new IllegalArgumentException("gather: index rank " + is.length + " differs from input rank " + xs.length);
        for (int i = 0; i < xs.length; i++)
            if (i != d && is[i] != xs[i])
                throw new IllegalArgumentException("gather: index shape " + Shape.str(is) + " must match input " + Shape.str(xs) + " outside dimension " + d);
        int outer = 1, inner = 1;
        for (int i = 0; i < d; i++) outer *= xs[i];
        for (int i = d + 1; i < xs.length; i++) inner *= xs[i];
        int dimIn = xs[d], dimOut = is[d], fo = outer, fi = inner;
        Tensor xd = x.detach().contiguous(), id = idx.contiguous();
        Tensor out = Tensor.zeros(x.backend(), x.dtype(), is);
        x.backend().gather(outer, dimIn, dimOut, inner, xd.storage(), id.storage(), out.storage());
        return Autograd.record("gather", out, g -> {
            Tensor dx = Tensor.zeros(x.backend(), x.dtype(), xs);
            x.backend().scatterAdd(fo, dimIn, dimOut, fi, g.contiguous().storage(), id.storage(), dx.storage());
            return new Tensor[]{dx, null};
        }, x, idx);
    }

    public static Tensor indexSelect(Tensor table, Tensor idx) {
        if (table.dim() != 2) throw new IllegalArgumentException("index_select: table must be [rows, d], got " + Shape.str(table.shape()));
        requireIndex(idx, "index_select");
        int rows = table.size(0), d = table.size(1), n = idx.numel();
        Tensor td = table.detach().contiguous(), id = idx.contiguous();
        Tensor out = Tensor.zeros(table.backend(), table.dtype(), n, d);
        table.backend().indexSelectRows(td.storage(), rows, d, id.storage(), n, out.storage());
        return Autograd.record("index_select", out, g -> {
            Tensor dt = Tensor.zeros(table.backend(), table.dtype(), rows, d);
            table.backend().indexAddRows(g.contiguous().storage(), id.storage(), n, d, dt.storage());
            return new Tensor[]{dt, null};
        }, table, idx);
    }

    static void requireIndex(Tensor idx, String op) {
        if (idx.dtype() != DType.I32) throw new IllegalArgumentException(op + ": index tensor must be I32, got " + idx.dtype());
    }
}
