package dsr3d.models.dada;

import dsr3d.simulate.DepthSimulation;
import dsr3d.simulate.Rng;
import dsr3d.simulate.source.ImageSource;
import dsr3d.tensor.Tensor;

import java.util.List;
import java.util.stream.IntStream;

/**
 * The stage-1 training batches (spec section 3): sample i of step s is made from its own random
 * stream, {@link #stream}(seed, s, i), so a batch is a function of (seed, step) alone: nothing needs
 * saving for an exact resume, and samples can be made in parallel.
 *
 * <p>Two kinds: {@link #simulated} pairs a random image of the source (RGB in [0,1], resized to the
 * training size) with a Perlin depth map D = alpha P + beta (with the Table-5 switches of
 * {@link DepthSimulation.Options}); {@link #fixed} draws uniformly from preprocessed RGB-D inputs
 * (the "DSR_naive" ablation: stage 1 on a dataset's own training images). Channels follow the
 * modality: RGBD [D, R, G, B], DEPTH [D], RGB [R, G, B].
 */
public final class Stage1Data {
    private interface SampleFn { float[] make(Rng rng); }   // planar [4][S][S] in [D, R, G, B]

    private final SampleFn fn;
    private final Modality modality;
    private final int size;
    private final String description;

    private Stage1Data(SampleFn fn, Modality modality, int size, String description) {
        this.fn = fn;
        this.modality = modality;
        this.size = size;
        this.description = description;
    }

    public static Stage1Data simulated(ImageSource images, DepthSimulation depth, Modality modality) {
        if (images.height() != images.width()) throw new IllegalArgumentException("stage-1 images must be square, got " + images.height() + "x" + images.width());
        int s = images.height(), n = s * s;
        return new Stage1Data(rng -> {
            float[] rgb = images.sampleRandom(rng);
            // no-Perlin ablation: the grey of an unrelated image stands in for P (drawn independently)
            float[] greySource = depth.options().perlin() ? null : images.sampleRandom(rng);
            float[] d = depth.sample(s, s, greySource, rng);
            float[] out = new float[4 * n];
            System.arraycopy(d, 0, out, 0, n);
            System.arraycopy(rgb, 0, out, n, 3 * n);
            return out;
        }, modality, s, "simulated: " + images.size() + " images, depth " + depth.options());
    }

    /** inputs: preprocessed [4, S, S] tensors in [D, R, G, B] order. */
    public static Stage1Data fixed(List<Tensor> inputs, Modality modality) {
        if (inputs.isEmpty()) throw new IllegalArgumentException("stage-1 data set is empty");
        int s = inputs.get(0).size(1);
        List<float[]> data = inputs.stream().map(Tensor::toFloatArray).toList();
        return new Stage1Data(rng -> data.get(rng.nextInt(data.size())).clone(), modality, s, "fixed: " + inputs.size() + " RGB-D images");
    }

    public int size() { return size; }

    public String description() { return description; }

    /** The random stream of sample i of step s (1-based steps). */
    public static Rng stream(long seed, long step, int i) {
        return new Rng(seed * 0x9E3779B97F4A7C15L + step * 0xBF58476D1CE4E5B9L + i * 0x94D049BB133111EBL + 0x2545F4914F6CDD1DL);
    }

    /** The batch of a step: [batch, modality channels, S, S] F32. */
    public Tensor batch(long seed, long step, int batch) {
        int n = size * size, c = modality.channels;
        float[][] samples = new float[batch][];
        IntStream.range(0, batch).parallel().forEach(i -> samples[i] = fn.make(stream(seed, step, i)));
        float[] out = new float[batch * c * n];
        int from = modality == Modality.RGB ? 1 : 0;   // skip depth for RGB-only; DEPTH keeps channel 0 only
        for (int i = 0; i < batch; i++) System.arraycopy(samples[i], from * n, out, i * c * n, c * n);
        return Tensor.of(out, batch, c, size, size);
    }
}
