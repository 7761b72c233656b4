package dsr3d.tests.cli;

import dsr3d.models.cli.Main;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every command's {@code --help} renders cleanly: picocli formats descriptions with
 * String.format, so a bare "%" (say "80% of") prints a "[picocli WARN]" line and the raw text
 * instead of the help. Walks the whole command tree, the bench extension included.
 */
class HelpTextTest {
    @Test void everyCommandsHelpRendersWithoutPicocliWarnings() {
        List<CommandLine> all = new ArrayList<>();
        collect(Main.commandLine(), all);
        assertTrue(all.size() > 20, "the command tree has its commands: " + all.size());
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        List<String> bad = new ArrayList<>();
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            for (CommandLine c : all) {
                captured.reset();
                String usage = c.getUsageMessage(CommandLine.Help.Ansi.OFF);
                String warnings = captured.toString(StandardCharsets.UTF_8);
                String name = c.getCommandSpec().qualifiedName();
                if (warnings.contains("picocli WARN")) bad.add(name + ": " + warnings.lines().findFirst().orElse(""));
                if (usage.contains("%n")) bad.add(name + ": a raw %n in the help");
            }
        } finally {
            System.setErr(err);
        }
        assertEquals(List.of(), bad);
    }

    private static void collect(CommandLine c, List<CommandLine> into) {
        into.add(c);
        for (CommandLine sub : c.getSubcommands().values()) if (!into.contains(sub)) collect(sub, into);
    }
}
