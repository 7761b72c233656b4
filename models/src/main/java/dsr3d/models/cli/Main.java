package dsr3d.models.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Entry point of {@code ./3dsr}: a picocli command whose subcommands do the work.
 *
 * <p>Extension points. A command that lives in this module (demo, synth, evaluate, train-dada,
 * train, infer, checkpoint) is added to {@code subcommands} below. A command from a module that
 * depends on models (bench) implements {@link CliExtension} and registers in
 * {@code META-INF/services/dsr3d.models.cli.CliExtension}.
 *
 * <p>Exit status: 0 success, 2 bad arguments (picocli's usage errors and IllegalArgumentException
 * thrown by a command), 1 any other failure.
 */
@Command(name = "3dsr", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class,
        description = {"3DSR anomaly detection (Zavrtanik, Kristan, Skocaj, WACV 2024) on a pure-Java engine.",
                "Run './3dsr COMMAND --help' for the options of a command."},
        subcommands = {VersionCommand.class, TestCommand.class, CheckpointCommand.class, EvaluateCommand.class, SynthCommand.class, TrainDadaCommand.class, ModelCommand.class},
        footer = {"", "JVM switches (put in DSR3D_JAVA_OPTS): -Ddsr3d.threads=N, -Ddsr3d.simd=false, -Ddsr3d.backend=cpu"})
public final class Main implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: one of " + spec.subcommands().keySet());
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Parses and runs one command line; returns the exit status (tests call this). */
    public static int execute(String... args) {
        return commandLine().execute(args);
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
        return cl;
    }

    /** A command threw: bad input gets its message and status 2; anything else a stack trace and 1. */
    private static int handleFailure(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        String who = cmd.getCommandSpec().qualifiedName();
        if (e instanceof IllegalArgumentException) {
            cmd.getErr().println(who + ": error: " + e.getMessage());
            cmd.getErr().println("Try '" + who + " --help'.");
            return 2;
        }
        cmd.getErr().println(who + ": failed: " + e);
        e.printStackTrace(cmd.getErr());
        return 1;
    }
}
