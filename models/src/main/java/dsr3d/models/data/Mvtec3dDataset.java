package dsr3d.models.data;

import dsr3d.simulate.io.FloatImage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The MVTec 3D-AD folder tree (docs/data-and-evaluation.md §1):
 * {@code <root>/<category>/{train,validation,test}/<type>/{rgb/NNN.png, xyz/NNN.tiff, gt/NNN.png}}.
 *
 * <p>{@link #open} only lists folders: files are paired by stem (never by list position), and
 * every inconsistency is recorded as a {@link DataProblem} naming the file (an rgb without its
 * xyz or the reverse, a gt without an rgb, a defect image without its gt, a missing folder, a file
 * of an unexpected kind). Unpaired rgb/xyz files are left out of the samples; a defect sample
 * without gt is kept and fails with a clear error when loaded. {@link #validate} additionally
 * decodes every file (slow on the real data) and checks formats and sizes.
 *
 * <p>The root may also be a single category folder (one holding train/ or test/).
 * gt pixel values are class ids (253..255), binarised with != 0 (or kept as bilinear/255 in the
 * 3DSR-compat mode). Train, validation and test/good samples load an all-zero mask whether or not
 * a gt file exists, as the official 3DSR test loader does; {@link #validate} reports a good
 * sample whose gt is not all zero, and a defect sample whose gt is.
 */
public final class Mvtec3dDataset {
    public static final List<String> SPLITS = List.of("train", "validation", "test");

    private final Path root;
    private final LoadOptions options;
    /** category -> split -> type -> samples sorted by stem. */
    private final Map<String, Map<String, Map<String, List<Sample>>>> index = new TreeMap<>();
    private final List<DataProblem> problems = new ArrayList<>();
    /** Loads through the on-disk cache when one is set ({@link #withCache}). */
    private Sample.SampleLoader cached;

    private Mvtec3dDataset(Path root, LoadOptions options) {
        this.root = root;
        this.options = options;
    }

    /** One rgb PNG / xyz TIFF pair outside a dataset tree (./3dsr infer --rgb --xyz): an unlabelled
     *  test sample (type "unknown", so pictures and scores.json do not call it good; no gt) preprocessed
     *  exactly as the dataset's test samples. */
    public static Sample single(Path rgb, Path xyz, LoadOptions options) {
        Mvtec3dDataset ds = new Mvtec3dDataset(rgb.toAbsolutePath().getParent(), options);
        String name = rgb.getFileName().toString();
        String stem = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
        return new Sample("mvtec3d", "single", "test", "unknown", stem, rgb, xyz, null, null, null, null, null, ds::loadUncached);
    }

    /** Scans the tree (names only) with the default 3DSR load options. */
    public static Mvtec3dDataset open(Path root) { return open(root, LoadOptions.defaults()); }

    /** Scans the tree (names only). Throws if the root is not a folder or holds no category. */
    public static Mvtec3dDataset open(Path root, LoadOptions options) {
        if (!Files.isDirectory(root)) throw new DataException(root, "MVTec 3D-AD root is not a folder");
        Mvtec3dDataset ds = new Mvtec3dDataset(root, options);
        if (isCategory(root)) ds.scanCategory(root.getFileName().toString(), root);
        else for (Path c : list(root)) if (Files.isDirectory(c) && isCategory(c)) ds.scanCategory(c.getFileName().toString(), c);
        if (ds.index.isEmpty())
            throw new DataException(root, "no MVTec 3D-AD category found (expected <category>/train|validation|test folders)");
        return ds;
    }

    public Path root() { return root; }

    public LoadOptions options() { return options; }

    /** Categories found, sorted. */
    public List<String> categories() { return List.copyOf(index.keySet()); }

    /** Defect types (type folders) of a split, sorted; "good" included. */
    public List<String> types(String category, String split) {
        return List.copyOf(splitIndex(category, split).keySet());
    }

    /** Problems found by the scan (names only). */
    public List<DataProblem> problems() { return Collections.unmodifiableList(problems); }

    /** Samples of one split, by type then stem; nothing is read. */
    public Stream<Sample> samples(String category, String split) {
        return splitIndex(category, split).values().stream().flatMap(List::stream);
    }

    /** Samples of one split and type. */
    public List<Sample> samples(String category, String split, String type) {
        List<Sample> s = splitIndex(category, split).get(type);
        if (s == null) throw new IllegalArgumentException("type '" + type + "' not found in " + category + "/" + split
                + "; types: " + types(category, split));
        return s;
    }

    private Map<String, List<Sample>> splitIndex(String category, String split) {
        Map<String, Map<String, List<Sample>>> c = index.get(category);
        if (c == null) throw new IllegalArgumentException("category '" + category + "' not found under " + root
                + "; categories: " + categories());
        if (!SPLITS.contains(split)) throw new IllegalArgumentException("split must be one of " + SPLITS + ", got '" + split + "'");
        return c.getOrDefault(split, Map.of());
    }

    /**
     * Scan problems plus a full decode of every file of the given category (all categories if
     * null): unreadable or truncated files, wrong channel counts or bit depths, rgb/xyz/gt sizes
     * that differ. Never throws for a bad file.
     */
    public List<DataProblem> validate(String category) {
        List<DataProblem> out = new ArrayList<>(problems);
        for (String c : category == null ? categories() : List.of(category))
            for (String split : SPLITS)
                samples(c, split).forEach(s -> validateSample(s, out));
        return out;
    }

    private static void validateSample(Sample s, List<DataProblem> out) {
        Raster rgb = null;
        FloatImage xyz = null;
        try { rgb = readRgb(s.rgb()); } catch (DataException e) { out.add(new DataProblem(e.file(), e.detail())); }
        try { xyz = readXyz(s.xyz()); } catch (DataException e) { out.add(new DataProblem(e.file(), e.detail())); }
        if (rgb != null && xyz != null && (rgb.width() != xyz.width() || rgb.height() != xyz.height()))
            out.add(new DataProblem(s.xyz(), sizeMismatch("xyz", xyz.width(), xyz.height(), s.rgb(), rgb)));
        if (s.gt() != null) {
            try {
                Raster gt = readGt(s.gt());
                if (rgb != null && (gt.width() != rgb.width() || gt.height() != rgb.height()))
                    out.add(new DataProblem(s.gt(), sizeMismatch("gt", gt.width(), gt.height(), s.rgb(), rgb)));
                boolean any = false;
                for (int v : gt.data()) any |= v != 0;
                if (any && s.label() == 0) out.add(new DataProblem(s.gt(), "gt of a 'good' sample has defect pixels (ignored when loading)"));
                if (!any && s.label() == 1) out.add(new DataProblem(s.gt(), "gt of a defect sample is all zero"));
            } catch (DataException e) { out.add(new DataProblem(e.file(), e.detail())); }
        }
    }

    // ------------------------------------------------------------------ loading

    /** Loads a sample of this dataset (through the cache if one is set). */
    LoadedSample load(Sample s) { return cached != null ? cached.load(s) : loadUncached(s); }

    /**
     * Serves loads from an on-disk cache of preprocessed samples in {@code dir} (created on
     * demand; keyed by options and file identity, see {@link SampleCache}). Returns this.
     */
    public Mvtec3dDataset withCache(Path dir) {
        cached = new SampleCache(dir).wrap(this::loadUncached, options);
        return this;
    }

    /** Reads the three files of an MVTec sample, checks them against each other, preprocesses. */
    private LoadedSample loadUncached(Sample s) {
        if (s.gt() == null && s.label() == 1)
            throw new DataException(expectedGt(s), "missing gt mask for defect image " + s.rgb().getFileName()
                    + " (test/" + s.type() + ")");
        Raster rgb = readRgb(s.rgb());
        FloatImage xyz = readXyz(s.xyz());
        if (rgb.width() != xyz.width() || rgb.height() != xyz.height())
            throw new DataException(s.xyz(), sizeMismatch("xyz", xyz.width(), xyz.height(), s.rgb(), rgb));
        int[] gt = null;
        if (s.gt() != null && s.label() == 1) {     // good samples load zeros, as the official loader
            Raster g = readGt(s.gt());
            if (g.width() != rgb.width() || g.height() != rgb.height())
                throw new DataException(s.gt(), sizeMismatch("gt", g.width(), g.height(), s.rgb(), rgb));
            gt = g.data();
        }
        float[] cloud = xyz.data().clone();
        zeroNonFinitePoints(cloud);
        if (options.method() == LoadOptions.Method.BTF) {
            // seeded by the sample's identity (not its absolute path), so runs repeat across machines
            java.util.Random rng = new java.util.Random(options.ransacSeed() ^ s.id().hashCode());
            PreprocessBtf.Offline o = PreprocessBtf.offline(cloud, rgb.data(), gt, xyz.height(), xyz.width(), rng);
            PreprocessBtf.Loaded b = PreprocessBtf.load(o.xyz(), o.side(), o.side(), o.rgb(), o.side(), o.side(),
                    o.gt(), o.side(), o.side(), options.size());
            return new LoadedSample(s, b.input(), b.foreground(), b.foreground(), b.gt(), b.size(), s.label());
        }
        Preprocess3dsr.Result r = Preprocess3dsr.apply(cloud, xyz.height(), xyz.width(), rgb.data(), rgb.height(), rgb.width(),
                gt, rgb.height(), rgb.width(), options.size(), options.gtMode(),
                Preprocess3dsr.PlaneRule.MVTEC_CORNER_PATCHES);
        return new LoadedSample(s, r.input(), r.foreground(), r.validDepth(), r.gt(), r.size(), s.label());
    }

    /** A point with a NaN/inf coordinate is treated as missing, (0,0,0) (the official code would spread NaN). */
    static int zeroNonFinitePoints(float[] xyz) {
        int n = 0;
        for (int i = 0; i < xyz.length; i += 3)
            if (!Float.isFinite(xyz[i]) || !Float.isFinite(xyz[i + 1]) || !Float.isFinite(xyz[i + 2])) {
                xyz[i] = xyz[i + 1] = xyz[i + 2] = 0f;
                n++;
            }
        return n;
    }

    static Raster readRgb(Path file) { return Images.readRgb8(file); }

    static Raster readGt(Path file) { return Images.readGray8(file); }

    static FloatImage readXyz(Path file) {
        FloatImage img;
        try {
            img = dsr3d.simulate.io.Tiff.readFloat(file);
        } catch (IOException | RuntimeException e) {
            throw new DataException(file, "cannot read xyz TIFF", e);
        }
        if (img.channels() != 3)
            throw new DataException(file, "xyz TIFF must have 3 float channels (x, y, z), got " + img.channels());
        return img;
    }

    private static String sizeMismatch(String what, int w, int h, Path rgbFile, Raster rgb) {
        return what + " is " + w + "x" + h + " (WxH) but " + rgbFile.getFileName() + " is " + rgb.width() + "x" + rgb.height();
    }

    private static Path expectedGt(Sample s) {
        return s.rgb().getParent().resolveSibling("gt").resolve(s.stem() + ".png");
    }

    // ------------------------------------------------------------------ scanning

    private static boolean isCategory(Path dir) {
        for (String s : SPLITS) if (Files.isDirectory(dir.resolve(s))) return true;
        return false;
    }

    private void scanCategory(String category, Path dir) {
        Map<String, Map<String, List<Sample>>> splits = new TreeMap<>();
        for (String split : SPLITS) {
            Path sd = dir.resolve(split);
            if (!Files.isDirectory(sd)) {
                problems.add(new DataProblem(sd, "missing split folder"));
                continue;
            }
            Map<String, List<Sample>> types = new TreeMap<>();
            for (Path td : list(sd)) {
                if (!Files.isDirectory(td)) {
                    if (!isHidden(td)) problems.add(new DataProblem(td, "unexpected file in a split folder (expected type folders)"));
                    continue;
                }
                String type = td.getFileName().toString();
                if (!split.equals("test") && !type.equals("good"))
                    problems.add(new DataProblem(td, split + " should only hold 'good'; found type '" + type + "'"));
                types.put(type, scanType(category, split, type, td));
            }
            splits.put(split, types);
        }
        index.put(category, splits);
    }

    private List<Sample> scanType(String category, String split, String type, Path td) {
        Map<String, Path> rgb = stems(td.resolve("rgb"), true, ".png");
        Map<String, Path> xyz = stems(td.resolve("xyz"), true, ".tiff", ".tif");
        boolean defect = split.equals("test") && !type.equals("good");
        Path gtDir = td.resolve("gt");
        Map<String, Path> gt = stems(gtDir, false, ".png");   // a missing gt is reported per sample below
        List<Sample> out = new ArrayList<>();
        for (String stem : new TreeSet<>(rgb.keySet())) {
            Path x = xyz.get(stem);
            if (x == null) {
                problems.add(new DataProblem(rgb.get(stem), "no matching xyz/" + stem + ".tiff; sample skipped"));
                continue;
            }
            Path g = gt.get(stem);
            if (g == null && defect)
                problems.add(new DataProblem(gtDir.resolve(stem + ".png"), "missing gt mask for defect image rgb/" + stem + ".png"));
            out.add(new Sample("mvtec3d", category, split, type, stem, rgb.get(stem), x, g, null, null, null, null, this::load));
        }
        for (String stem : xyz.keySet())
            if (!rgb.containsKey(stem))
                problems.add(new DataProblem(xyz.get(stem), "no matching rgb/" + stem + ".png; sample skipped"));
        for (String stem : gt.keySet())
            if (!rgb.containsKey(stem))
                problems.add(new DataProblem(gt.get(stem), "gt mask without an rgb/" + stem + ".png"));
        return out;
    }

    /** Files of a folder by stem; records missing folders (when required) and unexpected files. */
    private Map<String, Path> stems(Path dir, boolean required, String... exts) {
        Map<String, Path> m = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            if (required) problems.add(new DataProblem(dir, "missing folder"));
            return m;
        }
        for (Path f : list(dir)) {
            String name = f.getFileName().toString();
            if (isHidden(f)) continue;
            String ext = null;
            for (String e : exts) if (name.toLowerCase().endsWith(e)) ext = e;
            if (ext == null || !Files.isRegularFile(f)) {
                problems.add(new DataProblem(f, "unexpected entry (expected *" + String.join(" or *", exts) + ")"));
                continue;
            }
            Path prev = m.put(name.substring(0, name.length() - ext.length()), f);
            if (prev != null) problems.add(new DataProblem(f, "two files with the same stem: " + prev.getFileName()));
        }
        return m;
    }

    private static boolean isHidden(Path f) { return f.getFileName().toString().startsWith("."); }

    static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new DataException(dir, "cannot list folder", e);
        }
    }
}
