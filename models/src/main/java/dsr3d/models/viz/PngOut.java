package dsr3d.models.viz;

import dsr3d.tensor.io.AtomicFiles;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;

/** Encodes a rendered picture as PNG and writes it atomically (temp file + rename). */
public final class PngOut {
    static {
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    private PngOut() {}

    public static void write(Path file, BufferedImage image) throws IOException {
        AtomicFiles.write(file, bytes(image));
    }

    /** The PNG encoding of image (for embedding, e.g. as a data URI). */
    public static byte[] bytes(BufferedImage image) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
        if (!ImageIO.write(image, "png", bytes)) throw new IOException("no PNG writer available");
        return bytes.toByteArray();
    }

    /** Ensures headless Java2D before any AWT class is touched (no display needed). */
    static void headless() {
        // the static initialiser does the work
    }
}
