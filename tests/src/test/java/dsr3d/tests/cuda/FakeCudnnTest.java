package dsr3d.tests.cuda;

import static org.junit.jupiter.api.Assertions.*;

import dsr3d.cuda.driver.CudaDriver;
import dsr3d.cuda.driver.CudaException;
import dsr3d.cuda.driver.Cudnn;
import dsr3d.cuda.driver.HostTransfer;
import dsr3d.tensor.backend.ConvGeom;
import dsr3d.tensor.cpu.Conv2dCpu;
import dsr3d.tests.cuda.support.FakeLibcuda;
import dsr3d.tests.cuda.support.FakeLibcudnn;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cudnn's plumbing (descriptor contents and order per direction, the perf-struct parse that
 * skips unsupported algorithms, math types, workspace sizing, alpha/beta) against stub libcuda
 * and libcudnn that compute convolutions on the host from the descriptors alone (see
 * {@link FakeLibcudnn}), compared with the double-precision CPU reference. No GPU needed.
 */
class FakeCudnnTest {
    @TempDir
    static Path dir;
    static CudaDriver d;
    static Cudnn dnn;
    static HostTransfer t;

    @BeforeAll
    static void build() throws Exception {
        String why = FakeLibcuda.unavailableReason();
        Assumptions.assumeTrue(why == null, () -> "cannot build the stub libraries: " + why);
        d = CudaDriver.load(FakeLibcuda.build(dir));
        dnn = Cudnn.load(d, FakeLibcudnn.build(dir));
        t = HostTransfer.create(d);
    }

    @Test
    void threeDirectionsOnAwkwardGeometries() {
        Random rnd = new Random(5);
        ConvGeom[] geoms = {
                new ConvGeom(2, 6, 11, 9, 8, 3, 3, 1, 1, 1, 1, 2),   // groups 2, h != w
                new ConvGeom(1, 4, 9, 12, 4, 3, 3, 2, 1, 1, 0, 4),   // depthwise, different strides and pads per axis
                new ConvGeom(2, 5, 7, 10, 3, 1, 1, 1, 1, 0, 0, 1),   // 1x1
                new ConvGeom(1, 4, 16, 16, 6, 4, 4, 2, 2, 1, 1, 2),  // 4x4 stride 2
                new ConvGeom(1, 3, 6, 8, 2, 2, 3, 1, 1, 0, 1, 1),    // kernel 2x3
        };
        assertEquals(90600, dnn.version());
        for (ConvGeom g : geoms)
            for (boolean tf32 : new boolean[] {false, true}) {
                float[] x = gaussian(rnd, g.inputSize()), w = gaussian(rnd, g.weightSize()), dy = gaussian(rnd, g.outputSize());
                double[] y = new double[g.outputSize()], dx = new double[g.inputSize()], dw = new double[g.weightSize()];
                Conv2dCpu.forward(g, d(x), d(w), null, y);
                Conv2dCpu.backwardInput(g, d(dy), d(w), dx);
                Conv2dCpu.backwardWeight(g, d(x), d(dy), dw);
                long px = up(x), pw = up(w), pdy = up(dy);
                long py = up(gaussian(rnd, y.length)), pdx = up(gaussian(rnd, dx.length)), pdw = up(gaussian(rnd, dw.length));
                String what = g + " tf32=" + tf32;
                dnn.convForward(g, px, pw, py, tf32);
                assertClose(y, down(py, y.length), "forward " + what);
                dnn.convBackwardData(g, pdy, pw, pdx, tf32);
                assertClose(dx, down(pdx, dx.length), "backward data " + what);
                dnn.convBackwardFilter(g, px, pdy, pdw, tf32);
                assertClose(dw, down(pdw, dw.length), "backward filter " + what);
                for (Cudnn.Direction dir : Cudnn.Direction.values()) {
                    Cudnn.Choice c = dnn.choice(dir, g, tf32);
                    assertEquals(1, c.algo(), "the unsupported algorithm listed first must be skipped");
                    assertEquals(tf32 ? 1 : 3, c.mathType(), "math type: tensor ops only with tf32, else FMA");
                    assertEquals(8192, c.workspaceBytes(), "workspace from cudnnGet*WorkspaceSize, larger than the perf figure");
                }
                for (long p : new long[] {px, pw, pdy, py, pdx, pdw}) d.free(p);
            }
    }

    @Test
    void statusErrorsCarryTheLibrarysString() {
        // an empty batch passes ConvGeom but not cudnnSetTensor4dDescriptor (real cuDNN too: BAD_PARAM)
        ConvGeom bad = new ConvGeom(0, 2, 3, 3, 2, 1, 1, 1, 1, 0, 0, 1);
        CudaException e = assertThrows(CudaException.class, () -> dnn.convForward(bad, 0, 0, 0, false));
        assertEquals(CudaException.Library.CUDNN, e.library());
        assertTrue(e.getMessage().startsWith("cudnnSetTensor4dDescriptor(x ConvGeom[n=0"), e.getMessage());
        assertTrue(e.getMessage().contains("failed: CUDNN_STATUS_BAD_PARAM (fake) (2000)"), e.getMessage());
    }

    private static long up(float[] a) {
        long p = d.malloc(Math.max(4L, 4L * a.length));
        t.upload(a, p);
        return p;
    }

    private static float[] down(long p, int n) {
        float[] r = new float[n];
        t.download(p, r);
        return r;
    }

    private static float[] gaussian(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextGaussian();
        return a;
    }

    private static double[] d(float[] a) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) r[i] = a[i];
        return r;
    }

    private static void assertClose(double[] ref, float[] got, String what) {
        double scale = 0;
        for (double v : ref) scale = Math.max(scale, Math.abs(v));
        assertTrue(scale > 0, what + ": reference is all zero");
        for (int i = 0; i < ref.length; i++)
            assertEquals(ref[i], got[i], 1e-5 * scale, what + ": element " + i);
    }
}
