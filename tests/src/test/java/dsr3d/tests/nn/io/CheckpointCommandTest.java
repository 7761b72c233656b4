package dsr3d.tests.nn.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dsr3d.models.cli.CheckpointCommand;
import dsr3d.nn.io.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code checkpoint inspect} and {@code checkpoint convert}, run through picocli as the CLI does. */
class CheckpointCommandTest {
    record Run(int status, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = new CommandLine(new CheckpointCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int status = cl.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    private static double expectedSum(CkptFixtures.Expected x) {
        double s = 0;
        for (double v : x.values()) s += v;
        return s;
    }

    @Test
    void inspectJsonListsEveryTensorWithExactlyNameDtypeShapeSum() throws IOException {
        Run r = run("inspect", CkptFixtures.file("state_dict.pt").toString(), "--json");
        assertEquals(0, r.status(), r.err());
        JsonArray rows = JsonParser.parseString(r.out()).getAsJsonArray();
        List<CkptFixtures.Expected> expected = CkptFixtures.tensors("state_dict.expected.json");
        assertEquals(expected.size(), rows.size());
        boolean someNonZero = false;
        for (int i = 0; i < rows.size(); i++) {
            JsonObject o = rows.get(i).getAsJsonObject();
            CkptFixtures.Expected x = expected.get(i);
            assertEquals(Set.of("name", "dtype", "shape", "sum"), o.keySet());
            assertEquals(x.name(), o.get("name").getAsString());
            assertEquals(CkptFixtures.loadedAs(x.dtype()), o.get("dtype").getAsString());
            JsonArray shape = o.getAsJsonArray("shape");
            for (int d = 0; d < x.shape().length; d++) assertEquals(x.shape()[d], shape.get(d).getAsInt());
            assertEquals(x.shape().length, shape.size());
            assertEquals(expectedSum(x), o.get("sum").getAsDouble(), 1e-12 * (1 + Math.abs(expectedSum(x))), x.name());
            someNonZero |= expectedSum(x) != 0;
        }
        assertTrue(someNonZero);
    }

    @Test
    void inspectTextListsTensorsAndValues() {
        Run r = run("inspect", CkptFixtures.file("nested.pt").toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("PyTorch zip, 8 tensors"), r.out());
        assertTrue(r.out().contains("optimizer.state.0.exp_avg_sq"), r.out());
        assertTrue(r.out().contains("[3, 2, 3, 3]"), r.out());
        assertTrue(r.out().contains("epoch = 3"), r.out());

        Run s = run("inspect", CkptFixtures.file("handmade.safetensors").toString());
        assertEquals(0, s.status(), s.err());
        assertTrue(s.out().contains("safetensors, 7 tensors"), s.out());
        assertTrue(s.out().contains("format = pt"), s.out());
    }

    @Test
    void convertWritesSafetensorsThatReReadEqualToTorch(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("converted.safetensors");
        Run r = run("convert", CkptFixtures.file("state_dict.pt").toString(), out.toString());
        assertEquals(0, r.status(), r.err());
        Checkpoint c = Checkpoint.load(out);
        CkptFixtures.assertMatches(CkptFixtures.tensors("state_dict.expected.json"), c.tensors());
        assertEquals("state_dict.pt", c.meta("converted_from"));
        assertEquals(1, dsr3d.tests.support.Umask.assertTreeFollowsUmask(dir), "convert output permissions follow the umask");

        // a nested training checkpoint: --select keeps the model's weights under their own names
        Path model = dir.resolve("model.safetensors");
        Run m = run("convert", CkptFixtures.file("nested.pt").toString(), model.toString(), "--select", "model.");
        assertEquals(0, m.status(), m.err());
        Checkpoint mc = Checkpoint.load(model);
        assertEquals(List.of("weight", "bias"), List.copyOf(mc.tensors().keySet()));
        JsonElement values = JsonParser.parseString(mc.meta("torch_values"));
        JsonObject v = values.getAsJsonObject();
        assertTrue(v.get("epoch").getAsJsonPrimitive().isNumber(), v.toString());
        assertEquals(3, v.get("epoch").getAsInt());
        assertEquals(0.001, v.get("lr").getAsDouble(), 0.0);
        assertTrue(v.get("best").isJsonNull(), v.toString());
        assertTrue(v.get("flag").getAsBoolean());
        assertEquals("run-1", v.get("name").getAsString());
    }

    @Test
    void badInputExitsNonZeroNamingTheFile(@TempDir Path dir) throws IOException {
        for (String bad : List.of("evil_posix_system.pt", "truncated.pt", "wrong_magic.pt", "legacy.pt")) {
            Path f = CkptFixtures.file(bad);
            Run r = run("inspect", f.toString());
            assertEquals(1, r.status(), bad);
            assertTrue(r.err().contains(f.toString()), r.err());
            Run c = run("convert", f.toString(), dir.resolve("x.safetensors").toString());
            assertEquals(1, c.status(), bad);
            assertTrue(c.err().contains(f.toString()), c.err());
        }
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count(), "failed conversions must not leave files behind");
        }
        Run missing = run("inspect", dir.resolve("nope.pt").toString());
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains("nope.pt: no such file"), missing.err());
        assertTrue(run("evil_posix_system.pt").status() != 0, "unknown subcommand");
        assertEquals(2, run("convert", "only-one-arg").status());
    }

    @Test
    void helpDescribesBothSubcommandsAndMainListsTheCommand() {
        Run h = run("--help");
        assertEquals(0, h.status());
        assertTrue(h.out().contains("inspect") && h.out().contains("convert"), h.out());
        Run hi = run("inspect", "--help");
        assertTrue(hi.out().contains("--json") && hi.out().contains("FILE"), hi.out());
        Run hc = run("convert", "--help");
        assertTrue(hc.out().contains("--select") && hc.out().contains("OUT"), hc.out());

        assertTrue(new picocli.CommandLine(new dsr3d.models.cli.Main()).getSubcommands().containsKey("checkpoint"),
                "Main lists the checkpoint command");
    }
}
