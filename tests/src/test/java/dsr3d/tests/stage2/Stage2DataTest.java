package dsr3d.tests.stage2;

import dsr3d.models.data.LoadedSample;
import dsr3d.models.stage2.Stage2Data;
import dsr3d.simulate.image.Rotate;
import dsr3d.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stage-2 training samples (spec §4.2) on synthetic preprocessed images: a disc-shaped object
 *  with holes in its depth, so the mask restrictions and the rotation are visible. */
class Stage2DataTest {
    static final int S = 64;

    static LoadedSample image(long seed, int cx) {
        Random r = new Random(seed);
        float[] in = new float[4 * S * S], fg = new float[S * S], valid = new float[S * S];
        for (int y = 0; y < S; y++)
            for (int x = 0; x < S; x++) {
                int i = y * S + x;
                boolean inside = (x - cx) * (x - cx) + (y - 32) * (y - 32) < 20 * 20;
                fg[i] = inside ? 1 : 0;
                valid[i] = inside && (x + y) % 7 != 0 ? 1 : 0;
                in[i] = valid[i] * (0.1f + 0.8f * r.nextFloat());
                for (int c = 1; c < 4; c++) in[c * S * S + i] = r.nextFloat();
            }
        return new LoadedSample(null, Tensor.of(in, 4, S, S), fg, valid, new float[S * S], S, 0);
    }

    static Stage2Data data(Stage2Data.MaskAlignment a) { return new Stage2Data(List.of(image(1, 28), image(2, 36)), a); }

    @Test void batchesAreAFunctionOfSeedAndStep() {
        Stage2Data d = data(Stage2Data.MaskAlignment.OFFICIAL_UNROTATED);
        Stage2Data.Batch a = d.batch(7, 3, 4), b = d.batch(7, 3, 4), c = d.batch(7, 4, 4);
        assertArrayEquals(new int[]{4, 4, S, S}, a.input().shape());
        assertArrayEquals(new int[]{4, 1, S, S}, a.mask().shape());
        assertArrayEquals(a.input().toFloatArray(), b.input().toFloatArray());
        assertArrayEquals(a.mask().toFloatArray(), b.mask().toFloatArray());
        assertFalse(java.util.Arrays.equals(a.input().toFloatArray(), c.input().toFloatArray()), "another step, other data");
        assertThrows(IllegalArgumentException.class, () -> d.batch(7, 0, 0));
    }

    /** RGB and depth share one rotation in [-15, 15] degrees: the input is the source rotated by
     *  the item's angle, all four channels with the same geometry. */
    @Test void sharedRotation() {
        Stage2Data d = data(Stage2Data.MaskAlignment.OFFICIAL_UNROTATED);
        List<LoadedSample> src = List.of(image(1, 28), image(2, 36));
        for (Stage2Data.Item it : d.batch(1, 0, 16).items()) {
            assertTrue(Math.abs(it.angle()) <= 15);
            float[] want = Rotate.rotate(src.get(it.imageIndex()).input().toFloatArray(), 4, S, S, it.angle());
            assertArrayEquals(want, it.input().toFloatArray());
        }
    }

    /** Official default: the mask lies inside the UN-rotated foreground and valid depth; about half
     *  the samples have no anomaly; the non-empty masks are binary. The fix keeps the mask inside
     *  the rotated foreground instead. */
    @Test void maskRestrictionsAndEmptyHalf() {
        List<LoadedSample> src = List.of(image(1, 28), image(2, 36));
        int empty = 0, n = 0, outsideRotatedOfficial = 0;
        for (Stage2Data.MaskAlignment al : Stage2Data.MaskAlignment.values()) {
            Stage2Data d = new Stage2Data(src, al);
            for (long step = 0; step < 25; step++)
                for (Stage2Data.Item it : d.batch(5, step, 8).items()) {
                    float[] m = it.mask().toFloatArray();
                    LoadedSample s = src.get(it.imageIndex());
                    float[] rotFg = Rotate.rotate(s.foreground(), 1, S, S, it.angle());
                    boolean any = false;
                    for (int i = 0; i < m.length; i++) {
                        assertTrue(m[i] == 0 || m[i] == 1);
                        if (m[i] == 0) continue;
                        any = true;
                        if (al == Stage2Data.MaskAlignment.OFFICIAL_UNROTATED) {
                            assertTrue(s.foreground()[i] == 1 && s.validDepth()[i] == 1, "inside the un-rotated masks");
                            if (rotFg[i] < 0.5f) outsideRotatedOfficial++;
                        } else {
                            assertTrue(rotFg[i] >= 0.5f, "inside the rotated foreground");
                        }
                    }
                    if (al == Stage2Data.MaskAlignment.OFFICIAL_UNROTATED) {
                        n++;
                        if (!any) empty++;
                    }
                }
        }
        assertTrue(Math.abs(empty - n / 2.0) < 4 * Math.sqrt(n * 0.25) + 0.05 * n, empty + " empty of " + n);
        assertTrue(outsideRotatedOfficial > 0, "the official quirk shows: mask pixels outside the rotated object");
        assertNotEquals(0, n);
    }

    @Test void badImagesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Stage2Data(List.of(), Stage2Data.MaskAlignment.OFFICIAL_UNROTATED));
        LoadedSample small = new LoadedSample(null, Tensor.zeros(4, 32, 32), new float[32 * 32], new float[32 * 32], new float[32 * 32], 32, 0);
        assertThrows(IllegalArgumentException.class, () -> new Stage2Data(List.of(image(1, 30), small), Stage2Data.MaskAlignment.OFFICIAL_UNROTATED));
        assertEquals(S, data(Stage2Data.MaskAlignment.ROTATED_FOREGROUND).size());
    }
}
