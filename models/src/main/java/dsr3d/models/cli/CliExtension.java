package dsr3d.models.cli;

/**
 * A subcommand contributed by a module that depends on models (and so cannot be named by
 * {@code Main}): for example {@code bench}. Implementations register in
 * {@code META-INF/services/dsr3d.models.cli.CliExtension}; Main loads them with
 * {@link java.util.ServiceLoader} and adds each as a picocli subcommand.
 */
public interface CliExtension {
    /** The subcommand's name as typed after {@code ./3dsr}. */
    String name();

    /** A fresh instance of a picocli {@code @Command} class, or a {@code picocli.CommandLine}. */
    Object command();
}
