package dsr3d.tests.train;

import dsr3d.models.cli.Main;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** {@code ./3dsr experiment}: a tiny modalities run (slow: three DADAs and three stage-2 trainings), and its refusals. */
class ExperimentFlagsTest {
    @Tag("slow")
    @Test void aTinyModalitiesRunWritesItsTable(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("x");
        assertEquals(0, Main.execute("experiment", "modalities", "--iterations", "1", "--dada-iterations", "1", "--categories", "cookie",
                "--out", dir.toString(), "--threads", "1"));
        String table = Files.readString(dir.resolve("table.md"));
        for (String row : new String[]{"| rgbd |", "| depth |", "| rgb |"}) assertTrue(table.contains(row), table);
        String json = Files.readString(dir.resolve("experiment.json"));
        assertTrue(json.contains("--modality depth") && json.contains("--modality rgb"), json);
        assertFalse(json.contains("--modality rgbd --modality"), "a variant's flag replaces the recipe's value: " + json);
        assertEquals(2, Main.execute("experiment", "modalities", "--out", dir.toString()), "an existing experiment folder is refused");
    }

    @Test void badArgumentsExitTwo(@TempDir Path tmp) {
        assertEquals(2, Main.execute("experiment"));
        assertEquals(2, Main.execute("experiment", "modalities", "--categories", "nope", "--out", tmp.resolve("y").toString()));
        assertEquals(2, Main.execute("experiment", "ablations", "--threads", "-1", "--out", tmp.resolve("z").toString()));
    }
}
