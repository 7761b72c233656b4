package dsr3d.models.infer;

import dsr3d.models.dada.Modality;
import dsr3d.models.data.LoadedSample;
import dsr3d.models.data.Sample;
import dsr3d.models.viz.AnomalyOverlay;
import dsr3d.models.viz.PngOut;
import dsr3d.simulate.io.ByteImage;
import dsr3d.simulate.io.Png;
import dsr3d.tensor.Tensor;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The overlay picture of one test sample as {@code ./3dsr infer --overlays} draws it (one home for
 * it: infer and the demo report): RGB | depth | object reconstruction | ground truth | anomaly map,
 * titled "type/stem  score S" (plus an optional prefix).
 */
public final class SampleOverlay {
    private SampleOverlay() {}

    /**
     * @param map        the smoothed anomaly map [h*w] row-major
     * @param reconObject the object decoder's output [1, C, H, W], or null to leave that panel out
     */
    public static void write(Path png, String prefix, Sample s, LoadedSample l, float[] map, int w, int h, double score,
                             Tensor reconObject, Modality modality) throws IOException {
        PngOut.write(png, render(prefix, s, l, map, w, h, score, reconObject, modality));
    }

    /** The picture {@link #write} writes. */
    public static BufferedImage render(String prefix, Sample s, LoadedSample l, float[] map, int w, int h, double score,
                                       Tensor reconObject, Modality modality) throws IOException {
        ByteImage rgbImg = Png.readRgb(s.rgb());
        boolean[] gt = new boolean[l.size() * l.size()];
        for (int i = 0; i < gt.length; i++) gt[i] = l.gt()[i] > 0.5f;
        AnomalyOverlay.Sample o = new AnomalyOverlay.Sample(prefix + s.type() + "/" + s.stem() + String.format(Locale.ROOT, "  score %.4f", score),
                rgbImg, l.depth(), l.size(), l.size(), gt, l.size(), l.size(), map, w, h, Double.NaN, Double.NaN);
        return AnomalyOverlay.render(o, reconObject == null ? null : reconImage(reconObject, modality));
    }

    /** The object reconstruction [1, C, H, W] as an 8-bit picture: its RGB channels (clamped to [0, 1]), or gray depth. */
    public static ByteImage reconImage(Tensor recon, Modality m) {
        int h = recon.size(2), w = recon.size(3);
        float[] v = recon.toFloatArray();
        int first = m == Modality.RGBD ? 1 : 0, channels = m == Modality.DEPTH ? 1 : 3;
        byte[] px = new byte[h * w * 3];
        for (int i = 0; i < h * w; i++)
            for (int k = 0; k < 3; k++) {
                int ch = first + (channels == 1 ? 0 : k);
                float x = Math.max(0, Math.min(1, v[ch * h * w + i]));
                px[i * 3 + k] = (byte) Math.round(x * 255);
            }
        return new ByteImage(w, h, 3, px);
    }
}
