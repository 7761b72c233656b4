package dsr3d.tensor.ops;

import dsr3d.tensor.Shape;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.autograd.Autograd;

/**
 * Matrix product with NumPy/PyTorch semantics. Shape rule: a [..., m, k] @ b [..., k, n] ->
 * [broadcast(...), m, n]; a 1-D a is a row [1, k] and a 1-D b a column [k, 1], the added
 * dimension removed from the result. Backward: dA = g @ B^T, dB = A^T @ g, each summed back over
 * broadcast batch dimensions.
 */
public final class MatMul {
    private MatMul() {}

    public static Tensor apply(Tensor a, Tensor b) {
        Elementwise.requireFloating(a, "matmul");
        if (a.dtype() != b.dtype()) throw new IllegalArgumentException("matmul: dtypes differ (" + a.dtype() + " vs " + b.dtype() + ")");
        if (a.dim() == 0 || b.dim() == 0) throw new IllegalArgumentException("matmul needs operands of rank >= 1");
        boolean aVec = a.dim() == 1, bVec = b.dim() == 1;
        Tensor a2 = aVec ? a.reshape(1, a.size(0)) : a;
        Tensor b2 = bVec ? b.reshape(b.size(0), 1) : b;
        Tensor out = batched(a2, b2);
        int[] s = out.shape();
        if (aVec && bVec) return out.reshape();
        if (aVec) return out.reshape(dropDim(s, s.length - 2));
        if (bVec) return out.reshape(dropDim(s, s.length - 1));
        return out;
    }

    private static int[] dropDim(int[] s, int d) {
        int[] r = new int[s.length - 1];
        for (int i = 0, p = 0; i < s.length; i++) if (i != d) r[p++] = s[i];
        return r;
    }

    /** Both operands of rank >= 2. */
    private static Tensor batched(Tensor a, Tensor b) {
        int m = a.size(-2), k = a.size(-1), k2 = b.size(-2), n = b.size(-1);
        if (k != k2) throw new IllegalArgumentException("matmul: inner dimensions differ: " + Shape.str(a.shape()) + " @ " + Shape.str(b.shape()));
        int[] aBatch = java.util.Arrays.copyOf(a.shape(), a.dim() - 2), bBatch = java.util.Arrays.copyOf(b.shape(), b.dim() - 2);
        int[] batch = Shape.broadcast(aBatch, bBatch);
        int nb = Shape.numel(batch);
        // An operand without (real) batch dimensions is shared across the batch: stride 0, no copy.
        boolean aShared = Shape.numel(aBatch) == 1, bShared = Shape.numel(bBatch) == 1;
        Tensor ad = aShared ? a.detach().reshape(m, k) : a.detach().expand(concat(batch, m, k)).contiguous();
        Tensor bd = bShared ? b.detach().reshape(k, n) : b.detach().expand(concat(batch, k, n)).contiguous();
        int[] outShape = concat(batch, m, n);
        Tensor out = Tensor.zeros(a.backend(), a.dtype(), outShape);
        a.backend().matmul(false, false, nb, m, n, k, ad.storage(), aShared ? 0 : m * k, bd.storage(), bShared ? 0 : k * n, out.storage());
        return Autograd.record("matmul", out, g -> new Tensor[]{
                Elementwise.sumToShape(g.matmul(b.detach().transpose(-1, -2)), a.shape()),
                Elementwise.sumToShape(a.detach().transpose(-1, -2).matmul(g), b.shape())}, a, b);
    }

    private static int[] concat(int[] batch, int r, int c) {
        int[] s = java.util.Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = r;
        s[batch.length + 1] = c;
        return s;
    }
}
