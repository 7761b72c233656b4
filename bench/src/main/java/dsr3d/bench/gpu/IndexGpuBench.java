package dsr3d.bench.gpu;

import dsr3d.cuda.CudaBackend;
import dsr3d.cuda.launch.IndexLaunch;
import dsr3d.cuda.launch.VqEmaLaunch;
import dsr3d.tensor.DType;
import dsr3d.tensor.Storage;
import dsr3d.tensor.cpu.IndexCpu;
import org.openjdk.jmh.annotations.*;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import static dsr3d.bench.gpu.GpuBench.*;

/**
 * index.cu and vq_ema.cu on the VQ sizes of 3DSR: n = 9216 latent vectors of d = 256 against a
 * k = 2048 codebook. index_select_rows (the codeword lookup), index_add_rows (per-code sums),
 * gather / scatter_add along dim 1 of [n, k/8, ...]-like shapes, and the whole EMA codebook
 * update. Memory-bound: GB/s of logical traffic and vsLibrary = bandwidth / cuMemcpy bandwidth.
 * @Setup checks against IndexCpu (and, for vq_ema, the update formula in double).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx16g"})
public class IndexGpuBench {
    @Param({"gather_forward_v1", "scatter_add_forward_v1", "index_select_rows_forward_v1", "index_add_rows_forward_v1", "vq_ema_forward_v1"})
    public String kernel;

    static final int N = 9216, D = 256, K = 2048;

    CudaBackend gpu;
    Runnable call;
    double bytes, libraryMs;

    @Setup(Level.Trial)
    public void setup() {
        gpu = requireGpu();
        Random r = new Random(1);
        int[] idx = new int[N];
        for (int i = 0; i < N; i++) idx[i] = r.nextInt(K);
        float[] z = gaussian(2, N * D), table = gaussian(3, K * D);
        Storage gz = gpu.upload(z), gt = gpu.upload(table), gi = gpu.upload(idx), err = gpu.allocate(DType.I32, 1);
        double[] ref;
        Storage out;
        switch (kernel) {
            case "index_select_rows_forward_v1" -> {
                out = gpu.allocate(DType.F32, N * D);
                Storage o = out;
                call = () -> IndexLaunch.indexSelectRows(1, ptr(gt), K, D, ptr(gi), N, ptr(o), ptr(err));
                ref = new double[N * D];
                IndexCpu.indexSelectRows(d(table), K, D, idx, N, ref);
                bytes = 8.0 * N * D;
            }
            case "index_add_rows_forward_v1" -> {
                out = gpu.allocate(DType.F32, K * D);
                Storage o = out;
                call = () -> IndexLaunch.indexAddRows(1, ptr(gz), ptr(gi), N, D, ptr(o), K, ptr(err));
                ref = new double[K * D];
                IndexCpu.indexAddRows(d(z), idx, N, D, ref);
                bytes = 8.0 * N * D;
                call.run();   // checked after one call (it accumulates)
                check(kernel, ref, null, gpu.download(out, 0, ref.length), 1e-5);
                libraryMs = memcpyMs(gpu, (long) bytes);
                return;
            }
            case "gather_forward_v1", "scatter_add_forward_v1" -> {
                // [outer = 256 channels, dim = 96*96 positions, inner = 1]: out[c, j] = in[c, idx[j % N]] picks positions
                int outer = D, dim = N;
                int[] gidx = new int[outer * dim];
                for (int q = 0; q < gidx.length; q++) gidx[q] = idx[q % N] % dim;
                Storage ggi = gpu.upload(gidx);
                if (kernel.startsWith("gather")) {
                    out = gpu.allocate(DType.F32, outer * dim);
                    Storage o = out;
                    call = () -> IndexLaunch.gather(1, outer, dim, dim, 1, ptr(gz), ptr(ggi), ptr(o), ptr(err));
                    ref = new double[outer * dim];
                    IndexCpu.gather(outer, dim, dim, 1, d(z), gidx, ref);
                } else {
                    out = gpu.allocate(DType.F32, outer * dim);
                    Storage o = out;
                    call = () -> IndexLaunch.scatterAdd(1, outer, dim, dim, 1, ptr(gz), ptr(ggi), ptr(o), ptr(err));
                    ref = new double[outer * dim];
                    IndexCpu.scatterAdd(outer, dim, dim, 1, d(z), gidx, ref);
                    bytes = 12.0 * outer * dim;
                    call.run();
                    check(kernel, ref, null, gpu.download(out, 0, ref.length), 1e-5);
                    libraryMs = memcpyMs(gpu, (long) bytes);
                    return;
                }
                bytes = 12.0 * outer * dim;
            }
            case "vq_ema_forward_v1" -> {
                float[] size = new float[K], emaW = gaussian(4, K * D);
                for (int j = 0; j < K; j++) size[j] = 1 + r.nextFloat();
                Storage gs = gpu.upload(size), gw = gpu.upload(emaW), ge = gpu.allocate(DType.F32, K * D),
                        counts = gpu.allocate(DType.F32, K), sums = gpu.allocate(DType.F32, K * D);
                out = ge;
                // one update from the initial state, checked against the formula
                double[] c = new double[K], s = new double[K * D], nn = new double[K];
                for (int i = 0; i < N; i++) { c[idx[i]]++; for (int p = 0; p < D; p++) s[idx[i] * D + p] += z[i * D + p]; }
                double total = 0;
                for (int j = 0; j < K; j++) { nn[j] = 0.99 * size[j] + 0.01 * c[j]; total += nn[j]; }
                for (int j = 0; j < K; j++) nn[j] = (nn[j] + 1e-5) / (total + K * 1e-5) * total;
                ref = new double[K * D];
                for (int q = 0; q < K * D; q++) ref[q] = (0.99 * emaW[q] + 0.01 * s[q]) / nn[q / D];
                call = () -> VqEmaLaunch.update(1, ptr(gz), ptr(gi), N, D, K, 0.99f, 1e-5f, ptr(gs), ptr(gw), ptr(ge), ptr(counts), ptr(sums));
                call.run();
                double[] mag = abs(ref);
                for (int i = 0; i < mag.length; i++) mag[i] += 1;
                check(kernel, ref, mag, gpu.download(out, 0, ref.length), 1e-4);
                bytes = 4.0 * (2 * N * D + 5.0 * K * D);   // z read, sums atomics, ema_w read+write, sums read, embedding write
                libraryMs = memcpyMs(gpu, (long) bytes);
                return;   // (further calls keep updating the state in place, as training does)
            }
            default -> throw new IllegalArgumentException("unknown kernel " + kernel);
        }
        call.run();
        check(kernel, ref, null, gpu.download(out, 0, ref.length), 1e-6);
        libraryMs = memcpyMs(gpu, (long) bytes);
    }

    @Benchmark
    public void run(Rate rate) {
        rate.set(eventMs(call), bytes, libraryMs);
    }
}
