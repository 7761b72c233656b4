package dsr3d.nn.layers;

import dsr3d.nn.Layer;
import dsr3d.tensor.Tensor;

/** torch.nn.Upsample by an integer scale factor: bilinear with align_corners = true (the U-Nets)
 *  or nearest (mask resizing). */
public final class Upsample extends Layer {
    public enum Mode { BILINEAR_ALIGN_CORNERS, NEAREST }

    public final int scale;
    public final Mode mode;

    public Upsample(int scale, Mode mode) {
        if (scale <= 0) throw new IllegalArgumentException("Upsample: scale factor must be positive, got " + scale);
        this.scale = scale;
        this.mode = mode;
    }

    @Override public Tensor forward(Tensor x) {
        if (x.dim() != 4) throw new IllegalArgumentException("Upsample: expected [N, C, H, W], got " + java.util.Arrays.toString(x.shape()));
        return switch (mode) {
            case BILINEAR_ALIGN_CORNERS -> dsr3d.tensor.ops.Upsample.bilinear(x, x.size(2) * scale, x.size(3) * scale);
            case NEAREST -> dsr3d.tensor.ops.Upsample.nearest(x, scale, scale);
        };
    }

    @Override protected String extraRepr() {
        return "scale_factor=" + scale + ".0, mode=" + (mode == Mode.NEAREST ? "nearest" : "bilinear");
    }
}
