package dsr3d.models.data;

import dsr3d.tensor.Tensor;

/**
 * A preprocessed sample, ready for the model.
 *
 * @param input      [4, S, S] F32 in the channel order [D, R, G, B] (depth first, spec §1)
 * @param foreground [S*S] object mask (1 = object) as the preprocessing defines it
 * @param validDepth [S*S] 1 where the object has a measured depth (anomaly masks are restricted to it)
 * @param gt         [S*S] ground-truth mask at S x S (zeros where the sample has none)
 * @param label      image label, 1 = anomalous
 */
public record LoadedSample(Sample sample, Tensor input, float[] foreground, float[] validDepth, float[] gt,
                           int size, int label) {

    /** The depth channel, [S*S] (a copy). */
    public float[] depth() {
        float[] all = input.toFloatArray();
        float[] d = new float[size * size];
        System.arraycopy(all, 0, d, 0, d.length);
        return d;
    }
}
