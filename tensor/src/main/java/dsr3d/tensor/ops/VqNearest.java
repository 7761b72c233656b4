package dsr3d.tensor.ops;

import dsr3d.tensor.DType;
import dsr3d.tensor.Shape;
import dsr3d.tensor.Tensor;

/**
 * The fused vector-quantisation search: for z [n, d] and codebook [k, d], the I32 index [n] of
 * the nearest codeword by squared Euclidean distance (lowest index on ties). Not differentiable;
 * VQ layers pass gradients with the straight-through estimator instead.
 */
public final class VqNearest {
    private VqNearest() {}

    public static Tensor apply(Tensor z, Tensor codebook) {
        if (z.dim() != 2 || codebook.dim() != 2 || z.size(1) != codebook.size(1))
            throw new IllegalArgumentException("vq_nearest: z [n, d] and codebook [k, d] expected, got "
                    + Shape.str(z.shape()) + " and " + Shape.str(codebook.shape()));
        if (z.dtype() != codebook.dtype()) throw new IllegalArgumentException("vq_nearest: dtypes differ (" + z.dtype() + ", " + codebook.dtype() + ")");
        int n = z.size(0), k = codebook.size(0), d = z.size(1);
        if (k == 0) throw new IllegalArgumentException("vq_nearest: empty codebook");
        Tensor zd = z.detach().contiguous(), cd = codebook.detach().contiguous();
        Tensor out = Tensor.zeros(z.backend(), DType.I32, n);
        z.backend().vqNearest(zd.storage(), cd.storage(), n, k, d, out.storage());
        return out;
    }
}
