package dsr3d.tests.io;

import dsr3d.tensor.io.AtomicFiles;
import dsr3d.tests.support.Umask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The project's one atomic writer: content, umask permissions, parent folders, no leftovers on failure. */
class AtomicFilesTest {
    @TempDir
    Path tmp;

    @Test
    void writesBytesWithTheUmaskPermissionsAndCreatesParents() throws IOException {
        Path f = tmp.resolve("a/b/out.bin");
        AtomicFiles.write(f, new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(f));
        assertEquals(PosixFilePermissions.toString(Umask.expectedFilePermissions()),
                PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    }

    @Test
    void streamingWriteReplacesTheOldFile() throws IOException {
        Path f = tmp.resolve("x.txt");
        Files.writeString(f, "old content that is longer");
        AtomicFiles.write(f, out -> { for (int i = 0; i < 100_000; i++) out.write('a' + i % 26); });
        String s = Files.readString(f, StandardCharsets.US_ASCII);
        assertEquals(100_000, s.length());
        assertEquals("abc", s.substring(0, 3));
        assertEquals(1, Umask.assertTreeFollowsUmask(tmp));
    }

    @Test
    void aFailingBodyLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path f = tmp.resolve("keep.txt");
        Files.writeString(f, "old");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write(new byte[70_000]);
            throw new IOException("disk full (simulated)");
        }));
        assertEquals("disk full (simulated)", e.getMessage());
        assertEquals("old", Files.readString(f));
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(1, s.count(), "the temporary file is gone");
        }
    }
}
