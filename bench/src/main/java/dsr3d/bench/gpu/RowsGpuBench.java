package dsr3d.bench.gpu;

import dsr3d.cuda.CudaBackend;
import dsr3d.cuda.launch.InstanceNormLaunch;
import dsr3d.cuda.launch.ReduceLaunch;
import dsr3d.cuda.launch.SoftmaxLaunch;
import dsr3d.tensor.DType;
import dsr3d.tensor.Storage;
import dsr3d.tensor.backend.ReduceOp;
import dsr3d.tensor.cpu.NormCpu;
import dsr3d.tensor.cpu.ReduceCpu;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

import static dsr3d.bench.gpu.GpuBench.*;

/**
 * Row kernels of reduce.cu (row sum), softmax.cu and instance_norm.cu, v1 (thread per row) and v2
 * (block per row), on [rows, cols] = 256 x 9216 (instance norm of 256 channels at 96x96) and
 * 9216 x 2048 (softmax over a VQ score matrix). Memory-bound: GB/s of logical traffic and
 * vsLibrary = bandwidth / cuMemcpy bandwidth. @Setup checks the full result against the CPU
 * reference (ReduceCpu, NormCpu).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx16g"})
public class RowsGpuBench {
    @Param({"reduce_rows_forward_v1", "reduce_rows_forward_v2", "softmax_forward_v1", "softmax_forward_v2",
            "softmax_backward_v1", "softmax_backward_v2", "instance_norm_forward_v1", "instance_norm_forward_v2",
            "instance_norm_backward_v1", "instance_norm_backward_v2"})
    public String kernel;

    @Param({"256x9216", "9216x2048"})
    public String shape;

    CudaBackend gpu;
    Runnable call;
    double bytes, libraryMs;

    @Setup(Level.Trial)
    public void setup() {
        gpu = requireGpu();
        int rows = Integer.parseInt(shape.split("x")[0]), cols = Integer.parseInt(shape.split("x")[1]), n = rows * cols;
        int v = Integer.parseInt(kernel.substring(kernel.lastIndexOf("_v") + 2));
        float[] x = gaussian(1, n), dy = gaussian(2, n);
        Storage gx = gpu.upload(x), gdy = gpu.upload(dy);
        double[] ref, got;
        double rel = fp32Rel(cols);
        if (kernel.startsWith("reduce_rows")) {
            Storage out = gpu.allocate(DType.F32, rows);
            call = () -> ReduceLaunch.reduceRows(v, ReduceOp.SUM, ptr(gx), rows, cols, ptr(out));
            ref = new double[rows];
            ReduceCpu.reduceRows(ReduceOp.SUM, d(x), rows, cols, ref);
            double[] mag = new double[rows];
            ReduceCpu.reduceRows(ReduceOp.SUM, abs(d(x)), rows, cols, mag);
            call.run();
            check(kernel, ref, mag, gpu.download(out, 0, rows), rel);
            bytes = 4.0 * n;
        } else if (kernel.startsWith("softmax")) {
            double[] y = new double[n];
            ReduceCpu.softmaxRows(false, d(x), rows, cols, y);
            Storage out = gpu.allocate(DType.F32, n);
            if (kernel.startsWith("softmax_forward")) {
                call = () -> SoftmaxLaunch.forward(v, false, ptr(gx), rows, cols, ptr(out));
                ref = y;
                bytes = 8.0 * n;
            } else {
                float[] yf = new float[n];
                for (int i = 0; i < n; i++) yf[i] = (float) y[i];
                Storage gy = gpu.upload(yf);
                call = () -> SoftmaxLaunch.backward(v, false, ptr(gy), ptr(gdy), rows, cols, ptr(out));
                ref = new double[n];
                ReduceCpu.softmaxRowsBackward(false, d(yf), d(dy), rows, cols, ref);
                bytes = 12.0 * n;
            }
            call.run();
            got = gpu.download(out, 0, n);
            double[] mag = new double[n];
            for (int i = 0; i < n; i++) mag[i] = Math.abs(ref[i]) + 1e-3;   // outputs are O(1/cols): compare relatively
            check(kernel, ref, mag, got, rel * 10);
        } else {
            double[] y = new double[n], mean = new double[rows], rstd = new double[rows];
            NormCpu.instanceNorm(rows, cols, 1e-5, d(x), y, mean, rstd);
            Storage out = gpu.allocate(DType.F32, n);
            if (kernel.startsWith("instance_norm_forward")) {
                Storage gm = gpu.allocate(DType.F32, rows), gr = gpu.allocate(DType.F32, rows);
                call = () -> InstanceNormLaunch.forward(v, rows, cols, 1e-5f, ptr(gx), ptr(out), ptr(gm), ptr(gr));
                ref = y;
                bytes = 8.0 * n;
            } else {
                float[] yf = new float[n], rs = new float[rows];
                for (int i = 0; i < n; i++) yf[i] = (float) y[i];
                for (int i = 0; i < rows; i++) rs[i] = (float) rstd[i];
                Storage gy = gpu.upload(yf), gr = gpu.upload(rs);
                call = () -> InstanceNormLaunch.backward(v, rows, cols, ptr(gy), ptr(gr), ptr(gdy), ptr(out));
                ref = new double[n];
                NormCpu.instanceNormBackward(rows, cols, d(yf), d(rs), d(dy), ref);
                bytes = 12.0 * n;
            }
            call.run();
            double[] mag = new double[n];
            for (int i = 0; i < n; i++) mag[i] = Math.abs(ref[i]) + 4;
            check(kernel, ref, mag, gpu.download(out, 0, n), rel);
        }
        libraryMs = memcpyMs(gpu, (long) bytes);
    }

    @Benchmark
    public void run(Rate rate) {
        rate.set(eventMs(call), bytes, libraryMs);
    }
}
