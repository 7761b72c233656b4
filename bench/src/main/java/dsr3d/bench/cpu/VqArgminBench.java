package dsr3d.bench.cpu;

import dsr3d.bench.support.GflopCounter;
import dsr3d.tensor.cpu.MatMulCpu;
import dsr3d.tensor.cpu.simd.Parallel;
import dsr3d.tensor.cpu.simd.Sgemm;
import dsr3d.tensor.cpu.simd.VqNearestSimd;
import org.openjdk.jmh.annotations.*;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The VQ nearest-codeword search of 3DSR (N latent vectors against a K = 2048 x D = 256 codebook):
 * the fused kernel (VqNearestSimd: GEMM tiles folded into a running argmin) against the baseline
 * "full GEMM into an N x K matrix, then a separate argmin pass" with the same Sgemm.
 *
 * <p>Reported: the {@code gflop} auxiliary counter (ops/s), which is GFLOP/s (2*N*K*D flops per
 * search). Both kernels are checked once in @Setup against the exact double reference on the
 * first 64 rows (chosen codeword's exact distance within rounding of the exact minimum) and the
 * benchmark refuses to run when they are wrong.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar VqArgminBench -p n=9216 -wi 2 -i 3 -f 1}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx8g"})
public class VqArgminBench {
    /** Latent vectors: 96*96 (the 3DSR bottom level at 384 px) and 48*48. */
    @Param({"9216", "2304"})
    public int n;

    @Param({"1", "2"})
    public int threads;

    public static final int K = 2048, D = 256;

    float[] z, codebook, norms, dots;
    int[] out;


    @Setup(Level.Trial)
    public void setup() {
        Parallel.setThreads(threads);
        Random rnd = new Random(42);
        z = new float[n * D];
        codebook = new float[K * D];
        for (int i = 0; i < z.length; i++) z[i] = (float) rnd.nextGaussian();
        for (int i = 0; i < codebook.length; i++) codebook[i] = (float) rnd.nextGaussian();
        out = new int[n];
        dots = new float[n * K];
        norms = new float[K];
        VqNearestSimd.nearest(z, codebook, n, K, D, out);
        verify("fused", out);
        java.util.Arrays.fill(out, -1);
        gemmThenArgmin();
        verify("gemm+argmin", out);
    }

    @Benchmark
    public int[] fused(GflopCounter f) {
        VqNearestSimd.nearest(z, codebook, n, K, D, out);
        f.gflop += 2.0 * n * K * D * 1e-9;
        return out;
    }

    @Benchmark
    public int[] gemmThenArgmin(GflopCounter f) {
        gemmThenArgmin();
        f.gflop += 2.0 * n * K * D * 1e-9;
        return out;
    }

    /** Baseline: dots [n, K] = z * E^T materialised in full (n*K*4 bytes: 75 MB at n = 9216), then argmin. */
    private void gemmThenArgmin() {
        for (int j = 0; j < K; j++) {
            double s = 0;
            for (int p = 0; p < D; p++) s += (double) codebook[j * D + p] * codebook[j * D + p];
            norms[j] = (float) s;
        }
        Sgemm.sgemm(false, true, n, K, D, z, 0, D, codebook, 0, D, dots, 0, K, false);
        Parallel.forRange(n, 64, (from, to) -> {
            for (int i = from; i < to; i++) {
                int best = 0, base = i * K;
                float bv = Float.POSITIVE_INFINITY;
                for (int j = 0; j < K; j++) {
                    float dist = norms[j] - 2 * dots[base + j];
                    if (dist < bv) { bv = dist; best = j; }
                }
                out[i] = best;
            }
        });
    }

    /** The tolerance rule of VqNearestParityTest on the first 64 rows; throws when violated. */
    private void verify(String what, int[] got) {
        int rows = Math.min(64, n);
        double[] zd = new double[rows * D], ed = new double[K * D];
        for (int i = 0; i < zd.length; i++) zd[i] = z[i];
        for (int i = 0; i < ed.length; i++) ed[i] = codebook[i];
        int[] ref = new int[rows];
        MatMulCpu.vqNearest(zd, ed, rows, K, D, ref);
        double emax = 0;
        for (double v : ed) emax = Math.max(emax, Math.abs(v));
        for (int i = 0; i < rows; i++) {
            double zmax = 0;
            for (int p = 0; p < D; p++) zmax = Math.max(zmax, Math.abs(zd[i * D + p]));
            double tol = 1e-5 * D * (zmax + emax) * (zmax + emax) + 1e-6;
            if (got[i] < 0 || got[i] >= K || dist(zd, ed, i, got[i]) > dist(zd, ed, i, ref[i]) + tol)
                throw new IllegalStateException(what + " kernel is wrong at row " + i + ": chose " + got[i] + ", reference " + ref[i]
                        + "; refusing to time it");
        }
    }

    private static double dist(double[] z, double[] e, int i, int j) {
        double s = 0;
        for (int p = 0; p < D; p++) { double t = z[i * D + p] - e[j * D + p]; s += t * t; }
        return s;
    }
}
