package dsr3d.models.demo;

import dsr3d.models.cli.Main;
import dsr3d.tensor.ExpectedFailure;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Runs a {@code ./3dsr} command line inside this JVM, its output captured (the demo shows one
 * progress display of its own); a failure becomes a {@link StageFailure} carrying the command's
 * own error line. Not thread-safe: it swaps System.out and System.err while the command runs, so
 * the demo calls it from one thread, never while the training jobs run.
 */
final class InProcess {
    private InProcess() {}

    /** A stage's command failed: its one-line error (exit status 1 in the demo). */
    static final class StageFailure extends RuntimeException implements ExpectedFailure {
        StageFailure(String message) { super(message); }
    }

    /** Runs {@code command} ("./3dsr", name, args...); returns its stdout. */
    static String run(String stage, List<String> command) {
        if (command.size() < 2 || !command.get(0).equals("./3dsr")) throw new IllegalArgumentException("not a ./3dsr command: " + command);
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out, oldErr = System.err;
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8); PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            status = Main.execute(command.subList(1, command.size()).toArray(String[]::new));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        if (status != 0) {
            String lines = err.toString(StandardCharsets.UTF_8).strip();
            String last = lines.isEmpty() ? "exit status " + status : lines.lines().filter(l -> l.contains("error")).reduce((a, b) -> b)
                    .orElse(lines.lines().reduce((a, b) -> b).orElse(""));
            throw new StageFailure(stage + " failed (" + String.join(" ", command) + "): " + last);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
