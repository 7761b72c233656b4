package dsr3d.models.eval;

import java.util.Arrays;

/**
 * Collects the anomaly maps of one category image by image and computes image AUROC / AP
 * (image score = max of the map), pixel AUROC / AP (all pixels of all images pooled) and
 * AU-PRO. Keeps 4 bytes per pixel (scores in float lists), never the maps.
 *
 * <p>Two pixel masks per image: {@code defect} defines the AU-PRO components and OK pixels;
 * {@code pixelPositive} the positives of the pixel AUROC/AP. Under the official protocol they
 * are the same array (gt != 0) and the AU-PRO store is reused for the pixel ROC (no second
 * copy). The 3DSR protocol uses different masks (data-and-evaluation.md 3.7); then the pixel
 * scores are kept a second time, split by {@code pixelPositive}.
 */
public final class CategoryEvaluator {
    public enum ProVariant { OFFICIAL, EXACT }

    private final String category;
    private final AuPro auPro = new AuPro();
    private final FloatList pixelPos = new FloatList(1 << 12), pixelNeg = new FloatList(1 << 12);
    private boolean separatePixelLabels;
    private double[] imageScores = new double[64];
    private boolean[] imageLabels = new boolean[64];
    private int images, defectImages;

    public CategoryEvaluator(String category) {
        this.category = category;
    }

    /**
     * @param map           anomaly scores, [H][W] row-major (NaN is an error naming {@code imageName})
     * @param defect        AU-PRO ground truth (true = defect pixel)
     * @param pixelPositive pixel-ROC ground truth; pass {@code defect} itself when they agree
     * @param anomalous     the image label for the image metrics
     */
    public void addImage(String imageName, float[] map, int width, int height, boolean[] defect, boolean[] pixelPositive,
                         boolean anomalous) {
        addImage(imageName, map, width, height, defect, pixelPositive, anomalous, Double.NaN);
    }

    /** As above with the image score given (DSR's scores.json: not the map's maximum); NaN = the map's maximum. */
    public void addImage(String imageName, float[] map, int width, int height, boolean[] defect, boolean[] pixelPositive,
                         boolean anomalous, double imageScore) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < map.length; i++) {
            float s = map[i];
            if (Float.isNaN(s))
                throw new IllegalArgumentException(imageName + ": anomaly score is NaN at pixel (x=" + (i % width) + ", y=" + (i / width) + ")");
            if (s > max) max = s;
        }
        if (pixelPositive != defect) {
            if (pixelPositive.length != map.length)
                throw new IllegalArgumentException(imageName + ": pixel labels have " + pixelPositive.length + " values, map " + map.length);
            if (images > 0 && !separatePixelLabels)
                throw new IllegalStateException("category " + category + ": pass distinct pixel labels for every image or for none");
            separatePixelLabels = true;
            for (int i = 0; i < map.length; i++) {
                if (pixelPositive[i]) pixelPos.add(map[i] + 0.0f); else pixelNeg.add(map[i] + 0.0f);
            }
        } else if (separatePixelLabels) {
            throw new IllegalStateException("category " + category + ": pass distinct pixel labels for every image or for none");
        }
        auPro.addImage(map, defect, width, height);
        if (images == imageScores.length) {
            imageScores = Arrays.copyOf(imageScores, 2 * images);
            imageLabels = Arrays.copyOf(imageLabels, 2 * images);
        }
        imageScores[images] = Double.isNaN(imageScore) ? max : imageScore;
        imageLabels[images] = anomalous;
        images++;
        if (anomalous) defectImages++;
    }

    public int images() { return images; }

    /** Computes every metric; errors name the category and what is missing. */
    public CategoryMetrics finish(double proLimit, ProVariant variant) {
        AuPro.checkLimit(proLimit);
        if (images == 0) throw new IllegalArgumentException("category " + category + ": no test image");
        if (auPro.components() == 0)
            throw new IllegalArgumentException("category " + category + ": the ground truth has no defect component (every gt pixel is 0), AU-PRO and pixel metrics are undefined");
        if (defectImages == 0 || defectImages == images)
            throw new IllegalArgumentException("category " + category + ": image AUROC needs good and defective images, got "
                    + (images - defectImages) + " good and " + defectImages + " defective");
        double[] scores = Arrays.copyOf(imageScores, images);
        boolean[] labels = Arrays.copyOf(imageLabels, images);
        Ranking.Result image = Auroc.rank(scores, labels, "category " + category + ": image AUROC");

        Curve pro = variant == ProVariant.EXACT ? auPro.exact(proLimit) : auPro.official(proLimit);
        float[] neg, pos;
        if (separatePixelLabels) {
            neg = pixelNeg.trimmed();
            pos = pixelPos.trimmed();
            Arrays.sort(neg);
            Arrays.sort(pos);
        } else {
            neg = auPro.sortedOk();
            pos = auPro.sortedRegionPixels();
        }
        if (neg.length == 0 || pos.length == 0)
            throw new IllegalArgumentException("category " + category + ": pixel AUROC needs defect and good pixels, got "
                    + pos.length + " positive and " + neg.length + " negative pixels");
        Ranking.Result pixel = Ranking.walk(SortedScores.of(neg, neg.length), SortedScores.of(pos, pos.length), 1e-3, "pixel ROC");
        Curve imageRoc = rename(image.roc(), "image ROC");
        return new CategoryMetrics(image.auroc(), pixel.auroc(), pro.area(), image.averagePrecision(), pixel.averagePrecision(),
                imageRoc, pixel.roc(), pro, images, defectImages, auPro.components());
    }

    private static Curve rename(Curve c, String name) {
        return new Curve(name, c.x(), c.y(), c.area(), c.limit());
    }
}
