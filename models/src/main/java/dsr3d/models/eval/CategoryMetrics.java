package dsr3d.models.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The five metrics of one category (object), all in [0, 1], with the curves for plotting.
 * {@code auPro} is normalised by the integration limit of {@code proCurve}.
 */
public record CategoryMetrics(double imageAuroc, double pixelAuroc, double auPro, double imageAp, double pixelAp,
                              Curve imageRoc, Curve pixelRoc, Curve proCurve,
                              int images, int defectImages, int components) {

    /** Metric names in output order, as used in metrics.json. */
    public static final String[] KEYS = {"image_auroc", "pixel_auroc", "au_pro", "image_ap", "pixel_ap"};

    public double[] values() {
        return new double[]{imageAuroc, pixelAuroc, auPro, imageAp, pixelAp};
    }

    public Map<String, Double> asMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        double[] v = values();
        for (int i = 0; i < KEYS.length; i++) m.put(KEYS[i], v[i]);
        return m;
    }
}
