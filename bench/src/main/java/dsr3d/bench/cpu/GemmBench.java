package dsr3d.bench.cpu;

import dsr3d.bench.support.GflopCounter;
import dsr3d.bench.support.GemmCase;
import dsr3d.tensor.cpu.simd.Parallel;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * Square fp32 GEMM C = A * B (n x n x n) through Sgemm, on 1 or 2 pool threads.
 *
 * <p>How to read it: the {@code gflop} secondary result ("GemmBench.gemm:gflop", unit ops/s) is
 * GFLOP/s directly (each call adds 2 n^3 / 1e9 to the counter). The primary score is calls per
 * second. Example:
 * {@code java -jar bench/target/benchmarks.jar GemmBench -p n=1024 -p threads=1 -f 1 -wi 2 -i 3}.
 * Setup checks sampled elements against double dot products and throws if the kernel is wrong.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx8g"})
@State(Scope.Benchmark)
public class GemmBench {
    @Param({"256", "512", "1024", "2048"})
    public int n;

    @Param({"1", "2"})
    public int threads;

    private GemmCase gemm;

    @Setup(Level.Trial)
    public void setup() {
        Parallel.setThreads(threads);
        gemm = new GemmCase(n);
        gemm.verify();
    }

    @Benchmark
    public void gemm(GflopCounter f) {
        gemm.run();
        f.gflop += gemm.flops() * 1e-9;
    }
}
