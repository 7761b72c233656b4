package dsr3d.models.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The output-folder rules shared by commands that refuse to mix with an earlier run's files (synth, demo). */
final class OutputFolders {
    private OutputFolders() {}

    /** True when dir is an existing folder with at least one entry. */
    static boolean nonEmpty(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return false;
        try (Stream<Path> s = Files.list(dir)) { return s.findAny().isPresent(); }
    }

    /** Deletes p and, for a folder, everything under it; symbolic links are deleted, never followed. Absent p: nothing. */
    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return;
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
            try (Stream<Path> s = Files.list(p)) { for (Path c : s.toList()) deleteTree(c); }
        Files.delete(p);
    }
}
