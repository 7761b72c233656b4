package dsr3d.tests.data;

import dsr3d.models.data.CvResize;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * cv2.resize semantics, checked on hand-derived cases (the derivations are in the comments; the
 * rules are those of OpenCV's resizeNN and its 8-bit INTER_LINEAR path).
 */
class CvResizeTest {

    @Test
    void nearestUsesFloorOfDstTimesSrcOverDstNotPixelCentres() {
        // 600 -> 384 (tire width): ifx = 1 / (384/600) = 1.5625, source = floor(i * 1.5625).
        float[] src = new float[600];
        for (int i = 0; i < 600; i++) src[i] = i;
        float[] out = CvResize.nearest(src, 1, 600, 1, 1, 384);
        assertEquals(0f, out[0]);
        assertEquals(1f, out[1]);          // 1.5625
        assertEquals(3f, out[2]);          // 3.125
        assertEquals(598f, out[383]);      // 598.4375 (a centre rule would give 599)
        // 800 -> 384: ifx = 1/0.48 = 2.0833..; i = 12 lands exactly on 25 (floor, not 24).
        float[] src8 = new float[800];
        for (int i = 0; i < 800; i++) src8[i] = i;
        float[] out8 = CvResize.nearest(src8, 800, 1, 1, 384, 1);
        assertEquals(25f, out8[12]);
        assertEquals(797f, out8[383]);     // floor(797.9166)
    }

    @Test
    void nearestKeepsChannelsTogether() {
        float[] src = {1, 2, 3, 4, 5, 6};   // 1x2 pixels of 3 channels
        assertArrayEquals(new float[]{1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6}, CvResize.nearest(src, 1, 2, 3, 1, 4));
    }

    @Test
    void linearUpscaleOfATwoPixelRow() {
        // w 2 -> 4, scale 0.5: dst 0 -> src -0.25 clamps to pixel 0; dst 1 -> 0.25 (weights 1536/512 of 2048);
        // dst 2 -> 0.75 (512/1536); dst 3 -> 1.25, past the last pixel. 255*512/2048 = 63.75 -> 64,
        // 255*1536/2048 = 191.25 -> 191.
        assertArrayEquals(new int[]{0, 64, 191, 255}, CvResize.linear8u(new int[]{0, 255}, 1, 2, 1, 1, 4));
    }

    @Test
    void linearVerticalPassKeepsTheHigh16BitsOfEachProductInEveryColumn() {
        // 2x2 [[0, 5], [0, 10]] -> 4x4, output (1, 1): fx = fy = 0.25, weights (1536, 512).
        // Horizontal: A = 5*512 = 2560 (row 0), B = 10*512 = 5120 (row 1).
        // OpenCV: ((A>>4)*1536 >> 16) = 3, ((B>>4)*512 >> 16) = 2, (3 + 2 + 2) >> 2 = 1; the rounded
        // (A*1536 + B*512 + 2^21) >> 22 would give 2. cv2.resize gives 1, in a row of 4 values (past
        // any SIMD block) and in a row of 32 (inside one) alike.
        assertEquals(1, CvResize.linear8u(new int[]{0, 5, 0, 10}, 2, 2, 1, 4, 4)[5]);
        int[] src = new int[2 * 16];
        for (int x = 0; x < 16; x++) { src[x] = 5 * (x % 2); src[16 + x] = 10 * (x % 2); }
        assertEquals(1, CvResize.linear8u(src, 2, 16, 1, 4, 32)[32 + 1]);
    }

    @Test
    void linearKeepsConstantsAndIsSymmetricOnAGradient() {
        int h = 37, w = 53;
        int[] c = new int[h * w * 3];
        java.util.Arrays.fill(c, 200);
        for (int v : CvResize.linear8u(c, h, w, 3, 16, 24)) assertEquals(200, v);
        // A horizontal ramp stays monotone and within the source range after a non-integer downscale.
        int[] ramp = new int[h * w];
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) ramp[y * w + x] = x * 255 / (w - 1);
        int[] r = CvResize.linear8u(ramp, h, w, 1, 10, 19);
        for (int y = 0; y < 10; y++)
            for (int x = 1; x < 19; x++) assertTrue(r[y * 19 + x] >= r[y * 19 + x - 1], "monotone at " + x);
        assertTrue(r[0] < 10 && r[18] > 245, "ends near the source ends: " + r[0] + " " + r[18]);
    }

    @Test
    void exactHalvingIsTheRoundedMeanOfEach2x2Block() {
        int[] src = {0, 1, 10, 20,
                     2, 3, 30, 41,
                     255, 255, 7, 7,
                     255, 254, 7, 8};
        // (0+1+2+3+2)>>2 = 2, (10+20+30+41+2)>>2 = 25, (1019+2)>>2 = 255, (29+2)>>2 = 7
        assertArrayEquals(new int[]{2, 25, 255, 7}, CvResize.linear8u(src, 4, 4, 1, 2, 2));
    }

    @Test
    void sameSizeIsACopyAndBadInputIsRejected() {
        int[] src = {1, 2, 3, 4};
        assertArrayEquals(src, CvResize.linear8u(src, 2, 2, 1, 2, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CvResize.linear8u(new int[]{300}, 1, 1, 1, 2, 2));
        assertTrue(e.getMessage().contains("300"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CvResize.nearest(new float[5], 2, 2, 1, 2, 2));
    }
}
