package dsr3d.nn.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Crash-safe file replacement: the content is written to a temporary file in the target's own
 * folder (same file system, so the rename is atomic), forced to disk, then renamed over the
 * target. A failure at any point deletes the temporary file and leaves the old target intact;
 * readers never see a half-written checkpoint.
 */
final class AtomicFiles {
    private AtomicFiles() {}

    /** Writes one file's content into an open channel. */
    @FunctionalInterface
    interface Body {
        void writeTo(FileChannel out) throws IOException;
    }

    static void write(Path target, Body body) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null) throw new IOException(target + ": has no parent folder");
        if (!Files.isDirectory(dir)) throw new IOException(target + ": folder " + dir + " does not exist");
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
        boolean done = false;
        try {
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                body.writeTo(out);
                out.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException(target + ": the file system cannot rename atomically, refusing a non-atomic replace", e);
            }
            done = true;
        } finally {
            if (!done) Files.deleteIfExists(tmp);
        }
    }
}
