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
 * Layout MVTEC_AD (MVTec AD 2D, {@link dsr3d.models.data.MvtecAdDataset}): images
 * {@code D/<object>/test/<type>/<stem>.png}, gt {@code D/<object>/ground_truth/<type>/<stem>_mask.png},
 * none for good (all zeros at the image's size); same map layout. With it, the protocol DSR is
 * test_dsr.py's: maps resolution x resolution (256), gt resized with cv2's INTER_LINEAR on 8 bits
 * ({@link dsr3d.models.data.CvResize#linear8u}), the centre 224 x 224 of both (crop_image), pixel
 * positives = resized gt == 255 (its uint8 cast of gt / 255), AU-PRO defects = resized gt != 0,
 * image label = the folder is not "good", image score = the "score" of A/&lt;object&gt;/scores.json
 * (written by {@code infer --method dsr}: max of the 21 x 21 mean of the anomaly module's output)
 * when that file exists, else the map maximum.
 *
 * <p>Errors (missing map, multi-channel map, size mismatch, NaN, category without defects) are
 * IllegalArgumentExceptions naming the file or object.
 */
public final class TestSetEvaluation {
    public enum Protocol { OFFICIAL, DSR3, DSR }

    /** Where the ground truth lives: MVTec 3D-AD (test/&lt;type&gt;/gt/) or MVTec AD (ground_truth/&lt;type&gt;/&lt;stem&gt;_mask.png). */
    public enum Layout { MVTEC3D, MVTEC_AD }

    /** DSR's centre crop of the 256 maps (test_dsr.py, crop_image to 224). */
    public static final int DSR_CROP = 224;

    /** One test sample: its defect type folder, file stem, gt file (null: a good MVTec AD image,
     *  all zeros at the size of {@code image}) and expected map file. */
    public record Sample(String object, String type, String stem, Path gt, Path map, Path image) {
        public Sample(String object, String type, String stem, Path gt, Path map) { this(object, type, stem, gt, map, null); }
        public boolean good() { return type.equals("good"); }
    }

    public record Options(Path datasetDir, Path mapsDir, double proLimit, Protocol protocol,
                          CategoryEvaluator.ProVariant proVariant, boolean resizeMaps, int resolution, Layout layout) {
        public Options(Path datasetDir, Path mapsDir, double proLimit, Protocol protocol, CategoryEvaluator.ProVariant proVariant,
                       boolean resizeMaps, int resolution) {
            this(datasetDir, mapsDir, proLimit, protocol, proVariant, resizeMaps, resolution, Layout.MVTEC3D);
        }

        public Options {
            if (protocol == Protocol.DSR && layout != Layout.MVTEC_AD)
                throw new IllegalArgumentException("--protocol dsr needs --layout mvtec-ad (DSR's test script reads MVTec AD)");
        }
    }

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
        if (options.layout() == Layout.MVTEC_AD) {
            try {
                for (var it : dsr3d.models.data.MvtecAdDataset.open(options.datasetDir()).samples(object, "test"))
                    out.add(new Sample(object, it.type(), it.stem(), it.mask(),
                            options.mapsDir().resolve(object).resolve("test").resolve(it.type()).resolve(it.stem() + ".tiff"), it.image()));
            } catch (IOException e) {
                throw new DataException(test, "cannot list the MVTec AD test split", e);
            }
        }
        for (Path typeDir : options.layout() == Layout.MVTEC_AD ? List.<Path>of() : list(test, Files::isDirectory)) {
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
        java.util.Map<String, Double> given = options.protocol() == Protocol.DSR ? scoresJson(options.mapsDir().resolve(object).resolve("scores.json")) : java.util.Map.of();
        for (Sample s : samples) {
            try {
                if (options.protocol() == Protocol.DSR) addDsr(evaluator, s, given.getOrDefault(s.type() + "/" + s.stem(), Double.NaN));
                else addSample(evaluator, s);
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

    /** "type/stem" -> score from infer's scores.json ([{"type", "stem", "score"}, ...]); empty when the file is absent. */
    static java.util.Map<String, Double> scoresJson(Path file) {
        java.util.Map<String, Double> out = new java.util.HashMap<>();
        if (!Files.isRegularFile(file)) return out;
        try {
            for (var e : com.google.gson.JsonParser.parseString(Files.readString(file)).getAsJsonArray()) {
                var o = e.getAsJsonObject();
                out.put(o.get("type").getAsString() + "/" + o.get("stem").getAsString(), o.get("score").getAsDouble());
            }
        } catch (IOException | RuntimeException e) {
            throw new DataException(file, "not a scores.json of infer ([{\"type\", \"stem\", \"score\"}, ...]): " + e.getMessage(), null);
        }
        return out;
    }

    /** test_dsr.py: gt resized as cv2 (8 bits), both centre-cropped to 224; positives = gt == 255. */
    private void addDsr(CategoryEvaluator evaluator, Sample s, double imageScore) {
        FloatImage map;
        try {
            map = Tiff.readFloat(s.map());
        } catch (IOException e) {
            throw new DataException(s.map(), "cannot read the anomaly map", e);
        }
        int r = options.resolution();
        if (map.channels() != 1 || map.width() != r || map.height() != r)
            throw new IllegalArgumentException("the dsr protocol evaluates single-channel " + size(r, r) + " maps, " + s.map() + " is "
                    + size(map.width(), map.height()) + " with " + map.channels() + " channel(s)");
        int[] g = new int[r * r];
        if (s.gt() != null) {
            ByteImage gt;
            try {
                gt = Png.readGray8(s.gt());
            } catch (IOException e) {
                throw new DataException(s.gt(), "cannot read the ground truth", e);
            }
            int[] src = new int[gt.width() * gt.height()];
            for (int i = 0; i < src.length; i++) src[i] = gt.data()[i] & 0xFF;
            g = dsr3d.models.data.CvResize.linear8u(src, gt.height(), gt.width(), 1, r, r);
        }
        int c = Math.min(DSR_CROP, r), off = (r - c) / 2;
        float[] cropped = new float[c * c];
        boolean[] defect = new boolean[c * c], positive = new boolean[c * c];
        for (int y = 0; y < c; y++)
            for (int x = 0; x < c; x++) {
                int from = (y + off) * r + x + off, to = y * c + x;
                cropped[to] = map.data()[from];
                defect[to] = g[from] != 0;
                positive[to] = g[from] == 255;
            }
        evaluator.addImage(s.map().toString(), cropped, c, c, defect, positive, !s.good(), imageScore);
    }

    private void addSample(CategoryEvaluator evaluator, Sample s) {
        ByteImage gt;
        FloatImage map;
        try {
            gt = s.gt() != null ? Png.readGray8(s.gt()) : blankLike(s.image());
        } catch (IOException e) {
            throw new DataException(s.gt() != null ? s.gt() : s.image(), "cannot read the ground truth", e);
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

    /** An all-zero gt of the image's size (a good MVTec AD image has no mask file). */
    private static ByteImage blankLike(Path image) throws IOException {
        ByteImage img = Png.readRgb(image);
        return new ByteImage(img.width(), img.height(), 1, new byte[img.width() * img.height()]);
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
