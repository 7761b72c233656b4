package dsr3d.tensor.cpu.simd;

import jdk.incubator.vector.FloatVector;

import java.util.List;
import java.util.Locale;

/**
 * Which GEMM micro-kernel tile this machine runs, decided once per JVM (GemmKernel's class
 * initialisation) and printed by {@code ./3dsr version}:
 * <ol>
 *   <li>{@code -Ddsr3d.gemm.tile=6x2|8x3} names one (for measurements on a new machine: run
 *       {@code ./3dsr bench} with each and compare);</li>
 *   <li>else ({@code auto}) by the register file: 8x3 where the preferred vectors are 512 bits
 *       (AVX-512: 32 registers hold 24 accumulators, 3 B vectors and a broadcast), 6x2 otherwise
 *       (AVX2 has 16: 12 accumulators, 2 B vectors, a broadcast).</li>
 * </ol>
 * The tile does not change results (GemmKernel's comment), only speed.
 */
public final class GemmTiles {
    private GemmTiles() {}

    /** One tile: rows of C x vectors of C per micro-kernel call, and why it was chosen. */
    public record Tile(int index, int rows, int vectors, String reason) {
        public String name() { return rows + "x" + vectors; }
    }

    /** The generated tiles, in GemmKernel's order (tensor/gen/gemm_kernel.py TILES). */
    static final List<String> CANDIDATES = List.of("6x2", "8x3");

    private static final Tile CHOSEN = choose(dsr3d.tensor.Config.GEMM_TILE, FloatVector.SPECIES_PREFERRED.vectorBitSize());

    /** The tile of this JVM. */
    public static Tile chosen() { return CHOSEN; }

    /**
     * The tile for a switch value ("auto" or a candidate's name) on a machine whose preferred
     * vectors have vectorBits bits.
     * @throws IllegalArgumentException naming the switch for a value that is not a candidate
     */
    public static Tile choose(String switchValue, int vectorBits) {
        String v = switchValue.trim().toLowerCase(Locale.ROOT);
        if (v.equals("auto")) {
            boolean wide = vectorBits >= 512;
            return tile(wide ? "8x3" : "6x2", "auto: " + vectorBits + "-bit vectors" + (wide ? " (32 registers)" : ""));
        }
        if (!CANDIDATES.contains(v))
            throw new IllegalArgumentException("-Ddsr3d.gemm.tile=" + switchValue + ": expected auto or one of " + String.join(", ", CANDIDATES));
        return tile(v, "-Ddsr3d.gemm.tile=" + v);
    }

    private static Tile tile(String name, String reason) {
        String[] rv = name.split("x");
        return new Tile(CANDIDATES.indexOf(name), Integer.parseInt(rv[0]), Integer.parseInt(rv[1]), reason);
    }
}
