package dsr3d.cuda.launch;

import dsr3d.cuda.driver.KernelArgs;

/** Launchers of instance_norm.cu: planes [nc, hw]; v1 one thread per plane, v2 one block per plane. */
public final class InstanceNormLaunch {
    private InstanceNormLaunch() {}

    /** x, y [nc, hw]; mean, rstd [nc]. */
    public static void forward(int version, int nc, int hw, float eps, long x, long y, long mean, long rstd) {
        if (Launch.positive("nc", nc) == 0) return;
        if (hw < 1) throw new IllegalArgumentException("instanceNorm: hw must be >= 1, got " + hw);
        Launch.rows("instance_norm_forward", version, nc, hw, KernelArgs.of().i32(nc).i32(hw).f32(eps).ptr(x).ptr(y).ptr(mean).ptr(rstd));
    }

    public static void backward(int version, int nc, int hw, long y, long rstd, long dy, long dx) {
        if (Launch.positive("nc", nc) == 0) return;
        if (hw < 1) throw new IllegalArgumentException("instanceNormBackward: hw must be >= 1, got " + hw);
        Launch.rows("instance_norm_backward", version, nc, hw, KernelArgs.of().i32(nc).i32(hw).ptr(y).ptr(rstd).ptr(dy).ptr(dx));
    }
}
