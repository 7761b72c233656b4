package dsr3d.tensor.cpu.simd;

import dsr3d.tensor.backend.ConvGeom;

import java.util.List;

/**
 * The CPU convolution kernel ladder (as llm.c does for CUDA): the forward convolution written five
 * ways, each a step from the plainest to today's, so a reader can see what every idea buys.
 * {@code ./3dsr bench ladder} checks each rung against the double-precision reference
 * ({@link dsr3d.tensor.cpu.Conv2dCpu}) and then times it with its % of the FMA peak.
 *
 * <ol>
 *   <li>{@code loops}: plain float loops over (image, group, output channel, input channel, tap, pixel);
 *       no vectors, no blocking ({@link ConvScalar}).</li>
 *   <li>{@code im2col+gemm}: the [taps x pixels] cols matrix of each image built explicitly, then one
 *       packed, blocked, vectorised GEMM W[cout x taps] * cols ({@link Sgemm}): the classic recipe,
 *       paying a cols matrix kh*kw times the image.</li>
 *   <li>{@code implicit-gemm}: no cols matrix: the GEMM packs its B panels straight from the image
 *       ({@link ConvPanels.PixelsByTap} seen only as a packer).</li>
 *   <li>{@code in-place-panels}: B micro-panels that lie inside one image row are not packed at all but
 *       read where they are (the micro-kernel takes a per-tap offset table), edges still packed.</li>
 *   <li>{@code best}: today's {@link Conv2dSimd#forward} ({@link ConvPlan}: the image zero-padded once
 *       so every panel is in place, space-to-depth for stride-2 4x4, pointwise and batched plans).</li>
 * </ol>
 * Rungs 2-4 handle groups and any stride/padding; all write y = conv(x, w) + bias.
 */
public final class ConvLadder {
    private ConvLadder() {}

    /** One rung: a name for the table and the forward convolution it computes. */
    public record Rung(String name, String what, Forward forward) {}

    @FunctionalInterface
    public interface Forward {
        void run(ConvGeom g, float[] x, float[] w, float[] bias, float[] y);
    }

    public static final List<Rung> RUNGS = List.of(
            new Rung("loops", "plain float loops", ConvScalar::forward),
            new Rung("im2col+gemm", "explicit cols matrix, then packed GEMM", ConvLadder::im2colGemm),
            new Rung("implicit-gemm", "B panels packed from the image", (g, x, w, b, y) -> implicit(g, x, w, b, y, false)),
            new Rung("in-place-panels", "interior B panels read in place", (g, x, w, b, y) -> implicit(g, x, w, b, y, true)),
            new Rung("best", "Conv2dSimd.forward (today's plan)", Conv2dSimd::forward));

    /** Rung 2: cols[t][q] = x at tap t of output pixel q (0 outside), then y = W * cols per image and group. */
    static void im2colGemm(ConvGeom g, float[] x, float[] w, float[] bias, float[] y) {
        int plane = g.hout() * g.wout(), coutG = g.coutPerGroup(), cinG = g.cinPerGroup(), taps = cinG * g.kh() * g.kw();
        float[] cols = new float[taps * plane];
        for (int b = 0; b < g.n(); b++)
            for (int grp = 0; grp < g.groups(); grp++) {
                int xOff = (b * g.cin() + grp * cinG) * g.h() * g.w(), yOff = (b * g.cout() + grp * coutG) * plane;
                for (int ci = 0, t = 0; ci < cinG; ci++)
                    for (int ky = 0; ky < g.kh(); ky++)
                        for (int kx = 0; kx < g.kw(); kx++, t++)
                            for (int oy = 0; oy < g.hout(); oy++) {
                                int iy = oy * g.strideH() - g.padH() + ky, row = t * plane + oy * g.wout();
                                for (int ox = 0; ox < g.wout(); ox++) {
                                    int ix = ox * g.strideW() - g.padW() + kx;
                                    cols[row + ox] = iy >= 0 && iy < g.h() && ix >= 0 && ix < g.w() ? x[xOff + (ci * g.h() + iy) * g.w() + ix] : 0f;
                                }
                            }
                Conv2dSimd.fillBias(bias, grp * coutG, coutG, y, yOff, plane);
                Sgemm.sgemm(false, false, coutG, plane, taps, w, grp * coutG * taps, taps, cols, 0, plane, y, yOff, plane, bias != null);
            }
    }

    /** Rungs 3 and 4: the image as a virtual B operand, packed (inPlace false) or read in place where it can be. */
    static void implicit(ConvGeom g, float[] x, float[] w, float[] bias, float[] y, boolean inPlace) {
        int plane = g.hout() * g.wout(), coutG = g.coutPerGroup(), cinG = g.cinPerGroup(), taps = cinG * g.kh() * g.kw();
        for (int b = 0; b < g.n(); b++)
            for (int grp = 0; grp < g.groups(); grp++) {
                int xOff = (b * g.cin() + grp * cinG) * g.h() * g.w(), yOff = (b * g.cout() + grp * coutG) * plane;
                ConvPanels.PixelsByTap image = new ConvPanels.PixelsByTap(Conv2dSimd.inputView(g, x, xOff));
                GemmPanelSource cols = inPlace ? image : image::pack;   // a lambda hides the InPlace capability
                Conv2dSimd.fillBias(bias, grp * coutG, coutG, y, yOff, plane);
                GemmDriver.gemm(coutG, plane, taps, new GemmPanelSource.Dense(w, grp * coutG * taps, taps, true), cols, y, yOff, plane, bias != null);
            }
    }
}
