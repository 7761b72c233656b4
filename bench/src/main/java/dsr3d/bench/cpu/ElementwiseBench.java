package dsr3d.bench.cpu;

import dsr3d.tensor.backend.BinaryOp;
import dsr3d.tensor.backend.PoolGeom;
import dsr3d.tensor.backend.UnaryOp;
import dsr3d.tensor.cpu.ElementwiseCpu;
import dsr3d.tensor.cpu.NormCpu;
import dsr3d.tensor.cpu.Pool2dCpu;
import dsr3d.tensor.cpu.ReduceCpu;
import dsr3d.tensor.cpu.UpsampleCpu;
import dsr3d.tensor.cpu.simd.ElementwiseSimd;
import dsr3d.tensor.cpu.simd.NormSimd;
import dsr3d.tensor.cpu.simd.Parallel;
import dsr3d.tensor.cpu.simd.Pool2dSimd;
import dsr3d.tensor.cpu.simd.ReduceSimd;
import dsr3d.tensor.cpu.simd.UpsampleSimd;
import org.openjdk.jmh.annotations.*;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Fast float32 kernels (cpu/simd) against the double reference kernels (cpu/*Cpu) on 3DSR-sized
 * activations [8, 64, 48, 48]. The reference is timed on its own double arrays, without the
 * float<->double conversion that the F32 reference path of CpuBackend adds, so the speedups shown
 * are a lower bound for that path.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar ElementwiseBench -wi 2 -i 3 -f 1}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx8g"})
public class ElementwiseBench {
    /** add: same-shape add; mulChannel: x * w[1,C,1,1]; relu; avgPool11: the 3DSR score filter
     *  (k 11, stride 1, pad 5) on 2 planes of 256 x 256; instanceNorm: 512 planes of 48*48;
     *  softmax: 2304 rows of 512; sigmoid; bilinear48to96: 512 planes 48x48 -> 96x96 (4x the output). */
    @Param({"add", "mulChannel", "relu", "sigmoid", "avgPool11", "instanceNorm", "softmax", "bilinear48to96"})
    public String op;

    @Param({"fast", "reference"})
    public String impl;

    @Param({"2"})
    public int threads;

    static final int[] SHAPE = {8, 64, 48, 48};
    static final int N = 8 * 64 * 48 * 48;
    static final PoolGeom SCORE_FILTER = new PoolGeom(2, 256, 256, 11, 11, 1, 1, 5, 5);

    float[] xf, yf, wf, of, mf, rf, bigf;
    double[] xd, yd, wd, od, md, rd, bigd;
    int[] contig = {64 * 48 * 48, 48 * 48, 48, 1}, channel = {0, 1, 0, 0};

    @Setup
    public void setup() {
        Parallel.setThreads(threads);
        Random rnd = new Random(7);
        xf = new float[N]; yf = new float[N]; of = new float[N]; wf = new float[64];
        for (int i = 0; i < N; i++) { xf[i] = (float) rnd.nextGaussian(); yf[i] = (float) rnd.nextGaussian(); }
        for (int i = 0; i < 64; i++) wf[i] = (float) rnd.nextGaussian();
        mf = new float[512]; rf = new float[512]; bigf = new float[4 * N]; bigd = new double[4 * N];
        xd = toD(xf); yd = toD(yf); wd = toD(wf); od = new double[N]; md = new double[512]; rd = new double[512];
    }

    private static double[] toD(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }

    @Benchmark
    public Object run() {
        boolean fast = impl.equals("fast");
        switch (op) {
            case "add" -> {
                if (fast) ElementwiseSimd.binary(BinaryOp.ADD, SHAPE, xf, 0, contig, yf, 0, contig, of);
                else ElementwiseCpu.binary(BinaryOp.ADD, SHAPE, xd, 0, contig, yd, 0, contig, od);
            }
            case "mulChannel" -> {
                if (fast) ElementwiseSimd.binary(BinaryOp.MUL, SHAPE, xf, 0, contig, wf, 0, channel, of);
                else ElementwiseCpu.binary(BinaryOp.MUL, SHAPE, xd, 0, contig, wd, 0, channel, od);
            }
            case "relu" -> {
                if (fast) ElementwiseSimd.unary(UnaryOp.RELU, 0, 0, xf, of, N);
                else ElementwiseCpu.unary(UnaryOp.RELU, 0, 0, xd, od, N);
            }
            case "sigmoid" -> {
                if (fast) ElementwiseSimd.unary(UnaryOp.SIGMOID, 0, 0, xf, of, N);
                else ElementwiseCpu.unary(UnaryOp.SIGMOID, 0, 0, xd, od, N);
            }
            case "bilinear48to96" -> {
                if (fast) UpsampleSimd.bilinear(512, 48, 48, 96, 96, xf, bigf);
                else UpsampleCpu.bilinear(512, 48, 48, 96, 96, xd, bigd);
            }
            case "avgPool11" -> {
                if (fast) Pool2dSimd.avgForward(SCORE_FILTER, xf, of);
                else Pool2dCpu.avgForward(SCORE_FILTER, xd, od);
            }
            case "instanceNorm" -> {
                if (fast) NormSimd.instanceNorm(512, 48 * 48, 1e-5, xf, of, mf, rf);
                else NormCpu.instanceNorm(512, 48 * 48, 1e-5, xd, od, md, rd);
            }
            case "softmax" -> {
                if (fast) ReduceSimd.softmaxRows(false, xf, 2304, 512, of);
                else ReduceCpu.softmaxRows(false, xd, 2304, 512, od);
            }
            default -> throw new IllegalArgumentException("unknown op " + op);
        }
        return fast ? of : od;
    }
}
