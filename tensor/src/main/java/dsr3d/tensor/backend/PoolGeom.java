package dsr3d.tensor.backend;

/** Geometry of a 2-D pooling window over planes [nc, h, w] (nc = batch * channels). */
public record PoolGeom(int nc, int h, int w, int kh, int kw, int strideH, int strideW, int padH, int padW) {
    public PoolGeom {
        if (kh < 1 || kw < 1 || strideH < 1 || strideW < 1 || padH < 0 || padW < 0)
            throw new IllegalArgumentException("invalid pooling window: kernel " + kh + "x" + kw + ", stride " + strideH + "," + strideW + ", padding " + padH + "," + padW);
        if (padH * 2 > kh || padW * 2 > kw)
            throw new IllegalArgumentException("padding " + padH + "," + padW + " must be at most half the kernel size " + kh + "x" + kw + " (PyTorch rule)");
        if (h + 2 * padH < kh || w + 2 * padW < kw) throw new IllegalArgumentException("pooling window " + kh + "x" + kw + " with padding " + padH + "," + padW + " does not fit input " + h + "x" + w);
    }

    public int hout() { return (h + 2 * padH - kh) / strideH + 1; }
    public int wout() { return (w + 2 * padW - kw) / strideW + 1; }
}
