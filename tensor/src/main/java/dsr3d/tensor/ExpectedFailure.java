package dsr3d.tensor;

/**
 * Marks an exception type whose message alone explains a failure the user can act on: a bad
 * input file, a data error, a machine that cannot run the chosen backend. The command line
 * ({@code dsr3d.models.cli.Main}) prints such a message as one line, without a stack trace, and
 * exits with status 1. (IOException and UncheckedIOException are treated the same way without
 * the marker; IllegalArgumentException means a bad command line, status 2.)
 */
public interface ExpectedFailure {
}
