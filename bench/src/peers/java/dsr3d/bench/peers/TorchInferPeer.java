package dsr3d.bench.peers;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dsr3d.models.dada.DadaModel;
import dsr3d.models.infer.DadaWeights;
import dsr3d.models.infer.TestTimePipeline;
import dsr3d.models.stage2.Stage2Model;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.cpu.simd.Parallel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The whole 3DSR inference (paper preset, RGB+D, one S x S image: preprocessed input [1, 4, S, S]
 * -> smoothed anomaly map [1, 1, S, S] and image score), ours next to the official pipeline traced
 * to TorchScript ({@code bench/peers/trace_3dsr.py}) and run by libtorch through DJL, in one JVM,
 * on the same input and the same weights. Built only with the Maven profile {@code peers}; run by
 * {@code bench/peers/run-peers.sh --infer}, one JVM per thread count (libtorch fixes its pool at
 * start: {@code -Dai.djl.pytorch.num_threads=N}, {@code num_interop_threads=1}; ours is set to N).
 *
 * <p>Ours is {@link TestTimePipeline#run}, the code {@code ./3dsr bench infer} times, with the
 * weights trace_3dsr.py saved in the official file layout (dada.pckl, model_*.pckl), read by our
 * official-format readers. Protocol: {@code warm} calls of each, then {@code reps} timed calls of
 * each, interleaved (ours, libtorch, ours, ...) so that the VM's slow phases hit both alike; the
 * figure is the median. The timed call is the forward only (input already built, output not
 * copied). Arguments: {@code [--dir DIR] [--size S] [--warm 2] [--reps 5] [--model NAME]} (NAME.pt in DIR,
 * default 3dsr_rgbd_S; trace_3dsr.py --freeze also writes 3dsr_rgbd_S_frozen).
 */
public final class TorchInferPeer {
    private TorchInferPeer() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of("bench/target/peers");
        int size = 384, warm = 2, reps = 5;
        String ptName = null;   // default 3dsr_rgbd_<S>
        for (int i = 0; i < args.length; i++) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--dir" -> dir = Path.of(need(v, args[i++]));
                case "--size" -> size = Integer.parseInt(need(v, args[i++]));
                case "--warm" -> warm = Integer.parseInt(need(v, args[i++]));
                case "--reps" -> reps = Integer.parseInt(need(v, args[i++]));
                case "--model" -> ptName = need(v, args[i++]);
                default -> usage("unknown argument '" + args[i] + "'");
            }
        }
        String prop = System.getProperty("ai.djl.pytorch.num_threads");
        if (prop == null) usage("set -Dai.djl.pytorch.num_threads=N (and -Dai.djl.pytorch.num_interop_threads=1)");
        int threads = Integer.parseInt(prop);
        Parallel.setThreads(threads);
        if (ptName == null) ptName = "3dsr_rgbd_" + size;
        if (!Files.isRegularFile(dir.resolve(ptName + ".pt")))
            usage(dir.resolve(ptName + ".pt") + " is missing: run /usr/bin/python3 bench/peers/trace_3dsr.py --size " + size + " first");

        float[] input = readF32(dir.resolve("input_" + size + ".f32"), 4 * size * size);      // [1, 4, S, S]
        float[] eager113 = readF32(dir.resolve("map_" + size + ".f32"), size * size);          // torch 1.13 eager map

        // ours: the official-layout files trace_3dsr.py wrote (configuration from the shapes)
        DadaModel dada = DadaWeights.load(dir.resolve("dada.pckl"), size).model();
        Stage2Model s2 = Stage2Model.load(dir.resolve("model"), dada.config(), size);
        TestTimePipeline ours = new TestTimePipeline(dada, s2, TestTimePipeline.officialSmoothing(s2));
        Tensor x = Tensor.of(input, 1, 4, size, size);

        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch");
             Model model = Model.newInstance(ptName, Device.cpu(), "PyTorch")) {
            Engine engine = Engine.getEngine("PyTorch");
            long t0 = System.nanoTime();
            model.load(dir, ptName);
            double loadS = (System.nanoTime() - t0) / 1e9;
            Block block = model.getBlock();
            ParameterStore ps = new ParameterStore(m, false);
            NDArray xt = m.create(input, new Shape(1, 4, size, size));

            // one call each, kept for the comparison of the maps
            float[] oursMap = ours.run(x).anomalyMap().toFloatArray();
            float[] torchMap;
            double torchScore;
            try (NDList out = block.forward(ps, new NDList(xt), false)) {
                torchMap = out.get(0).toFloatArray();
                torchScore = out.get(1).getFloat();
            }
            double oursScore = max(oursMap);
            Runnable oursCall = () -> ours.run(x);
            Runnable torchCall = () -> block.forward(ps, new NDList(xt), false).close();
            for (int i = 1; i < warm; i++) { oursCall.run(); torchCall.run(); }
            double[] o = new double[reps], t = new double[reps];
            for (int i = 0; i < reps; i++) {
                o[i] = seconds(oursCall);
                t[i] = seconds(torchCall);
            }

            System.out.printf(Locale.ROOT, "%nthreads=%d: whole 3DSR inference, paper preset, RGB+D, 1x4x%dx%d; ours (dsr3d, Java %s) vs"
                            + " libtorch %s via DJL %s (TorchScript %s.pt traced by torch 1.13, loaded in %.1f s); %d warm-up + %d timed calls each, interleaved%n",
                    threads, size, size, Runtime.version(), engine.getVersion(), Engine.getDjlVersion(), ptName, loadS, warm, reps);
            System.out.printf(Locale.ROOT, "  same input, same weights: max |map diff| ours-libtorch %.3g, libtorch 2.7.1-torch 1.13 eager %.3g,"
                            + " ours-torch 1.13 eager %.3g; score ours %.6f libtorch %.6f%n",
                    maxDiff(oursMap, torchMap), maxDiff(torchMap, eager113), maxDiff(oursMap, eager113), oursScore, torchScore);
            System.out.printf(Locale.ROOT, "  ours     s/image: median %.3f   runs %s%n", median(o), fmt(o));
            System.out.printf(Locale.ROOT, "  libtorch s/image: median %.3f   runs %s%n", median(t), fmt(t));
            System.out.printf(Locale.ROOT, "  RESULT threads=%d ours=%.3f libtorch=%.3f speedup(libtorch/ours)=%.2f%n",
                    threads, median(o), median(t), median(t) / median(o));
        }
    }

    private static double seconds(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    private static float[] readF32(Path p, int n) throws IOException {
        byte[] b = Files.readAllBytes(p);
        if (b.length != 4L * n) throw new IOException(p + ": " + b.length + " bytes, expected " + 4L * n);
        float[] f = new float[n];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }

    private static double maxDiff(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
        return d;
    }

    private static double max(float[] a) {
        double v = Double.NEGATIVE_INFINITY;
        for (float f : a) v = Math.max(v, f);
        return v;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    private static String fmt(double[] v) {
        StringBuilder b = new StringBuilder();
        for (double d : v) b.append(String.format(Locale.ROOT, "%.3f ", d));
        return b.toString().trim();
    }

    private static String need(String v, String opt) {
        if (v == null) usage(opt + " needs a value");
        return v;
    }

    private static void usage(String problem) {
        System.err.println("TorchInferPeer: " + problem);
        System.err.println("usage: java -Dai.djl.pytorch.num_threads=N -Dai.djl.pytorch.num_interop_threads=1 -Dai.djl.offline=true"
                + " ... dsr3d.bench.peers.TorchInferPeer [--dir bench/target/peers] [--size 384] [--warm 2] [--reps 5] [--model NAME]");
        System.exit(2);
    }
}
