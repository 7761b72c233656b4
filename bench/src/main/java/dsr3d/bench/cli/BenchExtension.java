package dsr3d.bench.cli;

import dsr3d.models.cli.CliExtension;

/** Registers {@code ./3dsr bench} with the models CLI (see META-INF/services). */
public final class BenchExtension implements CliExtension {
    @Override public String name() { return "bench"; }
    @Override public Object command() { return new BenchCommand(); }
}
