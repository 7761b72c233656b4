package dsr3d.tests.parity;

import dsr3d.tensor.Storage;
import dsr3d.tensor.backend.BinaryOp;
import dsr3d.tensor.backend.PoolGeom;
import dsr3d.tensor.backend.ReduceOp;
import dsr3d.tensor.backend.UnaryOp;
import dsr3d.tensor.cpu.CpuBackend;
import dsr3d.tensor.cpu.CpuStorage;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.function.Function;

import static dsr3d.tests.parity.FastParity.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The CpuBackend wiring: each op run on F32 storages (the fast kernels, unless -Ddsr3d.simd=false)
 * must agree with the same op on F64 storages (always the reference). Catches argument-order
 * mistakes in the dispatch that the per-kernel parity tests cannot see.
 */
class FastDispatchParityTest {
    private static final CpuBackend B = CpuBackend.INSTANCE;
    private final Random rnd = new Random(77);

    /** Runs op once on F32 copies and once on F64 copies of the inputs, compares the outputs. */
    private void same(String what, float[][] inputs, int[] outLens, Function<Storage[], Void> op) {
        int k = inputs.length;
        Storage[] f = new Storage[k + outLens.length], d = new Storage[k + outLens.length];
        for (int i = 0; i < k; i++) { f[i] = CpuStorage.of(inputs[i].clone()); d[i] = CpuStorage.of(d(inputs[i])); }
        for (int j = 0; j < outLens.length; j++) { f[k + j] = CpuStorage.of(new float[outLens[j]]); d[k + j] = CpuStorage.of(new double[outLens[j]]); }
        op.apply(f);
        op.apply(d);
        for (int j = 0; j < outLens.length; j++) {
            double[] ref = ((CpuStorage) d[k + j]).d;
            assertNonTrivial(ref, what + " output " + j);
            assertClose(ref, ((CpuStorage) f[k + j]).f, 2e-5, what + " output " + j);
        }
    }

    @Test
    void everyWiredOpAgreesBetweenF32AndF64() {
        int n = 2 * 3 * 17 * 19;
        float[] x = gaussian(rnd, n), y = gaussian(rnd, n), w = gaussian(rnd, 3);
        same("unary SIGMOID", new float[][]{x}, new int[]{n}, s -> { B.unary(UnaryOp.SIGMOID, 0, 0, s[0], s[1], n); return null; });
        same("binary per-channel", new float[][]{x, w}, new int[]{n}, s -> {
            B.binary(BinaryOp.DIV, new int[]{2, 3, 17, 19}, s[0], 0, new int[]{969, 323, 19, 1}, s[1], 0, new int[]{0, 1, 0, 0}, s[2]);
            return null;
        });
        float[] cond = new float[n];
        for (int i = 0; i < n; i++) cond[i] = i % 3 == 0 ? 1 : 0;
        same("where", new float[][]{cond, x, y}, new int[]{n}, s -> { B.where(s[0], s[1], s[2], s[3], n); return null; });
        same("copy transposed", new float[][]{x}, new int[]{n}, s -> {
            B.copy(new int[]{34, 57}, s[0], 0, new int[]{1, 34}, s[1], 0, new int[]{57, 1});
            return null;
        });
        same("reduceRows SUM", new float[][]{x}, new int[]{34}, s -> { B.reduceRows(ReduceOp.SUM, s[0], 34, 57, s[1]); return null; });
        same("reduceRows MAX", new float[][]{x}, new int[]{34}, s -> { B.reduceRows(ReduceOp.MAX, s[0], 34, 57, s[1]); return null; });
        same("softmax", new float[][]{x}, new int[]{n}, s -> { B.softmaxRows(false, s[0], 34, 57, s[1]); return null; });
        same("logsoftmax backward", new float[][]{x, y}, new int[]{n}, s -> { B.softmaxRowsBackward(true, s[0], s[1], 34, 57, s[2]); return null; });

        PoolGeom p = new PoolGeom(6, 17, 19, 3, 3, 2, 2, 1, 1);
        int on = 6 * p.hout() * p.wout();
        same("maxPool2d", new float[][]{x}, new int[]{on}, s -> { B.maxPool2d(p, s[0], s[1], CpuStorage.of(new int[on])); return null; });
        float[] g = gaussian(rnd, on);
        same("maxPool2d backward", new float[][]{x, g}, new int[]{n}, s -> {
            CpuStorage arg = CpuStorage.of(new int[on]);
            B.maxPool2d(p, s[0], CpuStorage.allocate(s[0].dtype(), on), arg);
            B.maxPool2dBackward(p, s[1], arg, s[2]);
            return null;
        });
        same("avgPool2d", new float[][]{x}, new int[]{on}, s -> { B.avgPool2d(p, s[0], s[1]); return null; });
        same("avgPool2d backward", new float[][]{g}, new int[]{n}, s -> { B.avgPool2dBackward(p, s[0], s[1]); return null; });

        int big = 6 * 33 * 37;
        same("bilinear", new float[][]{x}, new int[]{big}, s -> { B.upsampleBilinear(6, 17, 19, 33, 37, s[0], s[1]); return null; });
        float[] gb = gaussian(rnd, big);
        same("bilinear backward", new float[][]{gb}, new int[]{n}, s -> { B.upsampleBilinearBackward(6, 17, 19, 33, 37, s[0], s[1]); return null; });
        int near = 6 * 34 * 57;
        same("nearest", new float[][]{x}, new int[]{near}, s -> { B.upsampleNearest(6, 17, 19, 2, 3, s[0], s[1]); return null; });
        float[] gn = gaussian(rnd, near);
        same("nearest backward", new float[][]{gn}, new int[]{n}, s -> { B.upsampleNearestBackward(6, 17, 19, 2, 3, s[0], s[1]); return null; });

        same("instanceNorm", new float[][]{x}, new int[]{n, 6, 6}, s -> { B.instanceNorm(6, 323, 1e-5, s[0], s[1], s[2], s[3]); return null; });
        float[] rstd = uniform(rnd, 6, 0.5f, 2f);
        same("instanceNorm backward", new float[][]{x, rstd, y}, new int[]{n}, s -> { B.instanceNormBackward(6, 323, s[0], s[1], s[2], s[3]); return null; });
    }

    @Test
    void vqNearestAgreesOnSeparatedData() {
        int n = 50, k = 37, d = 9;
        float[] e = gaussian(rnd, k * d), z = new float[n * d];
        for (int i = 0; i < n; i++) {
            int j = (i * 7) % k;
            for (int q = 0; q < d; q++) z[i * d + q] = e[j * d + q] + 0.01f * (float) rnd.nextGaussian();
        }
        int[] fast = new int[n], ref = new int[n];
        B.vqNearest(CpuStorage.of(z), CpuStorage.of(e), n, k, d, CpuStorage.of(fast));
        B.vqNearest(CpuStorage.of(d(z)), CpuStorage.of(d(e)), n, k, d, CpuStorage.of(ref));
        assertArrayEquals(ref, fast);
        assertTrue(java.util.Arrays.stream(ref).distinct().count() > 10);
    }
}
