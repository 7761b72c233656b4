package dsr3d.models.cli;

import picocli.CommandLine.IVersionProvider;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * Facts about this build and this JVM, shown by {@code ./3dsr version} and {@code --version}.
 * The project version comes from build.properties, which Maven fills in at build time.
 */
public final class BuildInfo implements IVersionProvider {

    public static String projectVersion() {
        try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
            if (in == null) return "unknown";
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "unknown");
            return v.startsWith("${") ? "unknown (resources not filtered)" : v;
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /** Preferred float vector size in bits, or -1 when jdk.incubator.vector is not loaded. */
    public static int vectorBits() {
        try {
            return jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize();
        } catch (LinkageError e) { // started without --add-modules jdk.incubator.vector
            return -1;
        }
    }

    @Override
    public String[] getVersion() {
        return new String[]{"3dsr-java " + projectVersion() + " (Java " + Runtime.version() + ")"};
    }
}
