package dsr3d.simulate.source;

import dsr3d.simulate.Rng;
import dsr3d.simulate.image.Resize;
import dsr3d.simulate.io.Png;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Every JPEG/PNG under a folder tree (e.g. ImageNet's {@code train/<wnid>/*.JPEG}), in sorted
 * path order so that an index means the same file on every machine. Each image is decoded on
 * demand, converted to RGB, resized straight to the target size with bilinear interpolation
 * (aspect ratio ignored, no crop: the official stage-1 loader) and divided by 255.
 */
public final class FolderImageSource implements ImageSource {
    private final Path root;
    private final List<Path> files;
    private final int height, width;

    public FolderImageSource(Path root, int height, int width) throws IOException {
        if (height <= 0 || width <= 0) throw new IllegalArgumentException("image size must be positive, got " + height + "x" + width);
        if (!Files.isDirectory(root)) throw new IOException(root + ": not a folder of images");
        this.root = root;
        this.height = height;
        this.width = width;
        try (Stream<Path> s = Files.walk(root)) {
            this.files = s.filter(Files::isRegularFile).filter(FolderImageSource::isImage).sorted().toList();
        }
        if (files.isEmpty()) throw new IOException(root + ": no .jpg/.jpeg/.png images found in the folder tree");
    }

    static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png");
    }

    public Path root() { return root; }

    public List<Path> files() { return files; }

    @Override public int size() { return files.size(); }

    @Override public int height() { return height; }

    @Override public int width() { return width; }

    @Override
    public float[] sample(int index, Rng rng) {
        checkIndex(index);
        Path f = files.get(index);
        try {
            var img = Png.readRgb(f);
            float[] chw = img.toPlanarFloat();
            if (img.height() == height && img.width() == width) return chw;
            return Resize.bilinear(chw, 3, img.height(), img.width(), height, width);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the message names the file
        }
    }
}
