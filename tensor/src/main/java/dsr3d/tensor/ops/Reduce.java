package dsr3d.tensor.ops;

import dsr3d.tensor.DType;
import dsr3d.tensor.Shape;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.autograd.Autograd;
import dsr3d.tensor.backend.ReduceOp;

/**
 * Reductions over any set of dimensions. Shape rule: reduced dimensions vanish (or become 1 with
 * keepdim). Forward: permute the reduced dimensions to the end, make dense, and reduce rows.
 * Backward: sum spreads g back over the reduced dimensions (expand); mean also divides by their
 * size; max/min send g to the elements equal to the extreme, shared evenly among ties (as
 * torch.amax); argmax/argmin have no gradient.
 */
public final class Reduce {
    private Reduce() {}

    /** Kept dims first, reduced dims last: x [kept..., reduced...] as [rows, cols]. */
    private record Plan(int[] perm, int rows, int cols, int[] outShape, int[] keepShape) {}

    private static Plan plan(int[] shape, int[] dims, boolean keepdim) {
        boolean[] red = new boolean[shape.length];
        for (int d : dims) {
            int n = Shape.dim(d, shape.length);
            if (red[n]) throw new IllegalArgumentException("dimension " + d + " listed twice in reduction");
            red[n] = true;
        }
        int[] perm = new int[shape.length];
        int p = 0, rows = 1, cols = 1;
        int[] keepShape = new int[shape.length];
        java.util.List<Integer> out = new java.util.ArrayList<>();
        for (int i = 0; i < shape.length; i++)
            if (!red[i]) { perm[p++] = i; rows *= shape[i]; out.add(shape[i]); keepShape[i] = shape[i]; }
        for (int i = 0; i < shape.length; i++)
            if (red[i]) { perm[p++] = i; cols *= shape[i]; keepShape[i] = 1; }
        int[] outShape = keepdim ? keepShape : out.stream().mapToInt(Integer::intValue).toArray();
        return new Plan(perm, rows, cols, outShape, keepShape);
    }

    private static Tensor rows(ReduceOp op, Tensor x, Plan pl) {
        if (pl.cols == 0 && op != ReduceOp.SUM)
            throw new IllegalArgumentException(op.name().toLowerCase() + " of an empty dimension is undefined (shape " + Shape.str(x.shape()) + ")");
        Tensor xd = x.detach().permute(pl.perm).contiguous();
        Tensor out = Tensor.zeros(x.backend(), op.isArg() ? DType.I32 : x.dtype(), pl.outShape);
        x.backend().reduceRows(op, xd.storage(), pl.rows, pl.cols, out.storage());
        return out;
    }

    public static Tensor sum(Tensor x, int[] dims, boolean keepdim) {
        Elementwise.requireFloating(x, "sum");
        Plan pl = plan(x.shape(), dims, keepdim);
        Tensor out = rows(ReduceOp.SUM, x, pl);
        int[] inShape = x.shape();
        return Autograd.record("sum", out, g -> new Tensor[]{g.reshape(pl.keepShape).expand(inShape)}, x);
    }

    public static Tensor mean(Tensor x, int[] dims, boolean keepdim) {
        Plan pl = plan(x.shape(), dims, keepdim);
        return sum(x, dims, keepdim).div(Math.max(pl.cols, 1));
    }

    public static Tensor max(Tensor x, int[] dims, boolean keepdim) { return extreme(ReduceOp.MAX, x, dims, keepdim); }

    public static Tensor min(Tensor x, int[] dims, boolean keepdim) { return extreme(ReduceOp.MIN, x, dims, keepdim); }

    private static Tensor extreme(ReduceOp op, Tensor x, int[] dims, boolean keepdim) {
        Elementwise.requireFloating(x, op.name().toLowerCase());
        Plan pl = plan(x.shape(), dims, keepdim);
        Tensor out = rows(op, x, pl);
        int[] inShape = x.shape();
        return Autograd.record(op.name().toLowerCase(), out, g -> {
            Tensor hit = x.detach().eq(out.reshape(pl.keepShape));           // 1 where x equals the extreme
            Tensor count = hit.sum(dims, true);
            return new Tensor[]{hit.mul(g.reshape(pl.keepShape).div(count)).expand(inShape).contiguous()};
        }, x);
    }

    public static Tensor argmax(Tensor x, int dim, boolean keepdim) { return rows(ReduceOp.ARGMAX, x, plan(x.shape(), new int[]{dim}, keepdim)); }

    public static Tensor argmin(Tensor x, int dim, boolean keepdim) { return rows(ReduceOp.ARGMIN, x, plan(x.shape(), new int[]{dim}, keepdim)); }
}
