package dsr3d.cuda.launch;

import dsr3d.cuda.driver.KernelArgs;

/**
 * Launcher of vq_ema.cu: the EMA codebook update of VectorQuantizerEMA after a nearest search
 * (the Backend SPI has no such op yet; nn calls index-add rows and tensor ops instead). In place:
 * clusterSize [k], emaW [k, d] and embedding [k, d]; inputs z [n, d] and idx int [n] (in range).
 * Scratch: counts [k] and sums [k, d] floats, zeroed here. Three launches: counts, smooth (one
 * block of 1024 threads), update.
 */
public final class VqEmaLaunch {
    private VqEmaLaunch() {}

    public static void update(int version, long z, long idx, int n, int d, int k, float decay, float eps,
                              long clusterSize, long emaW, long embedding, long countsScratch, long sumsScratch) {
        if (version != 1) throw Launch.badVersion("vq_ema_forward", version, 1);
        if (n < 0 || d < 1 || k < 1) throw new IllegalArgumentException("vqEma: expected n >= 0, d >= 1, k >= 1, got n=" + n + " d=" + d + " k=" + k);
        Launch.memsetD32(countsScratch, 0, k);
        Launch.memsetD32(sumsScratch, 0, (long) k * d);
        if (n > 0)
            Launch.run1d("vq_ema_forward_counts_v1", (long) n * d, KernelArgs.of().ptr(z).ptr(idx).i32(n).i32(d).ptr(countsScratch).ptr(sumsScratch));
        Launch.run("vq_ema_forward_smooth_v1", 1, 1, 1, 1024, 1, 1, 0,
                KernelArgs.of().ptr(clusterSize).ptr(countsScratch).i32(k).f32(decay).f32(eps));
        Launch.run1d("vq_ema_forward_update_v1", (long) k * d,
                KernelArgs.of().ptr(emaW).ptr(sumsScratch).ptr(clusterSize).i32(k).i32(d).f32(decay).ptr(embedding));
    }
}
