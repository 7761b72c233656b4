package dsr3d.cuda.launch;

import dsr3d.cuda.driver.KernelArgs;

/** Launchers of upsample.cu (planes [nc, h, w]); one version each so far. */
public final class UpsampleLaunch {
    private UpsampleLaunch() {}

    private static void v1(String ladder, int version) {
        if (version != 1) throw Launch.badVersion(ladder, version, 1);
    }

    private static void zero(long ptr, long n) {
        Launch.memsetD32(ptr, 0, n);
    }

    /** Bilinear, align_corners = true: x [nc,h,w] -> y [nc,ho,wo]. */
    public static void bilinear(int version, int nc, int h, int w, int ho, int wo, long x, long y) {
        v1("upsample_bilinear_forward", version);
        long n = (long) nc * ho * wo;
        if (n == 0) return;
        Launch.run1d("upsample_bilinear_forward_v1", n, KernelArgs.of().i32(nc).i32(h).i32(w).i32(ho).i32(wo).ptr(x).ptr(y));
    }

    /** dx [nc,h,w] (zeroed here first) += the four weighted taps of every dy. */
    public static void bilinearBackward(int version, int nc, int h, int w, int ho, int wo, long dy, long dx) {
        v1("upsample_bilinear_backward", version);
        zero(dx, (long) nc * h * w);
        long n = (long) nc * ho * wo;
        if (n == 0) return;
        Launch.run1d("upsample_bilinear_backward_v1", n, KernelArgs.of().i32(nc).i32(h).i32(w).i32(ho).i32(wo).ptr(dy).ptr(dx));
    }

    public static void nearest(int version, int nc, int h, int w, int fh, int fw, long x, long y) {
        v1("upsample_nearest_forward", version);
        long n = (long) nc * h * fh * w * fw;
        if (n == 0) return;
        Launch.run1d("upsample_nearest_forward_v1", n, KernelArgs.of().i32(nc).i32(h).i32(w).i32(fh).i32(fw).ptr(x).ptr(y));
    }

    public static void nearestBackward(int version, int nc, int h, int w, int fh, int fw, long dy, long dx) {
        v1("upsample_nearest_backward", version);
        long n = (long) nc * h * w;
        if (n == 0) return;
        Launch.run1d("upsample_nearest_backward_v1", n, KernelArgs.of().i32(nc).i32(h).i32(w).i32(fh).i32(fw).ptr(dy).ptr(dx));
    }
}
