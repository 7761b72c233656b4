package dsr3d.tests.parity;

import dsr3d.tensor.cpu.simd.GemmTiles;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every GEMM micro-kernel tile, not only the one this machine picks: the tile is fixed when the
 * kernel class is initialised, so each runs in its own child JVM ({@link GemmTileChild}, with
 * {@code -Ddsr3d.gemm.tile}), which runs the GEMM and convolution parity tests under it; and all
 * tiles must give bit-identical floats (same digest), as must the convolution forward with its B
 * panels read in place or packed ({@code -Ddsr3d.conv.packFromCout} 0 or 1).
 */
class GemmTileParityTest {

    @Test
    void everyTilePassesTheParityTestsAndGivesTheSameBits() throws Exception {
        Map<String, String> digests = new LinkedHashMap<>();
        // each tile, and the forward's B panels read in place (packFromCout 0) or all packed (1): the same bits
        for (String[] run : List.of(new String[] {"6x2", "0"}, new String[] {"6x2", "1"}, new String[] {"8x3", "1"})) {
            String tile = run[0];
            List<String> out = runChild(tile, run[1]);
            String joined = String.join("\n", out);
            assertTrue(out.contains("tile=" + tile), "child did not run tile " + tile + ":\n" + joined);
            digests.put(tile + " packFromCout=" + run[1],
                    out.stream().filter(l -> l.startsWith("digest=")).findFirst().orElseThrow(() -> new AssertionError("no digest:\n" + joined)));
        }
        assertEquals(1, digests.values().stream().distinct().count(), "tiles or panel sources give different floats: " + digests);
    }

    @Test
    void autoPicksByVectorWidthAndABadValueNamesTheSwitch() {
        assertEquals("8x3", GemmTiles.choose("auto", 512).name());
        assertEquals("6x2", GemmTiles.choose("auto", 256).name());
        assertEquals("6x2", GemmTiles.choose("6x2", 512).name());
        assertEquals(0, GemmTiles.choose("6x2", 512).index());
        assertEquals(1, GemmTiles.choose("8X3", 256).index());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GemmTiles.choose("7x2", 512));
        assertTrue(e.getMessage().contains("-Ddsr3d.gemm.tile=7x2") && e.getMessage().contains("6x2, 8x3"), e.getMessage());
    }

    private static List<String> runChild(String tile, String packFromCout) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-Xmx2g", "-Ddsr3d.gemm.tile=" + tile, "-Ddsr3d.conv.packFromCout=" + packFromCout, "-cp", System.getProperty("java.class.path"), GemmTileChild.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] bytes = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "child JVM for tile " + tile + " did not finish");
        List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
        assertEquals(0, p.exitValue(), "tile " + tile + ": parity tests failed in the child JVM:\n" + String.join("\n", lines));
        return lines;
    }
}
