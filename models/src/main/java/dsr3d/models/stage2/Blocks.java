package dsr3d.models.stage2;

import dsr3d.nn.layers.Conv2d;
import dsr3d.nn.layers.InstanceNorm2d;
import dsr3d.nn.layers.MaxPool2d;
import dsr3d.nn.layers.ReLU;
import dsr3d.nn.layers.Sequential;
import dsr3d.nn.layers.Upsample;

import java.util.Random;

/**
 * The building blocks dsr_model.py repeats, as Sequentials with the official child indices:
 * a double conv "0: conv, 1: IN, 2: ReLU, 3: conv, 4: IN, 5: ReLU" (weights "0.*" and "3.*"),
 * an upsampling conv "0: bilinear x2 (align_corners), 1: conv, 2: IN, 3: ReLU" (weights "1.*"),
 * a one-layer "0: MaxPool2d(2)" (no weights) and the final "0: conv" (weights "0.*").
 * Every conv is 3x3, padding 1, with bias; InstanceNorm2d has no affine parameters.
 */
final class Blocks {
    private Blocks() {}

    static Conv2d conv3(int in, int out, Random rng) { return new Conv2d(in, out, 3, 1, 1, 1, true, rng); }

    /** conv in->mid, IN, ReLU, conv mid->out, IN, ReLU (the official block1/2/3, db1/2/3). */
    static Sequential doubleConv(int in, int mid, int out, Random rng) {
        return new Sequential(conv3(in, mid, rng), new InstanceNorm2d(mid), new ReLU(),
                conv3(mid, out, rng), new InstanceNorm2d(out), new ReLU());
    }

    /** bilinear x2 (align_corners = true), conv in->out, IN, ReLU (the official up1/up2/up3). */
    static Sequential upConv(int in, int out, Random rng) {
        return new Sequential(new Upsample(2, Upsample.Mode.BILINEAR_ALIGN_CORNERS), conv3(in, out, rng),
                new InstanceNorm2d(out), new ReLU());
    }

    /** Sequential(MaxPool2d(2)): the official mp1/mp2/mp3. */
    static Sequential maxPool() { return new Sequential(new MaxPool2d(2)); }

    /** Sequential(conv 3x3 in->out): the official fin_out. */
    static Sequential finalConv(int in, int out, Random rng) { return new Sequential(conv3(in, out, rng)); }

    static void positive(String what, int... values) {
        for (int v : values)
            if (v <= 0) throw new IllegalArgumentException(what + ": sizes must be positive, got " + java.util.Arrays.toString(values));
    }

    static void divisible(String what, dsr3d.tensor.Tensor x, int channels, int by) {
        if (x.dim() != 4 || x.size(1) != channels || x.size(2) % by != 0 || x.size(3) % by != 0)
            throw new IllegalArgumentException(what + ": expected [B, " + channels + ", H, W] with H and W divisible by " + by
                    + ", got " + java.util.Arrays.toString(x.shape()));
    }
}
