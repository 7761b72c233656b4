package dsr3d.cuda.launch;

import dsr3d.cuda.driver.KernelArgs;
import dsr3d.tensor.backend.PoolGeom;

/** Launchers of pool2d.cu (planes [nc, h, w]); one version each so far. Backward kernels that
 *  accumulate get dx zeroed here first. */
public final class Pool2dLaunch {
    private Pool2dLaunch() {}

    private static KernelArgs geom(PoolGeom p) {
        return KernelArgs.of().i32(p.nc()).i32(p.h()).i32(p.w()).i32(p.kh()).i32(p.kw()).i32(p.strideH()).i32(p.strideW())
                .i32(p.padH()).i32(p.padW()).i32(p.hout()).i32(p.wout());
    }

    private static void v1(String ladder, int version) {
        if (version != 1) throw Launch.badVersion(ladder, version, 1);
    }

    private static void zero(long ptr, long n) {
        Launch.memsetD32(ptr, 0, n);
    }

    /** x [nc,h,w] -> y, argmax (int) [nc,ho,wo]. */
    public static void maxForward(int version, PoolGeom p, long x, long y, long argmax) {
        v1("max_pool2d_forward", version);
        long n = (long) p.nc() * p.hout() * p.wout();
        if (n == 0) return;
        Launch.run1d("max_pool2d_forward_v1", n, geom(p).ptr(x).ptr(y).ptr(argmax));
    }

    /** dx [nc,h,w] = scatter of dy at argmax (dx is zeroed here first). */
    public static void maxBackward(int version, PoolGeom p, long dy, long argmax, long dx) {
        v1("max_pool2d_backward", version);
        long n = (long) p.nc() * p.hout() * p.wout();
        zero(dx, (long) p.nc() * p.h() * p.w());
        if (n == 0) return;
        Launch.run1d("max_pool2d_backward_v1", n, KernelArgs.of().i32(p.nc()).i32(p.h()).i32(p.w()).i32(p.hout()).i32(p.wout())
                .ptr(dy).ptr(argmax).ptr(dx));
    }

    public static void avgForward(int version, PoolGeom p, long x, long y) {
        v1("avg_pool2d_forward", version);
        long n = (long) p.nc() * p.hout() * p.wout();
        if (n == 0) return;
        Launch.run1d("avg_pool2d_forward_v1", n, geom(p).ptr(x).ptr(y));
    }

    public static void avgBackward(int version, PoolGeom p, long dy, long dx) {
        v1("avg_pool2d_backward", version);
        long n = (long) p.nc() * p.h() * p.w();
        if (n == 0) return;
        Launch.run1d("avg_pool2d_backward_v1", n, geom(p).ptr(dy).ptr(dx));
    }
}
