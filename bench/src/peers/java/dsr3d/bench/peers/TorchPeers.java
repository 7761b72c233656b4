package dsr3d.bench.peers;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import dsr3d.bench.cli.BenchCase;
import dsr3d.bench.cli.CaseTimer;
import dsr3d.bench.cli.ConvCases;
import dsr3d.bench.cli.ConvShape;
import dsr3d.bench.cli.GemmCases;
import dsr3d.tensor.cpu.simd.Parallel;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Our kernels next to PyTorch's (libtorch through DJL) in one JVM, same shapes, same thread
 * count: SGEMM (n x n) and conv2d forward on the 3DSR convolution shapes. Prints GFLOP/s of both
 * and the ratio, the two timed call by call in turn ({@link CaseTimer#timeInterleaved}). Built only
 * with the Maven profile {@code peers}; run by bench/peers/run-peers.sh.
 *
 * <p>libtorch fixes its intra-op pool when the engine starts, so one JVM measures one thread
 * count, given as {@code -Dai.djl.pytorch.num_threads=N} (with num_interop_threads=1); our pool
 * is set to the same N. Arguments: {@code [--full] [--shapes c1,c2,...] [--sizes 256,512,...]}. Default conv shapes:
 * the {@code ./3dsr bench conv --quick} set, scaled the same way; {@code --full}: all 54 at full size.
 * Transposed rows show ours only: DJL's PyTorch engine does not expose conv_transpose2d.
 */
public final class TorchPeers {
    private TorchPeers() {}

    public static void main(String[] args) {
        boolean full = false;
        List<String> shapeIds = null;   // --shapes: these ids at full size
        List<Integer> sizes = List.of(256, 512, 1024, 2048);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--full" -> full = true;
                case "--shapes" -> {
                    if (i + 1 >= args.length) usage("--shapes needs a value such as c1,c2,c16");
                    shapeIds = Arrays.stream(args[++i].split(",")).map(String::trim).toList();
                }
                case "--sizes" -> {
                    if (i + 1 >= args.length) usage("--sizes needs a value such as 256,1024");
                    sizes = Arrays.stream(args[++i].split(",")).map(String::trim).map(Integer::valueOf).toList();
                }
                default -> usage("unknown argument '" + args[i] + "'");
            }
        }
        String prop = System.getProperty("ai.djl.pytorch.num_threads");
        if (prop == null) usage("set -Dai.djl.pytorch.num_threads=N (and -Dai.djl.pytorch.num_interop_threads=1)");
        int threads = Integer.parseInt(prop);
        Parallel.setThreads(threads);

        List<ConvShape> shapes = shapeIds != null ? ConvShape.byIds(shapeIds)
                : full ? ConvShape.all()
                : ConvShape.byIds(ConvCases.QUICK_IDS).stream().map(s -> s.scaledTo(ConvCases.QUICK_MAX_MACS)).toList();
        CaseTimer timer = full || shapeIds != null ? CaseTimer.FULL : CaseTimer.QUICK;

        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Engine engine = Engine.getEngine("PyTorch");
            System.out.printf(Locale.ROOT, "%nthreads=%d: ours (dsr3d, Java %d) vs libtorch %s via DJL %s; median per call, the two interleaved call by call%n",
                    threads, Runtime.version().feature(), engine.getVersion(), Engine.getDjlVersion());
            String fmt = "%-5s %-7s %-30s %10s %10s %8s%n";
            System.out.printf(Locale.ROOT, fmt, "kind", "shape", "", "ours GF/s", "torch GF/s", "ours/pt");
            for (int n : sizes) {
                BenchCase ours = GemmCases.of(n);
                NDArray a = m.randomUniform(-1, 1, new Shape(n, n)), b = m.randomUniform(-1, 1, new Shape(n, n));
                CaseTimer.Result[] r = timer.timeInterleaved(ours.prepare().get(), () -> a.matMul(b).close());
                print(fmt, "gemm", ours.shape(), "C=A*B", gflops(ours.flops(), r[0]), gflops(ours.flops(), r[1]));
                a.close();
                b.close();
            }
            for (ConvShape s : shapes) {
                BenchCase ours = ConvCases.of(s, ConvCases.Pass.FORWARD);
                // DJL's PyTorch engine has no conv_transpose2d (PtNDArrayEx.deconvolution throws)
                if (s.transposed()) {
                    print(fmt, "conv", s.label(), s.describe(), gflops(ours.flops(), timer.time(ours.prepare().get())), Double.NaN);
                    continue;
                }
                CaseTimer.Result[] r = timer.timeInterleaved(ours.prepare().get(), torchConvForward(m, s));
                print(fmt, "conv", s.label(), s.describe(), gflops(ours.flops(), r[0]), gflops(ours.flops(), r[1]));
            }
        }
    }

    /** torch conv2d forward of one (non-transposed) 3DSR row, batch 1, NCHW float32. */
    private static Runnable torchConvForward(NDManager m, ConvShape s) {
        int k = s.k();
        NDArray x = m.randomUniform(-1, 1, new Shape(1, s.cin(), s.hin(), s.win()));
        // weight [cout, cin/groups, k, k] (PyTorch layout)
        NDArray w = m.randomUniform(-1, 1, new Shape(s.cout(), s.cin() / s.groups(), k, k));
        // ours skips the bias when the row has none; a zero bias costs torch one pass over y (noise level)
        NDArray bias = s.bias() ? m.randomUniform(-1, 1, new Shape(s.cout())) : m.zeros(new Shape(s.cout()));
        Shape stride = new Shape(s.stride(), s.stride()), pad = new Shape(s.pad(), s.pad()), one = new Shape(1, 1);
        return () -> close(Conv2d.conv2d(x, w, bias, stride, pad, one, s.groups()));
    }

    private static void close(NDList list) { list.close(); }

    private static double gflops(double flops, CaseTimer.Result r) { return flops / (r.medianMs() * 1e6); }

    private static void print(String fmt, String kind, String shape, String what, double ours, double theirs) {
        System.out.printf(Locale.ROOT, fmt, kind, shape, what, String.format(Locale.ROOT, "%.1f", ours),
                Double.isNaN(theirs) ? "n/a" : String.format(Locale.ROOT, "%.1f", theirs),
                Double.isNaN(theirs) ? "" : String.format(Locale.ROOT, "%.2f", ours / theirs));
    }

    private static void usage(String problem) {
        System.err.println("TorchPeers: " + problem);
        System.err.println("usage: java -Dai.djl.pytorch.num_threads=N -Dai.djl.pytorch.num_interop_threads=1 -Dai.djl.offline=true"
                + " ... dsr3d.bench.peers.TorchPeers [--full] [--sizes 256,512,1024,2048]");
        System.exit(2);
    }
}
