package dsr3d.models.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** One line naming the machine a figure was measured on: CPU model, processors, memory (Linux /proc; "unknown" elsewhere). */
public final class Machine {
    private Machine() {}

    public static String describe() {
        String cpu = field(Path.of("/proc/cpuinfo"), "model name");
        String mem = field(Path.of("/proc/meminfo"), "MemTotal");
        String memory = "unknown memory";
        if (mem != null) {
            try {
                memory = String.format(Locale.ROOT, "%.0f GiB", Long.parseLong(mem.replaceAll("[^0-9]", "")) / 1048576.0);
            } catch (NumberFormatException ignored) { }
        }
        return String.format(Locale.ROOT, "%s, %d processors, %s, Java %s", cpu == null ? "unknown CPU" : cpu,
                Runtime.getRuntime().availableProcessors(), memory, Runtime.version().feature());
    }

    private static String field(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equals(key)) return line.substring(colon + 1).trim();
            }
        } catch (IOException | SecurityException ignored) { }
        return null;
    }
}
