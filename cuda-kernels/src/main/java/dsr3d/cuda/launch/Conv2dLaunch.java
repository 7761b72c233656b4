package dsr3d.cuda.launch;

import dsr3d.cuda.driver.KernelArgs;
import dsr3d.tensor.backend.ConvGeom;

/**
 * Launcher of conv2d.cu: forward, input gradient and weight gradient, NCHW with groups. v1 is
 * 1-D (one thread per output element); v2 is the implicit GEMM, grid (ceil(N/64), ceil(M/64),
 * groups) of 256 threads, with (M, N) = (coutG, n*ho*wo) forward, (cinG, n*h*w) for the input
 * gradient, (coutG, cinG*kh*kw) for the weight gradient.
 */
public final class Conv2dLaunch {
    private Conv2dLaunch() {}

    private static KernelArgs geom(ConvGeom g) {
        return KernelArgs.of().i32(g.n()).i32(g.cin()).i32(g.h()).i32(g.w()).i32(g.cout()).i32(g.kh()).i32(g.kw())
                .i32(g.strideH()).i32(g.strideW()).i32(g.padH()).i32(g.padW()).i32(g.groups()).i32(g.hout()).i32(g.wout());
    }

    private static void gemm(String name, ConvGeom g, long m, long n, KernelArgs args) {
        long gx = (n + 63) / 64, gy = (m + 63) / 64;
        if (gx > Integer.MAX_VALUE || gy > 65535 || g.groups() > 65535)
            throw new IllegalArgumentException(name + ": problem too large for one launch: " + g);
        Launch.run(name, (int) gx, (int) gy, g.groups(), 256, 1, 1, 0, args);
    }

    /** y [n,cout,ho,wo] = conv(x, w) + bias (bias 0 = none). */
    public static void forward(int version, ConvGeom g, long x, long w, long bias, long y) {
        if (g.outputSize() == 0) return;
        KernelArgs args = geom(g).ptr(x).ptr(w).ptr(bias).ptr(y);
        switch (version) {
            case 1 -> Launch.run1d("conv2d_forward_v1", g.outputSize(), args);
            case 2 -> gemm("conv2d_forward_v2", g, g.coutPerGroup(), (long) g.n() * g.hout() * g.wout(), args);
            default -> throw Launch.badVersion("conv2d_forward", version, 1, 2);
        }
    }

    /** dx [n,cin,h,w] (fully written) from dy [n,cout,ho,wo] and w. */
    public static void backwardInput(int version, ConvGeom g, long dy, long w, long dx) {
        if (g.inputSize() == 0) return;
        KernelArgs args = geom(g).ptr(dy).ptr(w).ptr(dx);
        switch (version) {
            case 1 -> Launch.run1d("conv2d_backward_input_v1", g.inputSize(), args);
            case 2 -> gemm("conv2d_backward_input_v2", g, g.cinPerGroup(), (long) g.n() * g.h() * g.w(), args);
            default -> throw Launch.badVersion("conv2d_backward_input", version, 1, 2);
        }
    }

    /** dw [cout,cin/g,kh,kw] (fully written) from x and dy. */
    public static void backwardWeight(int version, ConvGeom g, long x, long dy, long dw) {
        if (g.weightSize() == 0) return;
        KernelArgs args = geom(g).ptr(x).ptr(dy).ptr(dw);
        switch (version) {
            case 1 -> Launch.run1d("conv2d_backward_weight_v1", g.weightSize(), args);
            case 2 -> gemm("conv2d_backward_weight_v2", g, g.coutPerGroup(), (long) g.cinPerGroup() * g.kh() * g.kw(), args);
            default -> throw Launch.badVersion("conv2d_backward_weight", version, 1, 2);
        }
    }
}
