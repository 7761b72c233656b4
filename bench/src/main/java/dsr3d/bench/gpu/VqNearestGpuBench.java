package dsr3d.bench.gpu;

import dsr3d.cuda.CudaBackend;
import dsr3d.cuda.driver.Cublas;
import dsr3d.cuda.launch.ElementwiseLaunch;
import dsr3d.cuda.launch.ReduceLaunch;
import dsr3d.cuda.launch.VqNearestLaunch;
import dsr3d.tensor.DType;
import dsr3d.tensor.Storage;
import dsr3d.tensor.backend.BinaryOp;
import dsr3d.tensor.backend.ReduceOp;
import dsr3d.tensor.backend.UnaryOp;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

import static dsr3d.bench.gpu.GpuBench.*;

/**
 * The VQ nearest-codeword search of 3DSR, z [n, d] against a codebook [k, d] (default the bottom
 * latent: n = 9216 = 96x96, k = 2048, d = 256): vq_nearest.cu v1 (thread per row) and v2 (fused
 * distance tiles + running argmin) against the library route "cuBLAS GEMM into the full n x k
 * score matrix, then an argmin pass" (scores ||e||^2 - 2 z.e; our norms and argmin kernels).
 * Reported: GFLOP/s (2 n k d) and vsLibrary = library-route time / ours. @Setup checks 128
 * sampled rows: the chosen codeword's exact distance must be within rounding of the exact minimum.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx16g"})
public class VqNearestGpuBench {
    @Param({"vq_nearest_forward_v1", "vq_nearest_forward_v2", "cublas-gemm-argmin"})
    public String kernel;

    @Param({"9216"})
    public int n;
    @Param({"2048"})
    public int k;
    @Param({"256"})
    public int d;

    CudaBackend gpu;
    Storage z, e, out, scratch, scores;
    Runnable call;
    double libraryMs;

    Runnable path(String kernel) {
        return switch (kernel) {
            case "vq_nearest_forward_v1" -> () -> VqNearestLaunch.nearest(1, ptr(z), ptr(e), n, k, d, ptr(out), 0);
            case "vq_nearest_forward_v2" -> () -> VqNearestLaunch.nearest(2, ptr(z), ptr(e), n, k, d, ptr(out), ptr(scratch));
            case "cublas-gemm-argmin" -> () -> {
                if (scores == null) scores = gpu.allocate(DType.F32, Math.multiplyExact(n, k));
                dsr3d.cuda.launch.Launch.run1d("vq_nearest_forward_norms_v2", k,
                        dsr3d.cuda.driver.KernelArgs.of().ptr(ptr(e)).i32(k).i32(d).ptr(ptr(scratch)));
                Cublas.get().sgemmRowMajor(false, true, n, k, d, ptr(z), ptr(e), ptr(scores), false, false);   // z e^T
                int nk = n * k;
                ElementwiseLaunch.unary(2, UnaryOp.AFFINE, -2f, 0f, ptr(scores), ptr(scores), nk);           // -2 z.e
                ElementwiseLaunch.binary(1, BinaryOp.ADD, new int[]{n, k}, ptr(scores), 0, new int[]{k, 1},
                        ptr(scratch), 0, new int[]{0, 1}, ptr(scores));                                        // + ||e||^2
                ReduceLaunch.reduceRows(2, ReduceOp.ARGMIN, ptr(scores), n, k, ptr(out));
            };
            default -> throw new IllegalArgumentException("unknown kernel " + kernel);
        };
    }

    @Setup(Level.Trial)
    public void setup() {
        gpu = requireGpu();
        float[] fz = gaussian(1, n * d), fe = gaussian(2, k * d);
        z = gpu.upload(fz);
        e = gpu.upload(fe);
        out = gpu.allocate(DType.I32, n);
        scratch = gpu.allocate(DType.F32, k);
        call = path(kernel);
        call.run();
        int[] got = gpu.downloadInts(out);
        java.util.Random r = new java.util.Random(3);
        for (int s = 0; s < 128; s++) {
            int i = r.nextInt(n);
            double best = Double.POSITIVE_INFINITY;
            for (int j = 0; j < k; j++) best = Math.min(best, dist(fz, fe, i, j));
            double chosen = got[i] >= 0 && got[i] < k ? dist(fz, fe, i, got[i]) : Double.NaN;
            if (!(chosen <= best + 1e-4 * (1 + best) * Math.sqrt(d)))
                throw new IllegalStateException("refusing to time a wrong kernel: " + kernel + " row " + i + " chose " + got[i]
                        + " at distance " + chosen + ", the minimum is " + best);
        }
        libraryMs = Cublas.available() ? eventMs(path("cublas-gemm-argmin")) : Double.NaN;
    }

    double dist(float[] z, float[] e, int i, int j) {
        double s = 0;
        for (int p = 0; p < d; p++) { double t = z[i * d + p] - (double) e[j * d + p]; s += t * t; }
        return s;
    }

    @Benchmark
    public void run(Rate rate) {
        rate.set(eventMs(call), 2.0 * n * k * d, libraryMs);
    }
}
