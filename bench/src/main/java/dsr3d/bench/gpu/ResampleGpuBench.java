package dsr3d.bench.gpu;

import dsr3d.cuda.CudaBackend;
import dsr3d.cuda.launch.Pool2dLaunch;
import dsr3d.cuda.launch.UpsampleLaunch;
import dsr3d.tensor.DType;
import dsr3d.tensor.Storage;
import dsr3d.tensor.backend.PoolGeom;
import dsr3d.tensor.cpu.Pool2dCpu;
import dsr3d.tensor.cpu.UpsampleCpu;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

import static dsr3d.bench.gpu.GpuBench.*;

/**
 * pool2d.cu and upsample.cu on 3DSR sizes: 2x2 max / avg pooling of 128 planes of 192x192 (the
 * UNet encoder), bilinear x2 of 128 planes 96x96 -> 192x192 (decoder, align_corners), nearest
 * x2 of the same. Memory-bound: GB/s of logical traffic (input read once, output written once)
 * and vsLibrary = bandwidth / cuMemcpy bandwidth. @Setup checks against Pool2dCpu / UpsampleCpu.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx16g"})
public class ResampleGpuBench {
    @Param({"max_pool2d_forward_v1", "max_pool2d_backward_v1", "avg_pool2d_forward_v1", "avg_pool2d_backward_v1",
            "upsample_bilinear_forward_v1", "upsample_bilinear_backward_v1", "upsample_nearest_forward_v1", "upsample_nearest_backward_v1"})
    public String kernel;

    CudaBackend gpu;
    Runnable call;
    double bytes, libraryMs;

    @Setup(Level.Trial)
    public void setup() {
        gpu = requireGpu();
        double[] ref;
        Storage out;
        if (kernel.contains("pool2d")) {
            PoolGeom p = new PoolGeom(128, 192, 192, 2, 2, 2, 2, 0, 0);
            int in = 128 * 192 * 192, o = 128 * p.hout() * p.wout();
            float[] x = gaussian(1, in), dy = gaussian(2, o);
            double[] y = new double[o];
            int[] arg = new int[o];
            Pool2dCpu.maxForward(p, d(x), y, arg);
            Storage gx = gpu.upload(x), gdy = gpu.upload(dy), ga = gpu.upload(arg);
            bytes = 4.0 * (in + o);
            switch (kernel) {
                case "max_pool2d_forward_v1" -> {
                    out = gpu.allocate(DType.F32, o);
                    Storage ga2 = gpu.allocate(DType.I32, o);
                    Storage res = out;
                    call = () -> Pool2dLaunch.maxForward(1, p, ptr(gx), ptr(res), ptr(ga2));
                    ref = y;
                    bytes += 4.0 * o;
                }
                case "max_pool2d_backward_v1" -> {
                    out = gpu.allocate(DType.F32, in);
                    Storage res = out;
                    call = () -> Pool2dLaunch.maxBackward(1, p, ptr(gdy), ptr(ga), ptr(res));
                    ref = new double[in];
                    Pool2dCpu.maxBackward(p, d(dy), arg, ref);
                    bytes += 4.0 * o;
                }
                case "avg_pool2d_forward_v1" -> {
                    out = gpu.allocate(DType.F32, o);
                    Storage res = out;
                    call = () -> Pool2dLaunch.avgForward(1, p, ptr(gx), ptr(res));
                    ref = new double[o];
                    Pool2dCpu.avgForward(p, d(x), ref);
                }
                default -> {
                    out = gpu.allocate(DType.F32, in);
                    Storage res = out;
                    call = () -> Pool2dLaunch.avgBackward(1, p, ptr(gdy), ptr(res));
                    ref = new double[in];
                    Pool2dCpu.avgBackward(p, d(dy), ref);
                }
            }
        } else {
            int nc = 128, h = 96, w = 96, ho = 192, wo = 192, in = nc * h * w, o = nc * ho * wo;
            float[] x = gaussian(1, in), dy = gaussian(2, o);
            Storage gx = gpu.upload(x), gdy = gpu.upload(dy);
            bytes = 4.0 * (in + o);
            boolean fwd = kernel.contains("forward");
            out = gpu.allocate(DType.F32, fwd ? o : in);
            Storage res = out;
            ref = new double[fwd ? o : in];
            switch (kernel) {
                case "upsample_bilinear_forward_v1" -> { call = () -> UpsampleLaunch.bilinear(1, nc, h, w, ho, wo, ptr(gx), ptr(res));
                    UpsampleCpu.bilinear(nc, h, w, ho, wo, d(x), ref); }
                case "upsample_bilinear_backward_v1" -> { call = () -> UpsampleLaunch.bilinearBackward(1, nc, h, w, ho, wo, ptr(gdy), ptr(res));
                    UpsampleCpu.bilinearBackward(nc, h, w, ho, wo, d(dy), ref); }
                case "upsample_nearest_forward_v1" -> { call = () -> UpsampleLaunch.nearest(1, nc, h, w, 2, 2, ptr(gx), ptr(res));
                    UpsampleCpu.nearest(nc, h, w, 2, 2, d(x), ref); }
                default -> { call = () -> UpsampleLaunch.nearestBackward(1, nc, h, w, 2, 2, ptr(gdy), ptr(res));
                    UpsampleCpu.nearestBackward(nc, h, w, 2, 2, d(dy), ref); }
            }
        }
        call.run();
        double[] mag = abs(ref);
        for (int i = 0; i < mag.length; i++) mag[i] += 1;
        check(kernel, ref, mag, gpu.download(out, 0, ref.length), 1e-5);
        libraryMs = memcpyMs(gpu, (long) bytes);
    }

    @Benchmark
    public void run(Rate rate) {
        rate.set(eventMs(call), bytes, libraryMs);
    }
}
