package dsr3d.cuda.launch;

import dsr3d.cuda.driver.KernelArgs;

/**
 * Launcher of vq_nearest.cu: out[i] = argmin_j ||z_i - e_j||^2, z [n, d], e [k, d], out int [n].
 * v1: one thread per row. v2: the codeword norms into a scratch buffer of k floats
 * ({@link #scratchFloats}), then blocks of 64 rows x 256 threads.
 */
public final class VqNearestLaunch {
    private VqNearestLaunch() {}

    /** Floats of device scratch the version needs (0: none). */
    public static int scratchFloats(int version, int k) {
        return switch (version) {
            case 1 -> 0;
            case 2 -> k;
            default -> throw Launch.badVersion("vq_nearest_forward", version, 1, 2);
        };
    }

    public static void nearest(int version, long z, long e, int n, int k, int d, long out, long scratch) {
        if (n < 0 || k < 1 || d < 1)
            throw new IllegalArgumentException("vqNearest: expected n >= 0, k >= 1, d >= 1, got n=" + n + " k=" + k + " d=" + d);
        if (n == 0) return;
        switch (version) {
            case 1 -> Launch.run1d("vq_nearest_forward_v1", n, KernelArgs.of().ptr(z).ptr(e).i32(n).i32(k).i32(d).ptr(out));
            case 2 -> {
                if (scratch == 0) throw new IllegalArgumentException("vq_nearest_forward_v2 needs a scratch buffer of k=" + k + " floats");
                Launch.run1d("vq_nearest_forward_norms_v2", k, KernelArgs.of().ptr(e).i32(k).i32(d).ptr(scratch));
                Launch.run("vq_nearest_forward_v2", (n + 63) / 64, 1, 1, 256, 1, 1, 0,
                        KernelArgs.of().ptr(z).ptr(e).ptr(scratch).i32(n).i32(k).i32(d).ptr(out));
            }
            default -> throw Launch.badVersion("vq_nearest_forward", version, 1, 2);
        }
    }
}
