package dsr3d.simulate.synth;

import dsr3d.simulate.Rng;
import dsr3d.tensor.io.AtomicFiles;
import dsr3d.simulate.io.ByteImage;
import dsr3d.simulate.io.JsonText;
import dsr3d.simulate.io.Png;
import dsr3d.simulate.io.Tiff;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * The synthetic RGB-D anomaly benchmark, written in the exact MVTec 3D-AD layout:
 * <pre>
 * OUT/&lt;category&gt;/class_ids.json                     {"255": "bump", ..., "0": "good"}: values of class_ids/NNN.png
 * OUT/&lt;category&gt;/calibration/camera_parameters.json  pinhole camera of the renderer
 * OUT/&lt;category&gt;/{train,validation}/good/{rgb,xyz}/NNN.{png,tiff}
 * OUT/&lt;category&gt;/test/&lt;type&gt;/{rgb,xyz,gt}/NNN.{png,tiff,png}   type = good, bump, color, combined, crack, dent
 * OUT/&lt;category&gt;/test/&lt;type&gt;/class_ids/NNN.png      (defect types only)
 * </pre>
 * rgb is 8-bit RGB PNG, xyz a float32 3-channel TIFF in metres with (0,0,0) for missing points,
 * gt an 8-bit grey PNG binary mask as in MVTec 3D-AD: 255 = defect pixel, 0 = normal (all zero
 * for test/good). Every defect pixel is 255, so every evaluation protocol (positives = 255, or
 * != 0) sees the same defects. class_ids/NNN.png keeps the per-pixel defect class (the ids of
 * class_ids.json, 0 = normal) for who needs to tell the defect types apart.
 *
 * <p>Determinism: every image gets its own random stream, split in a fixed order from a
 * stream seeded by (seed, category name), so the bytes depend on the configuration alone, not
 * on the thread count or on which other categories are generated.
 */
public final class SynthDataset {

    /** Test folders: good first, then the defect folders in name order. */
    public static final List<String> TEST_TYPES = List.of("good", "bump", "color", "combined", "crack", "dent");

    /**
     * @param categories category names (see {@link SynthCategory#all()})
     * @param size       image side in pixels (square images)
     * @param test       test images per category, split as evenly as possible over {@link #TEST_TYPES}
     * @param threads    worker threads (the output does not depend on it)
     * @param defectScale multiplies every defect's size (1 = the benchmark, sized in fractions of the image side)
     * @param reliefScale multiplies the depth of every geometric defect (1 = the benchmark's 2.5-4 mm)
     */
    public record Config(List<String> categories, int size, int train, int validation, int test, long seed, int threads,
                         double defectScale, double reliefScale) {
        /** The benchmark's defects. */
        public Config(List<String> categories, int size, int train, int validation, int test, long seed, int threads) {
            this(categories, size, train, validation, test, seed, threads, 1.0, 1.0);
        }

        public Config {
            if (!(defectScale > 0) || defectScale > 8) throw new IllegalArgumentException("defect scale must be in (0, 8], got " + defectScale);
            if (!(reliefScale > 0) || reliefScale > 4) throw new IllegalArgumentException("relief scale must be in (0, 4], got " + reliefScale);
            categories = List.copyOf(Objects.requireNonNull(categories, "categories"));
            if (categories.isEmpty()) throw new IllegalArgumentException("categories: need at least one");
            for (String c : categories) SynthCategory.byName(c);
            if (size < 32) throw new IllegalArgumentException("size must be >= 32 pixels, got " + size);
            if (train < 0 || validation < 0 || test < 0)
                throw new IllegalArgumentException("counts must be >= 0, got train=" + train + " validation=" + validation + " test=" + test);
            if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }

        public int imagesPerCategory() { return train + validation + test; }

        public int totalImages() { return categories.size() * imagesPerCategory(); }
    }

    /** How many test images of each type (index-aligned with {@link #TEST_TYPES}). */
    public static int[] testSplit(int test) {
        int k = TEST_TYPES.size();
        int[] counts = new int[k];
        for (int t = 0; t < k; t++) counts[t] = test / k + (t < test % k ? 1 : 0);
        return counts;
    }

    /** One image to make: where it goes and its own random stream. */
    private record Job(SynthCategory category, Path dir, String type, int index, boolean withGt, Rng rng) {}

    /** Writes the whole data set under {@code out}; {@code onImage} is called once per finished image. */
    public static void generate(Config config, Path out, Consumer<String> onImage) throws IOException {
        List<Job> jobs = new ArrayList<>();
        for (String name : config.categories()) {
            SynthCategory cat = SynthCategory.byName(name);
            Path root = out.resolve(cat.name());
            Files.createDirectories(root);
            writeClassIds(root);
            writeCamera(root, config.size());
            Rng rng = new Rng(config.seed() * 0x9E3779B97F4A7C15L ^ cat.name().hashCode());
            for (int i = 0; i < config.train(); i++) jobs.add(new Job(cat, root.resolve("train/good"), "good", i, false, rng.split()));
            for (int i = 0; i < config.validation(); i++) jobs.add(new Job(cat, root.resolve("validation/good"), "good", i, false, rng.split()));
            int[] split = testSplit(config.test());
            for (int t = 0; t < TEST_TYPES.size(); t++) {
                String type = TEST_TYPES.get(t);
                for (int i = 0; i < split[t]; i++) jobs.add(new Job(cat, root.resolve("test/" + type), type, i, true, rng.split()));
                if (split[t] == 0) continue;
                for (String sub : type.equals("good") ? List.of("rgb", "xyz", "gt") : List.of("rgb", "xyz", "gt", "class_ids")) Files.createDirectories(root.resolve("test/" + type + "/" + sub));
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(config.threads());
        try {
            List<Future<?>> done = new ArrayList<>();
            for (Job job : jobs)
                done.add(pool.submit(() -> {
                    makeImage(job, config.size(), config.defectScale(), config.reliefScale());
                    synchronized (onImage) { onImage.accept(job.category().name() + "/" + job.dir().getFileName()); }
                    return null;
                }));
            for (Future<?> f : done) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof IOException io) throw io;
                    if (e.getCause() instanceof RuntimeException re) throw re;
                    throw new IOException("synthetic image failed: " + e.getCause(), e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while generating", e);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** One sample in memory: rgb, xyz and gt (class ids; all zero for good). */
    public record Sample(ByteImage rgb, dsr3d.simulate.io.FloatImage xyz, ByteImage gt) {}

    /** Renders one sample of {@code category} with defect folder {@code type} ("good", "bump", ...). */
    public static Sample sample(SynthCategory category, String type, int size, Rng rng) {
        return sample(category, type, size, rng, true, 1.0, 1.0);
    }

    /**
     * As {@link #sample(SynthCategory, String, int, Rng)}; with {@code withDefects = false} the
     * same stream gives the same scene (object, light, sensor noise) without its defects, which
     * is how the tests see exactly what a defect changed.
     */
    public static Sample sample(SynthCategory category, String type, int size, Rng rng, boolean withDefects) {
        return sample(category, type, size, rng, withDefects, 1.0, 1.0);
    }

    /** As above with the defects' sizes multiplied by {@code defectScale} and their depths by {@code reliefScale}. */
    public static Sample sample(SynthCategory category, String type, int size, Rng rng, boolean withDefects, double defectScale,
                                double reliefScale) {
        if (!TEST_TYPES.contains(type)) throw new IllegalArgumentException("unknown test type '" + type + "'; expected one of " + TEST_TYPES);
        // Separate streams for object, defects and rendering, so that defects change nothing else.
        Rng objectRng = rng.split(), defectRng = rng.split(), renderRng = rng.split();
        ObjectModel obj = category.generate(size, SceneRenderer.nominalPixelMetres(size), objectRng);
        float[] height = obj.height().clone(), albedo = obj.albedo().clone();
        byte[] gt = new byte[size * size];
        if (withDefects) {
            switch (type) {
                case "good" -> { }
                case "combined" -> {
                    List<DefectType> geo = DefectType.geometricTypes();
                    Defects.apply(geo.get(defectRng.nextInt(geo.size())), obj, height, albedo, gt, defectRng, defectScale, reliefScale);
                    Defects.apply(DefectType.COLOR, obj, height, albedo, gt, defectRng, defectScale, reliefScale);
                }
                default -> Defects.apply(DefectType.valueOf(type.toUpperCase(Locale.ROOT)), obj, height, albedo, gt, defectRng, defectScale, reliefScale);
            }
        }
        SceneRenderer.Rendered r = SceneRenderer.render(obj, height, albedo, renderRng);
        return new Sample(r.rgb(), r.xyz(), new ByteImage(size, size, 1, gt));
    }

    private static void makeImage(Job job, int size, double defectScale, double reliefScale) throws IOException {
        Sample s = sample(job.category(), job.type(), size, job.rng(), true, defectScale, reliefScale);
        String stem = String.format(Locale.ROOT, "%03d", job.index());
        Png.writeRgb(job.dir().resolve("rgb/" + stem + ".png"), s.rgb());
        Tiff.writeFloat(job.dir().resolve("xyz/" + stem + ".tiff"), s.xyz());
        if (job.withGt()) {
            Png.writeGray8(job.dir().resolve("gt/" + stem + ".png"), binaryMask(s.gt()));
            if (!job.type().equals("good")) Png.writeGray8(job.dir().resolve("class_ids/" + stem + ".png"), s.gt());
        }
    }

    /** The MVTec 3D-AD gt mask of a class-id image: 255 where any defect is, 0 elsewhere. */
    public static ByteImage binaryMask(ByteImage classIds) {
        byte[] ids = classIds.data(), m = new byte[ids.length];
        for (int i = 0; i < ids.length; i++) m[i] = ids[i] != 0 ? (byte) 255 : 0;
        return new ByteImage(classIds.width(), classIds.height(), 1, m);
    }

    /** class_ids.json: class_ids/NNN.png pixel value -> defect name, ids counting down from 255, plus "0": "good". */
    static String classIdsJson() {
        Map<String, String> ids = new LinkedHashMap<>();
        for (DefectType t : DefectType.values()) ids.put(Integer.toString(t.classId()), t.folder());
        ids.put("0", "good");
        return JsonText.of(ids) + "\n";
    }

    private static void writeClassIds(Path root) throws IOException {
        AtomicFiles.write(root.resolve("class_ids.json"), classIdsJson().getBytes(StandardCharsets.UTF_8));
    }

    private static void writeCamera(Path root, int size) throws IOException {
        double f = SceneRenderer.FOCAL_PER_SIDE * size;
        Map<String, Object> cam = new LinkedHashMap<>();
        cam.put("camera_type", "pinhole");
        cam.put("focal_length_px", f);
        cam.put("cx", size / 2.0);
        cam.put("cy", size / 2.0);
        cam.put("image_width", size);
        cam.put("image_height", size);
        cam.put("note", "synthetic: x = z (u + 0.5 - cx) / f, y = z (v + 0.5 - cy) / f, metres");
        String json = JsonText.of(cam) + "\n";
        AtomicFiles.write(root.resolve("calibration/camera_parameters.json"), json.getBytes(StandardCharsets.UTF_8));
    }
}
