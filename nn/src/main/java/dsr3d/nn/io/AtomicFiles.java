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

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

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
        // Not Files.createTempFile: that makes the file owner-only (0600), and the checkpoint
        // should get the usual permissions (umask), like any file the user writes.
        Path tmp = dir.resolve("." + abs.getFileName() + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp");
        FileChannel out;
        try {
            out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new IOException(target + ": temporary file " + tmp + " already exists", e);
        }
        boolean done = false;
        try {
            try (out) {
                body.writeTo(out);
                out.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException(target + ": the file system cannot rename atomically, refusing a non-atomic replace", e);
            }
            done = true;
            syncFolder(dir);
        } finally {
            if (!done) Files.deleteIfExists(tmp);
        }
    }

    /** Makes the rename itself durable where the platform allows fsync on a folder (Linux). */
    private static void syncFolder(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not supported here (e.g. Windows); the data itself was already forced
        }
    }
}
