package dsr3d.models.data;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The MVTec AD (2D) layout and DSR's preprocessing (data_loader_test.py TestMVTecDataset, and
 * data_loader.py's training readers):
 * <pre>
 *   ROOT/&lt;class&gt;/train/good/*.png
 *   ROOT/&lt;class&gt;/test/&lt;type&gt;/*.png                    type "good" = normal
 *   ROOT/&lt;class&gt;/ground_truth/&lt;type&gt;/&lt;stem&gt;_mask.png  for every type but good
 * </pre>
 * Order: test images sorted as glob(test/*&#47;*.png) (full path strings), train as glob(train/good/*.png).
 * Preprocessing (cv2): image = imread(IMREAD_COLOR) (BGR order, grey replicated, alpha dropped),
 * resize to S x S with INTER_LINEAR on 8 bits ({@link CvResize#linear8u}), / 255 as float32, no
 * normalisation, [3, S, S]; mask = imread(IMREAD_GRAYSCALE), the same resize, / 255 (so edge pixels
 * lie between 0 and 1; the official metrics cast to uint8, counting only exact 1.0 as anomalous);
 * zeros for good images. The RGB of MVTec 3D-AD and of our synthetic benchmark ({@code ./3dsr synth})
 * is read too: where {@code <split>/<type>/rgb/} exists, the images are {@code <type>/rgb/*.png} and
 * the masks {@code <type>/gt/<stem>.png}.
 */
public final class MvtecAdDataset {
    /** One image of a split; mask null for good (and for train) images. */
    public record Item(String category, String type, String stem, Path image, Path mask) {
        public boolean anomalous() { return !type.equals("good"); }
        public String id() { return category + "/" + type + "/" + stem; }
    }

    /** image [3, S, S] BGR in [0, 1] (channel-major, float32 values), mask [S, S] in [0, 1]. */
    public record Loaded(Item item, int size, float[] image, float[] mask) {}

    private final Path root;

    private MvtecAdDataset(Path root) { this.root = root; }

    public static MvtecAdDataset open(Path root) throws IOException {
        if (!Files.isDirectory(root)) throw new NoSuchFileException(root.toString(), null, "not a folder (MVTec AD root expected)");
        return new MvtecAdDataset(root);
    }

    public Path root() { return root; }

    /** The classes: sub-folders holding train/ or test/. */
    public List<String> categories() throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(root)) {
            s.filter(p -> Files.isDirectory(p.resolve("test")) || Files.isDirectory(p.resolve("train")))
                    .map(p -> p.getFileName().toString()).sorted().forEach(out::add);
        }
        return out;
    }

    /** split "test": every test/&lt;type&gt;/*.png with its mask; "train": train/good/*.png. */
    public List<Item> samples(String category, String split) throws IOException {
        Path dir = root.resolve(category).resolve(split);
        if (!Files.isDirectory(dir)) throw new NoSuchFileException(dir.toString(), null, "no such folder (MVTec AD layout: <class>/" + split + "/)");
        List<String> rel = new ArrayList<>();
        if (split.equals("train")) {
            for (String f : pngs(imageDir(dir.resolve("good")))) rel.add("good/" + f);
        } else {
            try (Stream<Path> s = Files.list(dir)) {
                for (Path t : s.filter(Files::isDirectory).toList())
                    for (String f : pngs(imageDir(t))) rel.add(t.getFileName() + "/" + f);
            }
        }
        rel.sort(null);   // glob + sorted(): the same prefix everywhere, so the relative paths' order
        List<Item> out = new ArrayList<>();
        for (String r : rel) {
            int slash = r.indexOf('/');
            String type = r.substring(0, slash), file = r.substring(slash + 1);
            String stem = file.split("\\.", -1)[0];                       // file_name.split(".")[0]
            Path mask = null, typeDir = dir.resolve(type), image = imageDir(typeDir).resolve(file);
            boolean threeD = !imageDir(typeDir).equals(typeDir);
            if (!type.equals("good")) {
                mask = threeD ? typeDir.resolve("gt").resolve(stem + ".png")
                        : root.resolve(category).resolve("ground_truth").resolve(type).resolve(stem + "_mask.png");
                if (!Files.isRegularFile(mask)) throw new DataException(mask, "missing ground-truth mask of " + image);
            }
            out.add(new Item(category, type, stem, image, mask));
        }
        return out;
    }

    /** Where a type folder's images are: its rgb/ sub-folder in the MVTec 3D-AD layout, else itself. */
    private static Path imageDir(Path typeDir) {
        Path rgb = typeDir.resolve("rgb");
        return Files.isDirectory(rgb) ? rgb : typeDir;
    }

    private static List<String> pngs(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".png")).sorted().toList();
        }
    }

    /** DSR's preprocessing at S x S (256 officially). */
    public static Loaded load(Item item, int size) throws IOException {
        if (size <= 0) throw new IllegalArgumentException("image size must be positive, got " + size);
        Decoded img = decode(item.image(), false);
        int[] bgr = CvResize.linear8u(img.values, img.h, img.w, 3, size, size);
        int n = size * size;
        float[] image = new float[3 * n];
        for (int i = 0; i < n; i++)
            for (int c = 0; c < 3; c++) image[c * n + i] = (float) (bgr[i * 3 + c] / 255.0);
        float[] mask = new float[n];
        if (item.mask() != null) {
            Decoded m = decode(item.mask(), true);
            int[] r = CvResize.linear8u(m.values, m.h, m.w, 1, size, size);
            for (int i = 0; i < n; i++) mask[i] = (float) (r[i] / 255.0);
        }
        return new Loaded(item, size, image, mask);
    }

    private record Decoded(int h, int w, int[] values) {}

    /** 8-bit PNG as cv2.imread: colour -> [h][w][3] BGR (grey replicated, alpha dropped); grey -> [h][w]. */
    private static Decoded decode(Path file, boolean grey) throws IOException {
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString());
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new DataException(file, "cannot decode image: " + e.getMessage(), e);
        }
        if (img == null) throw new DataException(file, "not a readable image");
        if (img.getColorModel() instanceof IndexColorModel)
            throw new DataException(file, "palette PNGs are not supported (MVTec AD images are 8-bit grey or RGB)");
        Raster r = img.getRaster();
        int bands = r.getNumBands(), w = img.getWidth(), h = img.getHeight();
        if (r.getSampleModel().getSampleSize(0) != 8)
            throw new DataException(file, r.getSampleModel().getSampleSize(0) + "-bit samples; 8-bit PNGs expected");
        if (grey && bands != 1) throw new DataException(file, "a mask must be a single-channel grey PNG, this one has " + bands + " channels");
        int[] px = r.getPixels(0, 0, w, h, (int[]) null);                   // [h][w][bands]
        if (grey) return new Decoded(h, w, px);
        int[] out = new int[h * w * 3];
        for (int i = 0; i < h * w; i++) {
            if (bands <= 2) {                                                  // grey (+ alpha)
                int v = px[i * bands];
                out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = v;
            } else {                                                           // RGB(A) -> BGR
                out[3 * i] = px[i * bands + 2];
                out[3 * i + 1] = px[i * bands + 1];
                out[3 * i + 2] = px[i * bands];
            }
        }
        return new Decoded(h, w, out);
    }
}
