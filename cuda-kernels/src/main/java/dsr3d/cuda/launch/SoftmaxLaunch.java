package dsr3d.cuda.launch;

import dsr3d.cuda.driver.KernelArgs;

/** Launchers of softmax.cu: rows of [rows, cols]; v1 one thread per row, v2 one block per row. */
public final class SoftmaxLaunch {
    private SoftmaxLaunch() {}

    public static void forward(int version, boolean log, long in, int rows, int cols, long out) {
        if (Launch.positive("rows", rows) == 0 || Launch.positive("cols", cols) == 0) return;
        Launch.rows("softmax_forward", version, rows, cols, KernelArgs.of().i32(log ? 1 : 0).ptr(in).i32(rows).i32(cols).ptr(out));
    }

    /** y the forward output, dy the upstream gradient, dx [rows, cols]. */
    public static void backward(int version, boolean log, long y, long dy, int rows, int cols, long dx) {
        if (Launch.positive("rows", rows) == 0 || Launch.positive("cols", cols) == 0) return;
        Launch.rows("softmax_backward", version, rows, cols, KernelArgs.of().i32(log ? 1 : 0).ptr(y).ptr(dy).i32(rows).i32(cols).ptr(dx));
    }
}
