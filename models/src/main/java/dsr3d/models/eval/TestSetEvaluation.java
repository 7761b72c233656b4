package dsr3d.models.eval;

import dsr3d.models.data.DataException;
import dsr3d.simulate.image.Resize;
import dsr3d.simulate.io.ByteImage;
import dsr3d.simulate.io.FloatImage;
import dsr3d.simulate.io.Png;
import dsr3d.simulate.io.Tiff;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Evaluates anomaly maps stored as files against an MVTec 3D-AD style test set: the engine
 * behind {@code ./3dsr evaluate}.
 *
 * <p>Layout: ground truth {@code D/<object>/test/<type>/gt/<stem>.png} (8-bit, class ids,
 * 0 = good), maps {@code A/<object>/test/<type>/<stem>.tiff} (single-channel float32). Image
 * score = max of the map. Two protocols (data-and-evaluation.md 3.1-3.7):
 * <ul>
 *   <li>OFFICIAL: at the gt resolution; a map of another size is resized bilinearly to it
 *       (half-pixel centres, as OpenCV) unless resizing is switched off, then any size
 *       difference is an error. Defect pixels = gt != 0 (AU-PRO and pixel ROC alike); image
 *       label = gt has a non-zero pixel.</li>
 *   <li>DSR3 (the 3DSR test script): maps must be resolution x resolution (384); the gt is
 *       resized bilinearly to it and rounded to 8 bits (cv2.resize on uint8); AU-PRO defect
 *       = resized value != 0, pixel-ROC positive = resized value == 255 only (their uint8 cast
 *       of gt/255, so class ids 253/254 and blurred edges are negatives); image label = the
 *       folder is not "good".</li>
 * </ul>
 * Errors (missing map, multi-channel map, size mismatch, NaN, category without defects) are
 * IllegalArgumentExceptions naming the file or object.
 */
public final class TestSetEvaluation {
    public enum Protocol { OFFICIAL, DSR3 }

    /** One test sample: its defect type folder, file stem, gt file and expected map file. */
    public record Sample(String object, String type, String stem, Path gt, Path map) {
        public boolean good() { return type.equals("good"); }
    }

    public record Options(Path datasetDir, Path mapsDir, double proLimit, Protocol protocol,
                          CategoryEvaluator.ProVariant proVariant, boolean resizeMaps, int resolution) {}

    private final Options options;
    private final Consumer<String> warnings;

    public TestSetEvaluation(Options options, Consumer<String> warnings) {
        this.options = options;
        this.warnings = warnings;
        AuPro.checkLimit(options.proLimit());
        if (options.resolution() <= 0) throw new IllegalArgumentException("--resolution must be positive, got " + options.resolution());
    }

    /** Every folder of {@code datasetDir} that has a test folder, sorted by name. */
    public static List<String> discoverObjects(Path datasetDir) {
        requireDir(datasetDir, "dataset base dir");
        try (Stream<Path> s = Files.list(datasetDir)) {
            List<String> objects = s.filter(p -> Files.isDirectory(p.resolve("test"))).map(p -> p.getFileName().toString()).sorted().toList();
            if (objects.isEmpty())
                throw new DataException(datasetDir, "no object folder with a test/ folder");
            return objects;
        } catch (IOException e) {
            throw new DataException(datasetDir, "cannot list the folder", e);
        }
    }

    /** The test samples of one object in (type, stem) order; every map must exist. */
    public List<Sample> samples(String object) {
        Path test = options.datasetDir().resolve(object).resolve("test");
        if (!Files.isDirectory(test))
            throw new DataException(test, "object '" + object + "' has no test folder");
        List<Sample> out = new ArrayList<>();
        for (Path typeDir : list(test, Files::isDirectory)) {
            String type = typeDir.getFileName().toString();
            Path gtDir = typeDir.resolve("gt");
            if (!Files.isDirectory(gtDir))
                throw new DataException(gtDir, "no gt folder (MVTec 3D-AD has one in every test folder)");
            for (Path gt : list(gtDir, p -> p.getFileName().toString().endsWith(".png"))) {
                String name = gt.getFileName().toString();
                String stem = name.substring(0, name.length() - 4);
                Path map = options.mapsDir().resolve(object).resolve("test").resolve(type).resolve(stem + ".tiff");
                out.add(new Sample(object, type, stem, gt, map));
            }
        }
        if (out.isEmpty()) throw new DataException(test, "object '" + object + "': no gt PNG in */gt/");
        List<Path> missing = out.stream().map(Sample::map).filter(p -> !Files.isRegularFile(p)).toList();
        if (!missing.isEmpty())
            throw new DataException(missing.getFirst(), "missing anomaly map of object '" + object + "'"
                    + (missing.size() > 1 ? " (and " + (missing.size() - 1) + " more)" : ""));
        return out;
    }

    /** Reads every sample, computes the metrics; {@code afterImage} is called once per image. */
    public CategoryMetrics evaluate(String object, List<Sample> samples, Runnable afterImage) {
        CategoryEvaluator evaluator = new CategoryEvaluator(object);
        for (Sample s : samples) {
            try {
                addSample(evaluator, s);
            } catch (IllegalArgumentException e) {   // bad values in the files: a data error, not a bad command line
                throw new DataException(s.map(), withoutFile(s.map(), e.getMessage()), null);
            }
            afterImage.run();
        }
        try {
            return evaluator.finish(options.proLimit(), options.proVariant());
        } catch (IllegalArgumentException e) {
            throw new DataException(options.mapsDir().resolve(object), e.getMessage(), null);
        }
    }

    private void addSample(CategoryEvaluator evaluator, Sample s) {
        ByteImage gt;
        FloatImage map;
        try {
            gt = Png.readGray8(s.gt());
        } catch (IOException e) {
            throw new DataException(s.gt(), "cannot read the ground truth", e);
        }
        try {
            map = Tiff.readFloat(s.map());
        } catch (IOException e) {
            throw new DataException(s.map(), "cannot read the anomaly map", e);
        }
        if (map.channels() != 1)
            throw new IllegalArgumentException("anomaly map " + s.map() + " has " + map.channels() + " channels, expected a single-channel float32 TIFF");
        if (options.protocol() == Protocol.OFFICIAL) addOfficial(evaluator, s, gt, map);
        else add3dsr(evaluator, s, gt, map);
    }

    private void addOfficial(CategoryEvaluator evaluator, Sample s, ByteImage gt, FloatImage map) {
        int w = gt.width(), h = gt.height();
        float[] scores = map.data();
        if (map.width() != w || map.height() != h) {
            if (!options.resizeMaps())
                throw new IllegalArgumentException("size mismatch: anomaly map " + s.map() + " is " + size(map.width(), map.height())
                        + " but its ground truth " + s.gt() + " is " + size(w, h) + " (resizing is switched off)");
            checkFinite(scores, s.map(), map.width()); // a NaN would spread in the resize; name the source pixel
            scores = Resize.bilinear(scores, 1, map.height(), map.width(), h, w);
        }
        boolean[] defect = new boolean[w * h];
        boolean any = false;
        byte[] g = gt.data();
        for (int i = 0; i < defect.length; i++) if (g[i] != 0) { defect[i] = true; any = true; }
        if (any == s.good())
            warnings.accept(s.gt() + ": folder '" + s.type() + "' but the gt has " + (any ? "defect pixels" : "no defect pixel")
                    + "; the official protocol labels the image by its gt (" + (any ? "anomalous" : "good") + ")");
        evaluator.addImage(s.map().toString(), scores, w, h, defect, defect, any);
    }

    private void add3dsr(CategoryEvaluator evaluator, Sample s, ByteImage gt, FloatImage map) {
        int r = options.resolution();
        if (map.width() != r || map.height() != r)
            throw new IllegalArgumentException("size mismatch: the 3dsr protocol evaluates at " + size(r, r) + " but anomaly map "
                    + s.map() + " is " + size(map.width(), map.height()));
        float[] g = new float[gt.width() * gt.height()];
        for (int i = 0; i < g.length; i++) g[i] = gt.data()[i] & 0xFF;
        float[] resized = Resize.bilinear(g, 1, gt.height(), gt.width(), r, r);
        boolean[] defect = new boolean[r * r], positive = new boolean[r * r];
        for (int i = 0; i < resized.length; i++) {
            int v = Math.round(resized[i]); // cv2 INTER_LINEAR on uint8 rounds to 8 bits
            defect[i] = v != 0;
            positive[i] = v == 255;
        }
        evaluator.addImage(s.map().toString(), map.data(), r, r, defect, positive, !s.good());
    }

    private static void checkFinite(float[] v, Path file, int width) {
        for (int i = 0; i < v.length; i++)
            if (Float.isNaN(v[i]))
                throw new IllegalArgumentException(file + ": anomaly score is NaN at pixel (x=" + (i % width) + ", y=" + (i / width) + ")");
    }

    /** The message without a leading "file: ", which DataException adds itself (a path is named once). */
    private static String withoutFile(Path file, String message) {
        String prefix = file + ": ";
        return message != null && message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }

    private static String size(int w, int h) {
        return String.format(Locale.ROOT, "%dx%d (WxH)", w, h);
    }

    private static List<Path> list(Path dir, java.util.function.Predicate<Path> keep) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(keep).sorted().toList();
        } catch (IOException e) {
            throw new DataException(dir, "cannot list the folder", e);
        }
    }

    private static void requireDir(Path dir, String what) {
        if (!Files.isDirectory(dir)) throw new DataException(dir, what + ": no such folder");
    }
}
