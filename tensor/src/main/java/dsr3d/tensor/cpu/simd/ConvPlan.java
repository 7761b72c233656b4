package dsr3d.tensor.cpu.simd;

import dsr3d.tensor.backend.ConvGeom;

/**
 * The one decision of how a float convolution pass runs on the CPU, made once per geometry and
 * pass from the shape and the {@code dsr3d.conv.*} switches of {@link dsr3d.tensor.Config}. Tests
 * print it and check that their shapes reach every plan; {@code Conv2dSimd} dispatches on it.
 *
 * <table>
 * <caption>Plans</caption>
 * <tr><th>plan</th><th>passes</th><th>when</th></tr>
 * <tr><td>SCALAR</td><td>all</td><td>no vector species of 4+ lanes, or {@code -Ddsr3d.simd=false}: plain float loops</td></tr>
 * <tr><td>BATCHED_IM2COL</td><td>all</td><td>small output planes, batch &gt; 1 ({@link ConvBatched}): one GEMM over the batch</td></tr>
 * <tr><td>POINTWISE</td><td>all</td><td>1x1, stride 1, no padding: the planes are the GEMM operands</td></tr>
 * <tr><td>SPACE_TO_DEPTH</td><td>all</td><td>stride s dividing the kernel (4x4 s2): a stride-1 conv on the space-to-depth input</td></tr>
 * <tr><td>PACKED_PANELS</td><td>forward</td><td>what PANELS would run, with at least {@link #PACK_FROM_COUT} output channels per group:
 *     the same implicit GEMM with every B panel packed from the (unpadded) image</td></tr>
 * <tr><td>PANELS</td><td>forward</td><td>the rest: per-image implicit GEMM, B panels from the (padded) image, in place where they can be</td></tr>
 * <tr><td>FLIPPED_STRIDE1</td><td>input gradient</td><td>stride 1: a forward conv of dy with the flipped, transposed kernel</td></tr>
 * <tr><td>COL2IM</td><td>input gradient</td><td>other strides: W^T dy by GEMM in chunks, scattered back</td></tr>
 * <tr><td>TAPS_BY_PIXELS</td><td>weight gradient</td><td>stride 1 or space-to-depth, coutG &lt;= swapMaxCout: the swapped GEMM, A rows in place</td></tr>
 * <tr><td>GATHER</td><td>weight gradient</td><td>the rest: dy * im2col^T per image, im2col packed by gathers</td></tr>
 * </table>
 */
public enum ConvPlan {
    SCALAR, BATCHED_IM2COL, POINTWISE, SPACE_TO_DEPTH, PACKED_PANELS, PANELS, FLIPPED_STRIDE1, COL2IM, TAPS_BY_PIXELS, GATHER;

    /**
     * Output channels per group from which the forward packs its B panels (0 = never): where many
     * row tiles reuse each panel, packing it once (contiguous, prefetched) beats reading the image
     * in place (a scattered, unaligned load per tap). Measured on the AVX2 VM (Zen 3, 2026-12-07, one
     * thread, interleaved per call, medians): packing 1.12-1.21x faster at 1024-2048 output channels,
     * 1.02-1.10x at 256-512, while in place was 1.1-2x faster at 128 and fewer; on AVX-512 (Zen 5) in place was as fast as
     * oneDNN and packing was not measured, so there auto keeps in place. -Ddsr3d.conv.packFromCout.
     * The input gradient's flipped stride-1 conv keeps reading in place: packing its panels showed no
     * gain beyond the VM's noise (cin = cout = 256-1024, one thread, three alternating JVM pairs).
     */
    public static final int PACK_FROM_COUT = packFromCout(dsr3d.tensor.Config.CONV_PACK_FROM_COUT,
            jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize());

    /** The threshold for a switch value ("auto" or a count >= 0) on a machine with vectors of vectorBits. */
    public static int packFromCout(String value, int vectorBits) {
        if (value.equalsIgnoreCase("auto")) return vectorBits >= 512 ? 0 : 256;
        try {
            int v = Integer.parseInt(value.trim());
            if (v >= 0) return v;
        } catch (NumberFormatException ignored) {
            // fall through to the message
        }
        throw new IllegalArgumentException("-Ddsr3d.conv.packFromCout=" + value + ": expected auto or a count >= 0 (0 = never pack)");
    }

    /** The three passes of a convolution. */
    public enum Pass { FORWARD, INPUT_GRADIENT, WEIGHT_GRADIENT }

    public static ConvPlan of(ConvGeom g, Pass pass) {
        if (!Sgemm.SIMD) return SCALAR;
        if (ConvBatched.applies(g, pass == Pass.WEIGHT_GRADIENT)) return BATCHED_IM2COL;
        boolean pointwise = isPointwise(g);
        boolean s2d = ConvSpaceToDepth.applies(g);
        return switch (pass) {
            case FORWARD -> s2d ? SPACE_TO_DEPTH : pointwise ? POINTWISE
                    : PACK_FROM_COUT > 0 && g.coutPerGroup() >= PACK_FROM_COUT ? PACKED_PANELS : PANELS;
            case INPUT_GRADIENT -> g.strideH() == 1 && g.strideW() == 1 ? (pointwise ? POINTWISE : FLIPPED_STRIDE1)
                    : s2d ? SPACE_TO_DEPTH : COL2IM;
            case WEIGHT_GRADIENT -> pointwise ? POINTWISE : swapped(g, s2d) ? TAPS_BY_PIXELS : s2d ? SPACE_TO_DEPTH : GATHER;
        };
    }

    /**
     * Whether the swapped weight gradient applies (and measured faster). Measured 2026-11-29, 1
     * thread: +15..75% for coutG 32..128 (c5-c12, c15); at coutG 256 (c13, c14, c16) within noise
     * either way, and -15% on 48x48 planes with coutG >= 1024 (c2, c4): those keep the gather path.
     * -Ddsr3d.conv.bwdw.swap=0 never swaps, =2 always swaps where it applies.
     */
    private static boolean swapped(ConvGeom g, boolean s2d) {
        int mode = dsr3d.tensor.Config.CONV_BWDW_SWAP;
        if (mode == 0) return false;
        if (!s2d && (g.strideH() != 1 || g.strideW() != 1)) return false;
        return mode == 2 || g.coutPerGroup() <= dsr3d.tensor.Config.CONV_BWDW_SWAP_MAX_COUT;
    }

    /** 1x1, stride 1, no padding: the image planes are the GEMM operands as they are. */
    static boolean isPointwise(ConvGeom g) {
        return g.kh() == 1 && g.kw() == 1 && g.strideH() == 1 && g.strideW() == 1 && g.padH() == 0 && g.padW() == 0;
    }

    /** The plans of the three passes, e.g. "fwd PANELS, dx FLIPPED_STRIDE1, dW TAPS_BY_PIXELS". */
    public static String describe(ConvGeom g) {
        return "fwd " + of(g, Pass.FORWARD) + ", dx " + of(g, Pass.INPUT_GRADIENT) + ", dW " + of(g, Pass.WEIGHT_GRADIENT);
    }
}
