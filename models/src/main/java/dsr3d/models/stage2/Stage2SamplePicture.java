package dsr3d.models.stage2;

import dsr3d.models.dada.Modality;
import dsr3d.models.viz.Colormap;
import dsr3d.models.viz.PngOut;
import dsr3d.tensor.Tensor;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code samples/step-N.png}: the first sample of a training batch as five panels, left to right:
 * the input (RGB, or depth in grey), the general decoder's reconstruction of the anomalous
 * features (the synthetic anomaly as the DADA renders it), the object decoder's reconstruction,
 * the ground-truth mask, and the predicted anomaly probability (heat colour map).
 */
public final class Stage2SamplePicture {
    private Stage2SamplePicture() {}

    public static void write(Path file, Modality modality, Stage2Trainer.StepResult r) throws IOException {
        Tensor x = r.input(), gen = r.forward().reconGeneral(), obj = r.forward().reconObject();
        Tensor gt = r.anomalies().groundTruth(), prob = AnomalyScoring.anomalyProbability(r.forward().logits().detach());
        int h = x.size(2), w = x.size(3);
        BufferedImage img = new BufferedImage(5 * w, h, BufferedImage.TYPE_INT_RGB);
        image(img, 0, modality, first(x), h, w);
        image(img, 1, modality, first(gen.detach()), h, w);
        image(img, 2, modality, first(obj.detach()), h, w);
        float[] g = first(gt), p = first(prob);
        for (int y = 0; y < h; y++)
            for (int xx = 0; xx < w; xx++) {
                int v = grey(g[y * w + xx]);
                img.setRGB(3 * w + xx, y, v << 16 | v << 8 | v);
                img.setRGB(4 * w + xx, y, Colormap.TURBO.rgb(p[y * w + xx]));
            }
        PngOut.write(file, img);
    }

    /** The first image of a batch [B, C, H, W] as C planes (flat). */
    private static float[] first(Tensor t) { return t.slice(0, 0, 1).contiguous().toFloatArray(); }

    private static void image(BufferedImage img, int panel, Modality m, float[] v, int h, int w) {
        int plane = h * w, rgb0 = m == Modality.RGBD ? 1 : 0;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int i = y * w + x, c;
                if (m.hasRgb()) c = grey(v[rgb0 * plane + i]) << 16 | grey(v[(rgb0 + 1) * plane + i]) << 8 | grey(v[(rgb0 + 2) * plane + i]);
                else { int d = grey(v[i]); c = d << 16 | d << 8 | d; }
                img.setRGB(panel * w + x, y, c);
            }
    }

    private static int grey(double v) { return (int) Math.round(255 * Math.max(0, Math.min(1, v))); }
}
