package dsr3d.cuda.launch;

import dsr3d.cuda.driver.KernelArgs;
import dsr3d.tensor.backend.ReduceOp;

/** Launchers of reduce.cu: v1 one thread per row, v2 one block per row (size follows the row length). */
public final class ReduceLaunch {
    private ReduceLaunch() {}

    static int opCode(ReduceOp op) {
        return switch (op) { case SUM -> 0; case MAX -> 1; case MIN -> 2; case ARGMAX -> 3; case ARGMIN -> 4; };
    }

    /** in [rows, cols] -> out [rows] (float, or int for ARG ops). cols >= 1 (checked). */
    public static void reduceRows(int version, ReduceOp op, long in, int rows, int cols, long out) {
        if (Launch.positive("rows", rows) == 0) return;
        if (cols < 1) throw new IllegalArgumentException("reduceRows " + op + ": cols must be >= 1, got " + cols);
        Launch.rows("reduce_rows_forward", version, rows, cols, KernelArgs.of().i32(opCode(op)).ptr(in).i32(rows).i32(cols).ptr(out));
    }
}
