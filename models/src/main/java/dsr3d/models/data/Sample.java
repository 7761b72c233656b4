package dsr3d.models.data;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One dataset sample as found on disk: where it sits (category, split, defect type, file stem)
 * and its files. Nothing is read until {@link #load()}, so a dataset can stream thousands of
 * samples lazily.
 *
 * <p>MVTec 3D-AD: {@code xyz} is the point-cloud TIFF; {@code depth}, {@code depthInfo},
 * {@code pose} and {@code light} are null. Eyecandies: {@code xyz} is null, the geometry comes
 * from {@code depth} (16-bit PNG) + {@code depthInfo} (YAML range) + {@code pose} (4x4 text), and
 * {@code light} names the RGB image used ("image_0".."image_5"). {@code gt} is null when the
 * sample has no mask file (train/validation, or test/good without gt): it then loads as zeros.
 *
 * @param type "good" or a defect type (MVTec folder name; Eyecandies "bad"); "unknown" where the
 *             split carries no labels (Eyecandies test_private)
 */
public record Sample(String dataset, String category, String split, String type, String stem,
                     Path rgb, Path xyz, Path gt, Path depth, Path depthInfo, Path pose, String light,
                     SampleLoader loader) {

    public Sample {
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(stem, "stem");
        Objects.requireNonNull(rgb, "rgb");
        Objects.requireNonNull(loader, "loader");
    }

    /** Image-level label: 1 for a defect type, 0 for good (and for unlabelled samples). */
    public int label() { return type.equals("good") || type.equals("unknown") ? 0 : 1; }

    /** Reads and preprocesses the files. Throws {@link DataException} naming the bad file. */
    public LoadedSample load() { return loader.load(this); }

    /** A short identity for logs: dataset/category/split/type/stem. */
    public String id() { return dataset + "/" + category + "/" + split + "/" + type + "/" + stem; }

    /** How a dataset turns its sample's files into tensors. */
    @FunctionalInterface
    public interface SampleLoader {
        LoadedSample load(Sample sample);
    }
}
