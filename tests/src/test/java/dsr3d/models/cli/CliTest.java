package dsr3d.models.cli;

import dsr3d.simulate.io.JsonText;
import dsr3d.bench.cli.ConvShape;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The CLI's contract: exit codes, the bench extension, the conv shape table, Progress, Json. */
class CliTest {

    private static int run(StringWriter out, String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(new StringWriter()));
        return cl.execute(args);
    }

    @Test
    void versionJsonReportsTheRunningJvm() {
        StringWriter out = new StringWriter();
        assertEquals(0, run(out, "version", "--json"));
        String s = out.toString();
        assertTrue(s.startsWith("{") && s.contains("\"java\":\"" + Runtime.version() + "\""), s);
        assertTrue(s.contains("\"availableProcessors\":" + Runtime.getRuntime().availableProcessors()), s);
    }

    @Test
    void badArgumentsExitWithTwo() {
        assertEquals(2, run(new StringWriter(), "no-such-command"));
        assertEquals(2, run(new StringWriter()));                                  // no command
        assertEquals(2, run(new StringWriter(), "bench", "gemm", "--threads", "0")); // checked by us
        assertEquals(2, run(new StringWriter(), "bench", "gemm", "--threads", "x")); // checked by picocli
        assertEquals(2, run(new StringWriter(), "bench", "conv", "--shapes", "c99"));
        assertEquals(2, run(new StringWriter(), "test"));                           // only via ./3dsr
    }

    private static String[] runMain(String... args) {
        java.io.PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try {
            System.setErr(new PrintStream(err, true));
            status = Main.execute(args);
        } finally {
            System.setErr(oldErr);
        }
        return new String[] {Integer.toString(status), err.toString()};
    }

    @Test
    void expectedFailuresAreOneLineWithStatusOneAndNoStackTrace(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path empty = dir.resolve("empty.pt");
        java.nio.file.Files.createFile(empty);
        for (String[] args : List.of(new String[] {"checkpoint", "convert", empty.toString(), dir.resolve("o.safetensors").toString()},
                new String[] {"evaluate", "--dataset-base-dir", dir.resolve("none").toString(), "--anomaly-maps-dir", dir.toString(),
                        "--output-dir", dir.resolve("out").toString()})) {
            String[] r = runMain(args);
            assertEquals("1", r[0], String.join(" ", args) + ": " + r[1]);
            assertFalse(r[1].contains("\tat "), "no stack trace: " + r[1]);
            assertFalse(r[1].contains("internal error"), r[1]);
        }
        String[] e = runMain("checkpoint", "convert", empty.toString(), dir.resolve("o.safetensors").toString());
        assertTrue(e[1].contains("the file is empty") && !e[1].contains("()"), e[1]);
        assertEquals(1, e[1].split(java.util.regex.Pattern.quote(empty.toString()), -1).length - 1, "the path once: " + e[1]);
    }

    @Test
    void failureMessagesNameTheFileOnceAndUnwrapIo() {
        assertEquals("/a/b: no such file or folder", Main.message(new java.nio.file.NoSuchFileException("/a/b")));
        assertEquals("/a/b: bad header", Main.message(new java.io.UncheckedIOException(new java.io.IOException("/a/b: /a/b: bad header"))));
        assertEquals("/x: permission denied", Main.message(new java.nio.file.AccessDeniedException("/x")));
    }

    @Test
    void benchIsRegisteredThroughServiceLoader() {
        CommandLine bench = Main.commandLine().getSubcommands().get("bench");
        assertNotNull(bench, "bench extension not found by ServiceLoader");
        assertTrue(bench.getSubcommands().keySet().containsAll(List.of("gemm", "conv", "vq")), bench.getSubcommands().keySet().toString());
    }

    /** The CSV's header says one inference performs 228.07 GMAC of convolutions; our geometry must agree. */
    @Test
    void convShapeGeometryReproducesTheTableTotal() {
        List<ConvShape> all = ConvShape.all();
        assertEquals(54, all.size());
        double gmac = all.stream().mapToDouble(s -> (double) s.runs() * s.macs()).sum() / 1e9;
        assertEquals(228.07, gmac, 0.01);
        assertTrue(all.stream().anyMatch(ConvShape::transposed));
        ConvShape c1 = all.get(0).scaledTo(3_000_000_000L);
        assertEquals("c1/4", c1.label());
        assertEquals(24, c1.hin());
        assertTrue(c1.macs() <= 3_000_000_000L && c1.macs() * 16 == all.get(0).macs());
    }

    @Test
    void progressEstimatesTheRemainingTime() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long[] now = {1_000_000_000L};               // an injected clock (ns): no wall-clock time in the test
        Progress p = new Progress("t", 4, new PrintStream(bytes), false, () -> now[0]);
        assertTrue(Double.isNaN(p.etaSeconds()));
        now[0] += 2_000_000_000L;
        p.advance(1, "one");
        assertEquals(6.0, p.etaSeconds(), 1e-9);     // 3 units left at 2 s per unit
        now[0] += 1_000_000_000L;
        p.advance(1, "two");
        assertEquals(3.0, p.etaSeconds(), 1e-9);     // 2 left at 1.5 s per unit
        p.done();
        assertTrue(bytes.toString().contains("100%"), bytes.toString());
        assertEquals("1:15", Progress.clock(75));
        assertEquals("1:02:05", Progress.clock(3725));
        assertThrows(IllegalArgumentException.class, () -> new Progress("t", 0));
    }

    @Test
    void jsonEscapesAndDropsNonFiniteNumbers() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", "q\"\n");
        m.put("b", List.of(1, Double.NaN, true));
        assertEquals("{\"a\":\"q\\\"\\n\",\"b\":[1,null,true]}", JsonText.of(m));
    }
}
