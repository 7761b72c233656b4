package dsr3d.tensor.backend;

import dsr3d.tensor.cpu.CpuBackend;

import java.util.ServiceLoader;
import java.util.logging.Logger;

/**
 * Chooses the default backend once: {@code -Ddsr3d.backend=cpu|cuda|<name>} (default cpu).
 * Other backends register through {@code META-INF/services/dsr3d.tensor.backend.Backend}.
 * An unknown or unavailable choice is an error with the reason, never a silent fallback.
 */
public final class Backends {
    private static final Logger LOG = Logger.getLogger(Backends.class.getName());
    private static volatile Backend chosen;

    private Backends() {}

    public static Backend cpu() { return CpuBackend.INSTANCE; }

    public static Backend current() {
        Backend b = chosen;
        if (b == null) {
            synchronized (Backends.class) {
                if (chosen == null) {
                    chosen = pick(dsr3d.tensor.Config.BACKEND);
                    // logged once; the default CPU backend only at FINE so plain runs stay quiet
                    LOG.log(chosen == CpuBackend.INSTANCE ? java.util.logging.Level.FINE : java.util.logging.Level.INFO,
                            () -> "dsr3d backend: " + chosen.name());
                }
                b = chosen;
            }
        }
        return b;
    }

    /** Finds a backend by name among the CPU backend and every registered one. */
    public static Backend pick(String name) {
        if (name.equalsIgnoreCase("cpu")) return CpuBackend.INSTANCE;
        StringBuilder known = new StringBuilder("cpu");
        for (Backend b : ServiceLoader.load(Backend.class)) {
            known.append(", ").append(b.name());
            if (b.name().equalsIgnoreCase(name)) {
                if (!b.available())
                    throw new BackendUnavailableException("-Ddsr3d.backend=" + name + ": backend not available here: " + b.unavailableReason());
                return b;
            }
        }
        throw new IllegalArgumentException("-Ddsr3d.backend=" + name + ": unknown backend; known: " + known);
    }
}
