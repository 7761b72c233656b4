package dsr3d.bench.gpu;

import dsr3d.cuda.CudaBackend;
import dsr3d.cuda.CudaStorage;
import dsr3d.cuda.driver.CudaDriver;
import dsr3d.cuda.driver.CudaEvent;
import dsr3d.tensor.DType;
import dsr3d.tensor.Storage;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Shared parts of the GPU benchmarks (one class per kernel family in this package):
 * <ul>
 *   <li>{@link #requireGpu}: no GPU, no numbers: setup throws "no GPU: reason";</li>
 *   <li>{@link #eventMs}: milliseconds per call measured with CUDA events around enough
 *       back-to-back calls to take about 50 ms (after one warm-up call);</li>
 *   <li>{@link #check}: the refusal to time a wrong kernel (the result is compared with the CPU
 *       reference in @Setup);</li>
 *   <li>{@link Rate}: the auxiliary counters every benchmark reports: GFLOP/s or GB/s from the
 *       event time, and the ratio to the NVIDIA library (cuBLAS, cuDNN, or cuMemcpy for
 *       memory-bound kernels) measured in the same run; &gt; 1 means faster than the library.</li>
 * </ul>
 * Each benchmark invocation is one CUDA-event measurement (Mode.SingleShotTime), so the
 * counters are per-invocation values, not sums.
 *
 * <p>Run on the GPU machine, e.g.
 * {@code java --enable-native-access=ALL-UNNAMED -jar bench/target/benchmarks.jar 'dsr3d.bench.gpu.MatMulGpuBench' -p size=4096}.
 */
public final class GpuBench {
    private GpuBench() {}

    /** The JVM flags every fork needs. */
    public static final String[] JVM = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx16g"};

    /** Every GPU benchmark class; CatalogCoverageTest reads their {@code kernel} @Param lists. */
    public static final List<Class<?>> CLASSES = List.of(ElementwiseGpuBench.class, RowsGpuBench.class, ResampleGpuBench.class,
            MatMulGpuBench.class, Conv2dGpuBench.class, VqNearestGpuBench.class, IndexGpuBench.class);

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Rate {
        /** CUDA-event milliseconds per call. */
        public double eventMs;
        /** GFLOP/s (compute-bound kernels) or GB/s (memory-bound ones; logical bytes read + written). */
        public double rate;
        /** library time / our time for the same work in the same run (NaN when the library is not loadable). */
        public double vsLibrary;

        public void set(double ms, double workPerCall, double libraryMs) {
            eventMs = ms;
            rate = workPerCall / ms / 1e6;   // flop (or bytes) per ms / 1e6 = GFLOP/s (GB/s)
            vsLibrary = libraryMs / ms;
        }
    }

    public static CudaBackend requireGpu() {
        CudaBackend b = new CudaBackend();
        if (!b.available())
            throw new IllegalStateException("no GPU: " + b.unavailableReason() + " (GPU benchmarks never report numbers without one)");
        return b;
    }

    /** ms per call: one warm-up call, one timed call to size the batch, then about 50 ms of calls between two events. */
    public static double eventMs(Runnable call) {
        CudaDriver d = CudaDriver.get();
        call.run();
        double one = time(d, call, 1);
        int reps = (int) Math.max(1, Math.min(500, Math.ceil(50.0 / Math.max(one, 1e-3))));
        return time(d, call, reps);
    }

    private static double time(CudaDriver d, Runnable call, int reps) {
        CudaEvent a = d.record();
        for (int i = 0; i < reps; i++) call.run();
        CudaEvent b = d.record();
        d.synchronize();
        double ms = d.elapsedMs(a, b) / reps;
        d.destroy(a);
        d.destroy(b);
        return ms;
    }

    /** Device-to-device memcpy of the same byte count: the "library" reference for memory-bound kernels (bytes read + written = 2 x copied). */
    public static double memcpyMs(CudaBackend gpu, long bytesMoved) {
        int n = (int) Math.max(1, bytesMoved / 8);
        Storage a = gpu.allocate(DType.F32, n), b = gpu.allocate(DType.F32, n);
        long pa = ptr(a), pb = ptr(b);
        double ms = eventMs(() -> CudaDriver.get().copyDtoD(pb, pa, 4L * n));
        gpu.release(a);
        gpu.release(b);
        return ms;
    }

    public static long ptr(Storage s) { return ((CudaStorage) s).devicePointer(); }

    public static float[] gaussian(long seed, int n) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }

    public static double[] d(float[] a) {
        double[] o = new double[a.length];
        for (int i = 0; i < a.length; i++) o[i] = a[i];
        return o;
    }

    public static double[] abs(double[] a) {
        double[] o = new double[a.length];
        for (int i = 0; i < a.length; i++) o[i] = Math.abs(a[i]);
        return o;
    }

    /**
     * Refuses to time a wrong kernel: |got - ref| <= 1e-5 + rel * mag per element (mag: the
     * terms' magnitude, |ref| when null), NaN matching NaN, and a non-constant reference.
     */
    public static void check(String what, double[] ref, double[] mag, double[] got, double rel) {
        if (ref.length != got.length) throw new IllegalStateException(what + ": " + got.length + " results, expected " + ref.length);
        boolean varies = ref.length < 2;
        for (int i = 1; i < ref.length && !varies; i++) varies = Double.compare(ref[i], ref[0]) != 0;
        if (!varies) throw new IllegalStateException(what + ": the reference output is constant; the check would prove nothing");
        List<String> bad = new ArrayList<>();
        int count = 0;
        for (int i = 0; i < ref.length; i++) {
            double e = ref[i], a = got[i], m = mag == null ? Math.abs(e) : Math.abs(mag[i]);
            boolean ok = Double.isNaN(e) ? Double.isNaN(a) : (e == a || Math.abs(a - e) <= 1e-5 + rel * m);
            if (!ok && count++ < 5) bad.add("[" + i + "] expected " + e + " got " + a);
        }
        if (count > 0)
            throw new IllegalStateException("refusing to time a wrong kernel: " + what + ": " + count + " of " + ref.length
                    + " results differ from the CPU reference; first " + bad);
    }

    public static double fp32Rel(long reduction) { return 2e-6 * (1 + Math.sqrt(reduction)); }

    public static final double TF32_REL = 2e-3;
}
