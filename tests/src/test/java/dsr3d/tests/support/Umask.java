package dsr3d.tests.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The process umask (Linux: the Umask line of /proc/self/status) and permission checks against it. */
public final class Umask {
    private Umask() {}

    /** The umask of this JVM; the test is skipped (assumption) where /proc/self/status has none. */
    public static int current() throws IOException {
        Path status = Path.of("/proc/self/status");
        assumeTrue(Files.isReadable(status), "no /proc/self/status here: cannot read the process umask");
        for (String line : Files.readAllLines(status))
            if (line.startsWith("Umask:")) return Integer.parseInt(line.substring(6).trim(), 8);
        assumeTrue(false, "/proc/self/status has no Umask line (kernel < 4.7)");
        return 0;
    }

    /** What a regular file created with mode 0666 gets under the current umask. */
    public static Set<PosixFilePermission> expectedFilePermissions() throws IOException {
        int mode = 0666 & ~current();
        Set<PosixFilePermission> p = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
                PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < 9; bit++) if ((mode & (1 << bit)) != 0) p.add(order[bit]);
        return p;
    }

    /** Every regular file under {@code root} has the umask's permissions; returns how many were checked. */
    public static int assertTreeFollowsUmask(Path root) throws IOException {
        Set<PosixFilePermission> want = expectedFilePermissions();
        int n = 0;
        try (Stream<Path> s = Files.walk(root)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                assertEquals(PosixFilePermissions.toString(want), PosixFilePermissions.toString(Files.getPosixFilePermissions(f)),
                        f + ": permissions should follow the umask " + Integer.toOctalString(current()));
                n++;
            }
        }
        return n;
    }
}
