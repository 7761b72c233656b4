package dsr3d.tests.parity;

import dsr3d.tensor.backend.ConvGeom;
import dsr3d.tensor.cpu.simd.Conv2dSimd;
import dsr3d.tensor.cpu.simd.GemmTiles;
import dsr3d.tensor.cpu.simd.Sgemm;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

import java.io.PrintWriter;
import java.util.SplittableRandom;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

/**
 * Run in a child JVM by {@link GemmTileParityTest} with {@code -Ddsr3d.gemm.tile=T}: runs the GEMM
 * and convolution parity tests under that tile, then prints {@code tile=T} and
 * {@code digest=HEX}, a hash of the exact bits of a few GEMMs and convolutions (all three passes),
 * so the parent can check that every tile gives the same floats. Exit status 1 when a test fails.
 */
public final class GemmTileChild {
    private GemmTileChild() {}

    public static void main(String[] args) {
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        launcher.execute(request().selectors(selectClass(SgemmParityTest.class), selectClass(Conv2dParityTest.class)).build(), summary);
        summary.getSummary().printFailuresTo(new PrintWriter(System.out), 20);
        System.out.println("tests=" + summary.getSummary().getTestsSucceededCount() + " failed=" + summary.getSummary().getTotalFailureCount());
        System.out.println("tile=" + GemmTiles.chosen().name());
        System.out.println("digest=" + Long.toHexString(digest()));
        System.exit(summary.getSummary().getTotalFailureCount() == 0 && summary.getSummary().getTestsSucceededCount() > 0 ? 0 : 1);
    }

    /** FNV-1a over the float bits of GEMMs and convolutions whose sizes are not multiples of either tile. */
    static long digest() {
        SplittableRandom rnd = new SplittableRandom(7);
        long h = 0xcbf29ce484222325L;
        int[][] gemms = {{257, 300, 129}, {50, 1100, 70}, {8, 48, 512}, {97, 61, 1000}};
        for (int[] s : gemms) {
            int m = s[0], n = s[1], k = s[2];
            float[] a = random(rnd, m * k), b = random(rnd, k * n), c = new float[m * n];
            Sgemm.sgemm(false, false, m, n, k, a, 0, k, b, 0, n, c, 0, n, false);
            h = hash(h, c);
        }
        ConvGeom[] convs = {ConvGeom.square(1, 64, 24, 96, 3, 1, 1, 1), ConvGeom.square(2, 33, 20, 18, 4, 2, 1, 1),
                new ConvGeom(1, 40, 9, 70, 13, 3, 3, 1, 1, 1, 1, 1), ConvGeom.square(1, 20, 40, 150, 3, 1, 1, 1)};
        for (ConvGeom g : convs) {
            float[] x = random(rnd, g.n() * g.cin() * g.h() * g.w());
            float[] w = random(rnd, g.cout() * (g.cin() / g.groups()) * g.kh() * g.kw());
            float[] y = new float[g.n() * g.cout() * g.hout() * g.wout()];
            Conv2dSimd.forward(g, x, w, null, y);
            float[] dx = new float[x.length], dw = new float[w.length];
            Conv2dSimd.backwardInput(g, y, w, dx);
            Conv2dSimd.backwardWeight(g, x, y, dw);
            h = hash(hash(hash(h, y), dx), dw);
        }
        return h;
    }

    private static long hash(long h, float[] v) {
        for (float f : v) {
            h ^= Float.floatToRawIntBits(f);
            h *= 0x100000001b3L;
        }
        return h;
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
        return x;
    }
}
