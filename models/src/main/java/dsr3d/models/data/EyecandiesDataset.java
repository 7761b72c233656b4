package dsr3d.models.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Eyecandies tree (docs/data-and-evaluation.md §4):
 * {@code <root>/<Category>/<split>/data/<index>_<item>.<ext>} with splits train, val,
 * test_public, test_private and per sample image_0..image_5 (six lights), depth (16-bit PNG),
 * info_depth (YAML normalisation range), pose (4x4 text), metadata (YAML, {@code anomalous: 0/1})
 * and mask (8-bit PNG). The {@code data/} level may be absent.
 *
 * <p>The RGB image is one of the six lights, chosen once per dataset and recorded in every
 * {@link Sample#light()} (M3DM's converter used image_4, the anomalib export image_5; default
 * here image_4). Sample types: train/val "good"; test splits "good"/"bad" from metadata's
 * {@code anomalous}, "unknown" when there is no metadata.
 *
 * <p>Loading: metric depth from the PNG and its range, back-projection with the pose
 * ({@link EyecandiesGeometry}), then the 3DSR preprocessing with the Eyecandies plane rule
 * (three single pixels, threshold 0.005), exactly as for MVTec otherwise: the official 3DSR code
 * carries only these helpers, not an Eyecandies loader, so this assembly is our choice.
 */
public final class EyecandiesDataset {
    public static final List<String> SPLITS = List.of("train", "val", "test_public", "test_private");
    public static final int DEFAULT_LIGHT = 4;
    private static final Pattern FILE = Pattern.compile("(\\d+)_([a-z_0-9]+)\\.([a-z]+)");

    private final Path root;
    private final LoadOptions options;
    private final int light;
    private final Map<String, Map<String, List<Sample>>> index = new TreeMap<>();
    private final List<DataProblem> problems = new ArrayList<>();
    /** Loads through the on-disk cache when one is set ({@link #withCache}). */
    private Sample.SampleLoader cached;

    private EyecandiesDataset(Path root, LoadOptions options, int light) {
        this.root = root;
        this.options = options;
        this.light = light;
    }

    public static EyecandiesDataset open(Path root) { return open(root, LoadOptions.defaults(), DEFAULT_LIGHT); }

    /**
     * Scans the tree: names, plus the tiny metadata files of the test splits (for labels).
     *
     * @param light which RGB image to use, 0..5 (all spots, bottom, right, top, left, global)
     */
    public static EyecandiesDataset open(Path root, LoadOptions options, int light) {
        if (light < 0 || light > 5) throw new IllegalArgumentException("light must be 0..5 (image_0..image_5), got " + light);
        if (options.method() != LoadOptions.Method.THREE_DSR)
            throw new IllegalArgumentException("Eyecandies loading supports the 3DSR preprocessing only, got " + options.method());
        if (!Files.isDirectory(root)) throw new DataException(root, "Eyecandies root is not a folder");
        EyecandiesDataset ds = new EyecandiesDataset(root, options, light);
        if (isCategory(root)) ds.scanCategory(root.getFileName().toString(), root);
        else for (Path c : Mvtec3dDataset.list(root)) if (Files.isDirectory(c) && isCategory(c)) ds.scanCategory(c.getFileName().toString(), c);
        if (ds.index.isEmpty()) throw new DataException(root, "no Eyecandies category found (expected <Category>/train|val|test_public folders)");
        return ds;
    }

    public int light() { return light; }

    public List<String> categories() { return List.copyOf(index.keySet()); }

    public List<DataProblem> problems() { return Collections.unmodifiableList(problems); }

    /** Samples of a split, by index; nothing is read. */
    public Stream<Sample> samples(String category, String split) {
        Map<String, List<Sample>> c = index.get(category);
        if (c == null) throw new IllegalArgumentException("category '" + category + "' not found under " + root + "; categories: " + categories());
        if (!SPLITS.contains(split)) throw new IllegalArgumentException("split must be one of " + SPLITS + ", got '" + split + "'");
        return c.getOrDefault(split, List.of()).stream();
    }

    private static boolean isCategory(Path dir) {
        for (String s : SPLITS) if (Files.isDirectory(dir.resolve(s))) return true;
        return false;
    }

    private void scanCategory(String category, Path dir) {
        Map<String, List<Sample>> splits = new TreeMap<>();
        for (String split : SPLITS) {
            Path sd = dir.resolve(split);
            if (!Files.isDirectory(sd)) continue;
            Path data = Files.isDirectory(sd.resolve("data")) ? sd.resolve("data") : sd;
            Map<String, Map<String, Path>> items = new TreeMap<>();
            for (Path f : Mvtec3dDataset.list(data)) {
                String name = f.getFileName().toString();
                if (name.startsWith(".") || Files.isDirectory(f)) continue;
                Matcher m = FILE.matcher(name);
                if (!m.matches()) {
                    problems.add(new DataProblem(f, "unexpected file name (expected <index>_<item>.<ext>)"));
                    continue;
                }
                items.computeIfAbsent(m.group(1), k -> new TreeMap<>()).put(m.group(2), f);
            }
            List<Sample> samples = new ArrayList<>();
            for (Map.Entry<String, Map<String, Path>> e : items.entrySet()) {
                Sample s = sample(category, split, e.getKey(), e.getValue());
                if (s != null) samples.add(s);
            }
            splits.put(split, samples);
        }
        index.put(category, splits);
    }

    private Sample sample(String category, String split, String stem, Map<String, Path> it) {
        String lightItem = "image_" + light;
        boolean ok = true;
        for (String need : List.of(lightItem, "depth", "info_depth", "pose"))
            if (!it.containsKey(need)) {
                Path some = it.values().iterator().next();
                problems.add(new DataProblem(some.resolveSibling(stem + "_" + need + (need.startsWith("image") || need.equals("depth") ? ".png"
                        : need.equals("pose") ? ".txt" : ".yaml")), "missing item '" + need + "' of sample " + stem + "; sample skipped"));
                ok = false;
            }
        if (!ok) return null;
        String type = split.startsWith("test") ? "unknown" : "good";
        Path meta = it.get("metadata");
        if (meta != null && split.startsWith("test")) {
            try {
                Map<String, Object> y = MiniYaml.parse(Files.readString(meta, StandardCharsets.UTF_8), meta);
                type = MiniYaml.number(y, meta, "anomalous") != 0 ? "bad" : "good";
            } catch (IOException e) {
                problems.add(new DataProblem(meta, "cannot read metadata: " + e.getMessage()));
            } catch (DataException e) {
                problems.add(new DataProblem(meta, e.detail()));
            }
        }
        if (type.equals("bad") && !it.containsKey("mask"))
            problems.add(new DataProblem(it.get("depth").resolveSibling(stem + "_mask.png"), "missing mask for anomalous sample " + stem));
        return new Sample("eyecandies", category, split, type, stem, it.get(lightItem), null, it.get("mask"),
                it.get("depth"), it.get("info_depth"), it.get("pose"), lightItem, this::load);
    }

    // ------------------------------------------------------------------ loading

    LoadedSample load(Sample s) { return cached != null ? cached.load(s) : loadUncached(s); }

    /**
     * Serves loads from an on-disk cache of preprocessed samples in {@code dir} (created on
     * demand; keyed by options and file identity, see {@link SampleCache}). Returns this.
     */
    public EyecandiesDataset withCache(Path dir) {
        cached = new SampleCache(dir).wrap(this::loadUncached, options);
        return this;
    }

    private LoadedSample loadUncached(Sample s) {
        if (s.gt() == null && s.label() == 1)
            throw new DataException(s.depth().resolveSibling(s.stem() + "_mask.png"), "missing mask for anomalous sample");
        Raster rgb = Mvtec3dDataset.readRgb(s.rgb());
        DepthMap dm = readDepthMetres(s.depth(), s.depthInfo());
        int h = dm.height(), w = dm.width();
        float[] depth = dm.metres();
        if (rgb.width() != w || rgb.height() != h)
            throw new DataException(s.depth(), "depth is " + w + "x" + h + " but " + s.rgb().getFileName() + " is "
                    + rgb.width() + "x" + rgb.height());
        double[] pose = readPose(s.pose());
        float[] xyz = EyecandiesGeometry.pointCloud(depth, h, w, pose, EyecandiesGeometry.FOCAL_PX);
        int[] gt = null;
        if (s.gt() != null) {
            Raster g = Mvtec3dDataset.readGt(s.gt());
            if (g.width() != w || g.height() != h)
                throw new DataException(s.gt(), "mask is " + g.width() + "x" + g.height() + " but the depth is " + w + "x" + h);
            gt = g.data();
        }
        Preprocess3dsr.Result r = Preprocess3dsr.apply(xyz, h, w, rgb.data(), h, w, gt, h, w, options.size(), options.gtMode(),
                Preprocess3dsr.PlaneRule.EYECANDIES_THREE_PIXELS);
        return new LoadedSample(s, r.input(), r.foreground(), r.validDepth(), r.gt(), r.size(), s.label());
    }

    /** A metric depth map, [h*w] metres. */
    public record DepthMap(int width, int height, float[] metres) {}

    /** Depth PNG (16-bit grey) + info_depth YAML -> metres. */
    public static DepthMap readDepthMetres(Path depthPng, Path infoYaml) {
        Raster d = Images.readGray16(depthPng);
        double[] range = readDepthRange(infoYaml);
        return new DepthMap(d.width(), d.height(), EyecandiesGeometry.depthMetres(d.data(), range[0], range[1]));
    }

    /** {min, max} of info_depth's normalization block. */
    public static double[] readDepthRange(Path infoYaml) {
        String text;
        try {
            text = Files.readString(infoYaml, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DataException(infoYaml, "cannot read info_depth", e);
        }
        Map<String, Object> y = MiniYaml.parse(text, infoYaml);
        double min = MiniYaml.number(y, infoYaml, "normalization", "min");
        double max = MiniYaml.number(y, infoYaml, "normalization", "max");
        if (!(max > min)) throw new DataException(infoYaml, "normalization range must have max > min, got min=" + min + " max=" + max);
        return new double[]{min, max};
    }

    /** A 4x4 pose matrix written as whitespace-separated numbers (numpy.savetxt). */
    public static double[] readPose(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new DataException(file, "cannot read pose", e);
        }
        String[] tok = text.isEmpty() ? new String[0] : text.split("[\\s,]+");
        if (tok.length != 16) throw new DataException(file, "pose must hold 16 numbers (4x4), found " + tok.length);
        double[] p = new double[16];
        for (int i = 0; i < 16; i++) {
            try {
                p[i] = Double.parseDouble(tok[i]);
            } catch (NumberFormatException e) {
                throw new DataException(file, "pose value " + (i + 1) + " is not a number: '" + tok[i] + "'");
            }
        }
        return p;
    }
}
