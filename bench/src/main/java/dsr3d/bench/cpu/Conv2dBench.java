package dsr3d.bench.cpu;

import dsr3d.bench.support.GflopCounter;
import dsr3d.bench.support.ConvCase;
import dsr3d.bench.support.ConvShapes;
import dsr3d.tensor.cpu.simd.Parallel;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * Conv2dSimd on the real 3DSR convolutions (batch 1), by shape id (see 3dsr-conv-shapes.csv;
 * default the 16 largest, c1..c16), for each pass as the network runs it (a convT's forward is
 * its adjoint geometry's backwardInput), on 1 or 2 pool threads.
 *
 * <p>How to read it: the {@code gflop} secondary result (unit ops/s) is GFLOP/s (2 * MACs per
 * call); the primary score is calls per second. Example:
 * {@code java -jar bench/target/benchmarks.jar Conv2dBench -p shape=c1,c2 -p threads=1 -f 1 -wi 2 -i 3}.
 * Setup checks 256 sampled outputs against direct double sums and throws if the kernel is wrong.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx8g"})
@State(Scope.Benchmark)
public class Conv2dBench {
    @Param({"c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9", "c10", "c11", "c12", "c13", "c14", "c15", "c16"})
    public String shape;

    @Param({"forward", "backwardInput", "backwardWeight"})
    public String pass;

    @Param({"1", "2"})
    public int threads;

    private ConvCase conv;

    @Setup(Level.Trial)
    public void setup() {
        Parallel.setThreads(threads);
        conv = new ConvCase(ConvShapes.byId(shape), ConvCase.Pass.valueOf(pass));
        conv.verify();
    }

    @Benchmark
    public void conv(GflopCounter f) {
        conv.run();
        f.gflop += 2.0 * conv.macs() * 1e-9;
    }
}
