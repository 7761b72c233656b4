package dsr3d.tests.simulate;

import dsr3d.simulate.image.ImageOps;
import dsr3d.simulate.image.Resize;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Resizing with OpenCV's conventions (values derived by hand from cv2's formulas) and ImageOps. */
class ResizeTest {

    @Test
    void bilinearUsesHalfPixelCentresAndClampsAtTheBorder() {
        // 2x2 -> 4x4: src = (dst + 0.5) / 2 - 0.5 = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
        float[] src = {0, 1, 2, 3};
        float[] want = {
                0.0f, 0.25f, 0.75f, 1.0f,
                0.5f, 0.75f, 1.25f, 1.5f,
                1.5f, 1.75f, 2.25f, 2.5f,
                2.0f, 2.25f, 2.75f, 3.0f};
        assertArrayEquals(want, Resize.bilinear(src, 1, 2, 2, 4, 4), 1e-6f);
        // Shrinking by 2 averages each 2x2 block (no antialiasing beyond that): src = 0.5, 2.5.
        float[] big = new float[16];
        for (int i = 0; i < 16; i++) big[i] = i;
        assertArrayEquals(new float[]{2.5f, 4.5f, 10.5f, 12.5f}, Resize.bilinear(big, 1, 4, 4, 2, 2), 1e-6f);
    }

    @Test
    void nearestTakesTheFloorAndChannelsStaySeparate() {
        float[] big = new float[2 * 16];
        for (int i = 0; i < big.length; i++) big[i] = i;
        float[] small = Resize.nearest(big, 2, 4, 4, 2, 2);
        assertArrayEquals(new float[]{0, 2, 8, 10, 16, 18, 24, 26}, small);
        float[] odd = Resize.nearest(new float[]{1, 2, 3}, 1, 1, 3, 1, 5);   // floor(x * 3 / 5): 0 0 1 1 2
        assertArrayEquals(new float[]{1, 1, 2, 2, 3}, odd);
        assertThrows(IllegalArgumentException.class, () -> Resize.nearest(new float[5], 1, 2, 2, 1, 1));
    }

    @Test
    void minMaxAndGrey() {
        assertArrayEquals(new float[]{0, 0.5f, 1}, ImageOps.minMaxNormalize(new float[]{2, 3, 4}));
        assertArrayEquals(new float[]{0, 0}, ImageOps.minMaxNormalize(new float[]{7, 7}), "constant -> zeros, not NaN");
        float[] rgb = {1, 0, 0, 1, 0, 0};   // 2 pixels: red, green
        assertArrayEquals(new float[]{0.299f, 0.587f}, ImageOps.grey(rgb, 1, 2), 1e-6f);
    }
}
