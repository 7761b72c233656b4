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
    void progressEstimatesTheRemainingTime() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress p = new Progress("t", 4, new PrintStream(bytes), false);
        assertTrue(Double.isNaN(p.etaSeconds()));
        Thread.sleep(50);
        p.advance(1, "one");
        double eta = p.etaSeconds();                 // 3 units left at >= 50 ms per unit
        assertTrue(eta >= 0.14 && eta < 10, "eta " + eta);
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
