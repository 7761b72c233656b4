package dsr3d.models.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code ./3dsr test}: listed here so that it appears in the help, but the bash launcher runs it
 * (Maven must run the suite, not this JVM). Reaching this class means the launcher was bypassed.
 */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = {"Run the default test suite with Maven (what CI runs: mvn -B test).",
                "Extra arguments go to Maven, e.g. ./3dsr test -Dgroups=slow or -Dtest=SomeTest.",
                "Handled by the ./3dsr launcher script, not by this JVM."})
final class TestCommand implements Callable<Integer> {

    @Unmatched // everything after "test" belongs to Maven
    List<String> mavenArgs;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("3dsr test: must be run through the launcher: ./3dsr test"
                + (mavenArgs == null ? "" : " " + String.join(" ", mavenArgs)));
        return 2;
    }
}
