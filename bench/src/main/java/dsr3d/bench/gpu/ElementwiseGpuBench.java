package dsr3d.bench.gpu;

import dsr3d.cuda.CudaBackend;
import dsr3d.cuda.launch.ElementwiseLaunch;
import dsr3d.tensor.DType;
import dsr3d.tensor.Storage;
import dsr3d.tensor.backend.BinaryOp;
import dsr3d.tensor.backend.UnaryOp;
import dsr3d.tensor.cpu.CpuStorage;
import dsr3d.tensor.cpu.ElementwiseCpu;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

import static dsr3d.bench.gpu.GpuBench.*;

/**
 * elementwise.cu on 16 Mi floats (a [4096, 4096] matrix): unary sigmoid (v1, v2), binary add with
 * a row broadcast, where, a transposing strided copy, fill. Memory-bound: reported GB/s of
 * logical traffic (each element read and written once) and vsLibrary = bandwidth / the
 * device-to-device cuMemcpy bandwidth in the same run. @Setup checks the full result against
 * ElementwiseCpu.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx16g"})
public class ElementwiseGpuBench {
    @Param({"unary_forward_v1", "unary_forward_v2", "binary_forward_v1", "where_forward_v1", "copy_strided_forward_v1", "fill_forward_v1"})
    public String kernel;

    static final int SIDE = 4096, N = SIDE * SIDE;

    CudaBackend gpu;
    Runnable call;
    double bytes, libraryMs;

    @Setup(Level.Trial)
    public void setup() {
        gpu = requireGpu();
        float[] a = gaussian(1, N), b = gaussian(2, N), row = gaussian(3, SIDE);
        Storage ga = gpu.upload(a), gb = gpu.upload(b), out = gpu.allocate(DType.F32, N);
        double[] ref = new double[N];
        switch (kernel) {
            case "unary_forward_v1", "unary_forward_v2" -> {
                int v = kernel.endsWith("v1") ? 1 : 2;
                call = () -> ElementwiseLaunch.unary(v, UnaryOp.SIGMOID, 0f, 0f, ptr(ga), ptr(out), N);
                ElementwiseCpu.unary(UnaryOp.SIGMOID, 0, 0, d(a), ref, N);
                bytes = 8.0 * N;
            }
            case "binary_forward_v1" -> {
                Storage gr = gpu.upload(row);
                int[] shape = {SIDE, SIDE}, st = {SIDE, 1}, bst = {0, 1};
                call = () -> ElementwiseLaunch.binary(1, BinaryOp.ADD, shape, ptr(ga), 0, st, ptr(gr), 0, bst, ptr(out));
                ElementwiseCpu.binary(BinaryOp.ADD, shape, d(a), 0, st, d(row), 0, bst, ref);
                bytes = 8.0 * N;
            }
            case "where_forward_v1" -> {
                call = () -> ElementwiseLaunch.where(1, ptr(gb), ptr(ga), ptr(gb), ptr(out), N);
                ElementwiseCpu.where(d(b), d(a), d(b), ref, N);
                bytes = 12.0 * N;   // cond and b are the same buffer here, read once each logically: count 3 streams
            }
            case "copy_strided_forward_v1" -> {
                int[] shape = {SIDE, SIDE}, in = {1, SIDE}, o = {SIDE, 1};   // transpose
                call = () -> ElementwiseLaunch.copy(1, shape, ptr(ga), ElementwiseLaunch.F32, 0, in, ptr(out), ElementwiseLaunch.F32, 0, o);
                CpuStorage ro = CpuStorage.of(new double[N]);
                ElementwiseCpu.copy(shape, CpuStorage.of(d(a)), 0, in, ro, 0, o);
                ref = ro.d;
                bytes = 8.0 * N;
            }
            case "fill_forward_v1" -> {
                call = () -> ElementwiseLaunch.fill(1, ptr(out), Float.floatToRawIntBits(1.5f), N - 1);
                java.util.Arrays.fill(ref, 0, N - 1, 1.5);
                bytes = 4.0 * N;
            }
            default -> throw new IllegalArgumentException("unknown kernel " + kernel);
        }
        call.run();
        check(kernel, ref, null, gpu.download(out, 0, N), 4e-6);
        libraryMs = memcpyMs(gpu, (long) bytes);
    }

    @Benchmark
    public void run(Rate rate) {
        rate.set(eventMs(call), bytes, libraryMs);
    }
}
