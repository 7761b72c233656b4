package dsr3d.models.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import dsr3d.tensor.ExpectedFailure;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Entry point of {@code ./3dsr}: a picocli command whose subcommands do the work.
 *
 * <p>Extension points. A command that lives in this module (demo, synth, evaluate, train-dada,
 * train, infer, checkpoint, report, explain) is added to {@code subcommands} below. A command from a module that
 * depends on models (bench) implements {@link CliExtension} and registers in
 * {@code META-INF/services/dsr3d.models.cli.CliExtension}.
 *
 * <p>Exit status, one scheme for every command (see {@link #handleFailure}): 0 success; 2 a bad
 * command line (unknown command or option, invalid value: picocli's usage errors and
 * IllegalArgumentException, also for a bad {@code -Ddsr3d.*} switch); 1 the run failed (a missing
 * or bad input file, I/O, data errors, an unavailable backend: IOException, UncheckedIOException
 * and every {@link ExpectedFailure}, e.g. DataException, CheckpointFormatException,
 * BackendUnavailableException), printed as one line naming the file, field or argument; any other
 * exception is a bug, printed as one line with a hint. {@code --debug} (anywhere on the command
 * line) or {@code DSR3D_DEBUG=1} adds the stack trace.
 */
@Command(name = "3dsr", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class,
        description = {"3DSR anomaly detection (Zavrtanik, Kristan, Skocaj, WACV 2024) on a pure-Java engine.",
                "Run './3dsr COMMAND --help' for the options of a command."},
        subcommands = {DemoCommand.class, ExperimentCommand.class, VersionCommand.class, TestCommand.class, CheckpointCommand.class, EvaluateCommand.class, SynthCommand.class, TrainDadaCommand.class, ModelCommand.class, TrainCommand.class, InferCommand.class, ReportCommand.class, ExplainCommand.class},
        footer = {"", "Exit status: 0 success; 2 bad command line (unknown command or option, invalid value);",
                "1 the run failed (missing or bad input file, I/O or data error, backend unavailable).",
                "Errors are one line; --debug (anywhere on the line) or DSR3D_DEBUG=1 adds the stack trace.",
                "JVM switches (put in DSR3D_JAVA_OPTS), all listed with their values by './3dsr version':",
                "-Ddsr3d.threads=N, -Ddsr3d.simd=false, -Ddsr3d.backend=cpu|cuda, ..."})
public final class Main implements Runnable {

    @Spec
    CommandSpec spec;

    /** Declared for --help; {@link #execute} takes {@code --debug} out of the arguments wherever it is. */
    @Option(names = "--debug", description = "On failure, print the stack trace too (also: environment DSR3D_DEBUG=1).")
    boolean debugOption;

    private static volatile boolean debug;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: one of " + spec.subcommands().keySet());
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Parses and runs one command line; returns the exit status (tests call this). */
    public static int execute(String... args) {
        List<String> rest = new ArrayList<>();
        boolean d = "1".equals(System.getenv("DSR3D_DEBUG"));
        for (String a : args) {
            if (a.equals("--debug")) d = true;
            else rest.add(a);
        }
        debug = d;
        CommandLine cl;
        try {
            cl = commandLine();
        } catch (RuntimeException | Error e) {
            return report(e, "3dsr", new PrintWriter(System.err, true));
        }
        try {
            return cl.execute(rest.toArray(String[]::new));
        } catch (RuntimeException | Error e) {   // thrown outside a command, e.g. while parsing
            return report(e, "3dsr", cl.getErr());
        }
    }

    /** The full command tree: built-in commands plus every registered {@link CliExtension}. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        List<CliExtension> extensions = new ArrayList<>();
        ServiceLoader.load(CliExtension.class).forEach(extensions::add);
        extensions.sort(Comparator.comparing(CliExtension::name));
        for (CliExtension e : extensions) {
            if (cl.getSubcommands().containsKey(e.name()))
                throw new IllegalStateException("CLI extension " + e.getClass().getName() + " reuses the command name '" + e.name() + "'");
            cl.addSubcommand(e.name(), e.command());
        }
        cl.addSubcommand(new CommandLine.HelpCommand());
        cl.setExecutionExceptionHandler(Main::handleFailure);
        cl.setParameterExceptionHandler((ex, args) -> {   // a bad command line: one line and a pointer to --help
            String who = ex.getCommandLine().getCommandSpec().qualifiedName();
            PrintWriter err = ex.getCommandLine().getErr();
            err.println(who + ": error: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("Try '" + who + " --help'.");
            err.flush();
            return 2;
        });
        return cl;
    }

    /** A command threw: one line and status 2 or 1 (see the class comment); the trace only with --debug. */
    static int handleFailure(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        return report(e, cmd.getCommandSpec().qualifiedName(), cmd.getErr());
    }

    private static int report(Throwable thrown, String who, PrintWriter err) {
        Throwable e = unwrap(thrown);
        int status;
        if (e instanceof IllegalArgumentException || e instanceof ParameterException) {
            err.println(who + ": error: " + message(e));
            err.println("Try '" + who + " --help'.");
            status = 2;
        } else if (expected(e)) {
            err.println(who + ": error: " + message(e));
            status = 1;
        } else {
            err.println(who + ": internal error: " + e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                    + (debug ? "" : " (run with --debug or DSR3D_DEBUG=1 for the stack trace)"));
            status = 1;
        }
        if (debug) thrown.printStackTrace(err);
        err.flush();
        return status;
    }

    /** The failure itself, not the wrappers around it (class initialisation, executors). */
    private static Throwable unwrap(Throwable e) {
        while (e.getCause() != null && (e instanceof ExceptionInInitializerError || e instanceof java.util.concurrent.ExecutionException
                || e instanceof java.util.concurrent.CompletionException || e instanceof CommandLine.ExecutionException
                || e instanceof java.lang.reflect.InvocationTargetException))
            e = e.getCause();
        return e;
    }

    private static boolean expected(Throwable e) {
        return e instanceof IOException || e instanceof UncheckedIOException || e instanceof ExpectedFailure;
    }

    /** One line for the user: the message with a file named once, and a readable reason for file-system errors. */
    static String message(Throwable e) {
        if (e instanceof UncheckedIOException u && u.getCause() != null && (u.getMessage() == null
                || u.getMessage().equals(u.getCause().toString())))
            return message(u.getCause());
        String m;
        if (e instanceof FileSystemException fs && !(e instanceof dsr3d.nn.io.CheckpointFormatException)) {
            String reason = fs.getReason() != null ? fs.getReason() : switch (fs) {
                case NoSuchFileException x -> "no such file or folder";
                case AccessDeniedException x -> "permission denied";
                case FileAlreadyExistsException x -> "already exists";
                case NotDirectoryException x -> "not a folder";
                case DirectoryNotEmptyException x -> "folder not empty";
                default -> e.getClass().getSimpleName();
            };
            m = (fs.getFile() == null ? "" : fs.getFile() + (fs.getOtherFile() == null ? "" : " -> " + fs.getOtherFile()) + ": ") + reason;
        } else {
            m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        return dedupe(m.replace('\n', ' ').strip());
    }

    /** "a: a: reason" -> "a: reason" (a wrapper that repeated its cause's file prefix). */
    private static String dedupe(String m) {
        int i = m.indexOf(": ");
        while (i > 0) {
            String head = m.substring(0, i + 2);
            if (m.startsWith(head, i + 2)) m = m.substring(i + 2);
            else break;
            i = m.indexOf(": ");
        }
        return m;
    }
}
