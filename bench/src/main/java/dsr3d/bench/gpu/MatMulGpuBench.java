package dsr3d.bench.gpu;

import dsr3d.cuda.CudaBackend;
import dsr3d.cuda.driver.Cublas;
import dsr3d.cuda.launch.MatMulLaunch;
import dsr3d.tensor.Storage;
import dsr3d.tensor.cpu.MatMulCpu;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

import static dsr3d.bench.gpu.GpuBench.*;

/**
 * SGEMM ladder of matmul.cu (v1 naive ... v3 register blocking in fp32, v4 TF32 tensor cores)
 * against cuBLAS on square n^3 problems, C = A B, row-major. Reported: GFLOP/s (2 n^3 per
 * call) and vsLibrary = cuBLAS time / ours, fp32 against fp32 cuBLAS and TF32 (v4) against
 * cuBLAS with TF32 math. @Setup checks the path on an awkward 67x129x45 problem against
 * MatMulCpu and 64 sampled entries of the full-size result against exact dot products.
 *
 * <p>{@code java -jar benchmarks.jar MatMulGpuBench -p size=4096 -p kernel=matmul_forward_v3,cublas}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx16g"})
public class MatMulGpuBench {
    @Param({"matmul_forward_v1", "matmul_forward_v2", "matmul_forward_v3", "matmul_forward_v4", "cublas", "cublas-tf32"})
    public String kernel;

    @Param({"1024", "2048", "4096"})
    public int size;

    CudaBackend gpu;
    Storage a, b, c;
    Runnable call;
    double libraryMs;

    static boolean tf32(String kernel) { return kernel.equals("matmul_forward_v4") || kernel.equals("cublas-tf32"); }

    static void gemm(String kernel, int m, int n, int k, long a, long b, long c) {
        switch (kernel) {
            case "cublas" -> Cublas.get().sgemmRowMajor(false, false, m, n, k, a, b, c, false, false);
            case "cublas-tf32" -> Cublas.get().sgemmRowMajor(false, false, m, n, k, a, b, c, false, true);
            default -> MatMulLaunch.forward(Integer.parseInt(kernel.substring(kernel.lastIndexOf('v') + 1)), false, false, 1, m, n, k, a, 0, b, 0, c);
        }
    }

    @Setup(Level.Trial)
    public void setup() {
        gpu = requireGpu();
        double rel = tf32(kernel) ? TF32_REL : fp32Rel(size);
        // 1. an awkward small problem against the reference
        int m = 67, n = 129, k = 45;
        float[] sa = gaussian(1, m * k), sb = gaussian(2, k * n);
        double[] ref = new double[m * n], mag = new double[m * n];
        MatMulCpu.matmul(false, false, 1, m, n, k, d(sa), 0, d(sb), 0, ref);
        MatMulCpu.matmul(false, false, 1, m, n, k, abs(d(sa)), 0, abs(d(sb)), 0, mag);
        Storage ga = gpu.upload(sa), gb = gpu.upload(sb), gc = gpu.upload(gaussian(3, m * n));
        gemm(kernel, m, n, k, ptr(ga), ptr(gb), ptr(gc));
        check(kernel + " " + m + "x" + n + "x" + k, ref, mag, gpu.download(gc, 0, m * n), tf32(kernel) ? TF32_REL : fp32Rel(k));
        // 2. the full-size problem, 64 sampled entries against exact dot products
        float[] fa = gaussian(4, size * size), fb = gaussian(5, size * size);
        a = gpu.upload(fa);
        b = gpu.upload(fb);
        c = gpu.upload(new float[size * size]);
        call = () -> gemm(kernel, size, size, size, ptr(a), ptr(b), ptr(c));
        call.run();
        float[] got = gpu.downloadFloats(c);
        double[] sRef = new double[64], sMag = new double[64], sGot = new double[64];
        java.util.Random r = new java.util.Random(6);
        for (int s = 0; s < 64; s++) {
            int i = r.nextInt(size), j = r.nextInt(size);
            for (int p = 0; p < size; p++) {
                double t = (double) fa[i * size + p] * fb[p * size + j];
                sRef[s] += t;
                sMag[s] += Math.abs(t);
            }
            sGot[s] = got[i * size + j];
        }
        check(kernel + " " + size + "^3 sampled", sRef, sMag, sGot, rel);
        libraryMs = Cublas.available() ? eventMs(() -> gemm(tf32(kernel) ? "cublas-tf32" : "cublas", size, size, size, ptr(a), ptr(b), ptr(c)))
                : Double.NaN;
    }

    @Benchmark
    public void run(Rate rate) {
        rate.set(eventMs(call), 2.0 * size * size * size, libraryMs);
    }
}
