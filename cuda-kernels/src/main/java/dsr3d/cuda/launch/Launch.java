package dsr3d.cuda.launch;

import dsr3d.cuda.Kernels;
import dsr3d.cuda.driver.KernelArgs;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What every launcher shares: 1-D grid sizing for the grid-stride kernels, the launch itself
 * (logged at FINE: kernel, grid, block, arguments, for -Ddsr3d.cuda.debug style tracing), and
 * version checks with errors that name the ladder and the known versions.
 */
public final class Launch {
    private static final Logger LOG = Logger.getLogger("dsr3d.cuda.launch");

    /** Threads per block of the 1-D kernels. */
    public static final int BLOCK = 256;
    /** Grid-stride kernels need no more blocks than this to fill an H200 (132 SMs x 16). */
    public static final int MAX_BLOCKS = 132 * 16 * 4;

    private Launch() {}

    /** Blocks for n elements at {@link #BLOCK} threads, capped (the kernels loop). n >= 1. */
    public static int blocks(long n) {
        return (int) Math.max(1, Math.min(MAX_BLOCKS, (n + BLOCK - 1) / BLOCK));
    }

    /** A launch (or a memset, kernel "cuMemsetD32") as the recorder sees it. */
    public record Recorded(String kernel, int gx, int gy, int gz, int bx, int by, int bz, int shared, KernelArgs args) {}

    private static volatile java.util.function.Consumer<Recorded> recorder;

    /**
     * Test hook: with a recorder set, launches (and the launchers' memsets) are handed to it
     * instead of the GPU, so the Java side (argument kinds against the kernel signatures, grid
     * geometry) can be checked on a machine without one. null restores real launches.
     */
    public static void recordInsteadOfLaunching(java.util.function.Consumer<Recorded> r) { recorder = r; }

    /** One launch of a catalogued kernel. */
    public static void run(String kernel, int gx, int gy, int gz, int bx, int by, int bz, int shared, KernelArgs args) {
        var rec = recorder;
        if (rec != null) {
            dsr3d.cuda.KernelCatalog.byName(kernel);
            rec.accept(new Recorded(kernel, gx, gy, gz, bx, by, bz, shared, args));
            return;
        }
        Kernels k = Kernels.get();
        if (LOG.isLoggable(Level.FINE))
            LOG.fine(kernel + " grid " + gx + "x" + gy + "x" + gz + " block " + bx + "x" + by + "x" + bz + " " + args);
        k.driver().launch(k.function(kernel), gx, gy, gz, bx, by, bz, shared, args);
    }

    /** Sets count 32-bit words at ptr to value, on the stream (the zeroing before accumulating kernels). */
    public static void memsetD32(long ptr, int value, long count) {
        if (count <= 0) return;
        var rec = recorder;
        if (rec != null) { rec.accept(new Recorded("cuMemsetD32", 1, 1, 1, 1, 1, 1, 0, KernelArgs.of().ptr(ptr).i32(value).i64(count))); return; }
        Kernels.get().driver().memsetD32(ptr, value, count);
    }

    /** A 1-D grid-stride launch over n work items. */
    public static void run1d(String kernel, long n, KernelArgs args) {
        run(kernel, blocks(n), 1, 1, BLOCK, 1, 1, 0, args);
    }

    public static IllegalArgumentException badVersion(String ladder, int version, int... known) {
        return new IllegalArgumentException("CUDA kernel " + ladder + ": no version v" + version + "; versions: "
                + java.util.Arrays.toString(known));
    }

    /** Threads per block for rows of length cols: enough warps to cover a short row, at most 256. */
    static int rowBlock(int cols) {
        return Math.min(256, Math.max(32, (cols + 31) / 32 * 32));
    }

    /** The row ladders: v1 one thread per row (1-D grid-stride), v2 one block per row. */
    static void rows(String ladder, int version, int rows, int cols, KernelArgs args) {
        switch (version) {
            case 1 -> run1d(ladder + "_v1", rows, args);
            case 2 -> run(ladder + "_v2", Math.min(rows, MAX_BLOCKS), 1, 1, rowBlock(cols), 1, 1, 0, args);
            default -> throw badVersion(ladder, version, 1, 2);
        }
    }

    static int positive(String what, int v) {
        if (v < 0) throw new IllegalArgumentException(what + ": expected >= 0, got " + v);
        return v;
    }
}
