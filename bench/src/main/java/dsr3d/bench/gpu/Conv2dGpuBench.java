package dsr3d.bench.gpu;

import dsr3d.bench.cli.ConvShape;
import dsr3d.cuda.CudaBackend;
import dsr3d.cuda.driver.Cudnn;
import dsr3d.cuda.launch.Conv2dLaunch;
import dsr3d.tensor.Storage;
import dsr3d.tensor.backend.ConvGeom;
import dsr3d.tensor.cpu.Conv2dCpu;
import org.openjdk.jmh.annotations.*;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static dsr3d.bench.gpu.GpuBench.*;

/**
 * conv2d.cu (forward, input gradient, weight gradient; v1 direct, v2 implicit GEMM) against
 * cuDNN (fp32 and TF32) on the 3DSR convolution shapes of
 * {@code /dsr3d/bench/3dsr-conv-shapes.csv} (batch 1; a convT row runs as the conv it is the
 * adjoint of). Reported: GFLOP/s (2 MACs per call) and vsLibrary = cuDNN time / ours for the same
 * pass and precision. @Setup runs the same path on the shape scaled down to at most 2e7 MACs and
 * compares it with Conv2dCpu. Default shapes: the two largest, groups 2, 4x4 stride 2, a convT and
 * a 1x1; any id c1..c37 works with {@code -p shape=...}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx16g"})
public class Conv2dGpuBench {
    @Param({"conv2d_forward_v1", "conv2d_forward_v2", "conv2d_backward_input_v1", "conv2d_backward_input_v2",
            "conv2d_backward_weight_v1", "conv2d_backward_weight_v2",
            "cudnn_forward", "cudnn_backward_input", "cudnn_backward_weight",
            "cudnn-tf32_forward", "cudnn-tf32_backward_input", "cudnn-tf32_backward_weight"})
    public String kernel;

    @Param({"c1", "c2", "c7", "c12", "c13", "c37"})
    public String shape;

    CudaBackend gpu;
    Runnable call;
    double libraryMs, flop;

    /** "forward", "backward_input" or "backward_weight". */
    static String pass(String kernel) {
        String s = kernel.startsWith("conv2d_") ? kernel.substring(7, kernel.lastIndexOf("_v")) : kernel.substring(kernel.indexOf('_') + 1);
        return s;
    }

    static boolean tf32(String kernel) { return kernel.startsWith("cudnn-tf32"); }

    /** One call of the kernel on geometry g with buffers x, w, y (y = output of the pass). */
    static Runnable call(String kernel, ConvGeom g, Storage x, Storage w, Storage dy, Storage out) {
        String pass = pass(kernel);
        if (kernel.startsWith("cudnn")) {
            boolean tf = tf32(kernel);
            return switch (pass) {
                case "forward" -> () -> Cudnn.get().convForward(g, ptr(x), ptr(w), ptr(out), tf);
                case "backward_input" -> () -> Cudnn.get().convBackwardData(g, ptr(dy), ptr(w), ptr(out), tf);
                default -> () -> Cudnn.get().convBackwardFilter(g, ptr(x), ptr(dy), ptr(out), tf);
            };
        }
        int v = Integer.parseInt(kernel.substring(kernel.lastIndexOf("_v") + 2));
        return switch (pass) {
            case "forward" -> () -> Conv2dLaunch.forward(v, g, ptr(x), ptr(w), 0, ptr(out));
            case "backward_input" -> () -> Conv2dLaunch.backwardInput(v, g, ptr(dy), ptr(w), ptr(out));
            default -> () -> Conv2dLaunch.backwardWeight(v, g, ptr(x), ptr(dy), ptr(out));
        };
    }

    static int outSize(String pass, ConvGeom g) {
        return switch (pass) { case "forward" -> g.outputSize(); case "backward_input" -> g.inputSize(); default -> g.weightSize(); };
    }

    @Setup(Level.Trial)
    public void setup() {
        gpu = requireGpu();
        ConvShape s = ConvShape.byIds(List.of(shape)).get(0);
        String pass = pass(kernel);
        // 1. the reduced problem against the reference
        ConvGeom small = s.scaledTo(20_000_000L).kernelGeom();
        float[] x = gaussian(1, small.inputSize()), w = gaussian(2, small.weightSize()), dy = gaussian(3, small.outputSize());
        int outN = outSize(pass, small);
        double[] ref = new double[outN], mag = new double[outN];
        long reduction;
        switch (pass) {
            case "forward" -> { Conv2dCpu.forward(small, d(x), d(w), null, ref); Conv2dCpu.forward(small, abs(d(x)), abs(d(w)), null, mag);
                reduction = (long) small.cinPerGroup() * small.kh() * small.kw(); }
            case "backward_input" -> { Conv2dCpu.backwardInput(small, d(dy), d(w), ref); Conv2dCpu.backwardInput(small, abs(d(dy)), abs(d(w)), mag);
                reduction = (long) small.coutPerGroup() * small.kh() * small.kw(); }
            default -> { Conv2dCpu.backwardWeight(small, d(x), d(dy), ref); Conv2dCpu.backwardWeight(small, abs(d(x)), abs(d(dy)), mag);
                reduction = (long) small.hout() * small.wout(); }
        }
        Storage out = gpu.upload(gaussian(4, outN));
        call(kernel, small, gpu.upload(x), gpu.upload(w), gpu.upload(dy), out).run();
        check(kernel + " " + s.describe() + " scaled /" + s.scaledTo(20_000_000L).scale(), ref, mag, gpu.download(out, 0, outN),
                tf32(kernel) ? TF32_REL : fp32Rel(reduction));
        // 2. the full shape
        ConvGeom g = s.kernelGeom();
        Storage gx = gpu.upload(gaussian(5, g.inputSize())), gw = gpu.upload(gaussian(6, g.weightSize())),
                gdy = gpu.upload(gaussian(7, g.outputSize())), gout = gpu.allocate(dsr3d.tensor.DType.F32, outSize(pass, g));
        call = call(kernel, g, gx, gw, gdy, gout);
        flop = 2.0 * g.macs();
        String lib = (tf32(kernel) ? "cudnn-tf32_" : "cudnn_") + pass;
        libraryMs = Cudnn.available() ? eventMs(call(lib, g, gx, gw, gdy, gout)) : Double.NaN;
    }

    @Benchmark
    public void run(Rate rate) {
        rate.set(eventMs(call), flop, libraryMs);
    }
}
