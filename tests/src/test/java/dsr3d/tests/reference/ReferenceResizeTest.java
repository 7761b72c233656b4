package dsr3d.tests.reference;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dsr3d.models.data.CvResize;
import dsr3d.models.data.PilResize;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CvResize and PilResize against the libraries they reproduce: cv2.resize (INTER_NEAREST,
 * INTER_LINEAR on uint8), PIL Image.resize (NEAREST, BICUBIC) and torch's nearest interpolation,
 * on awkward sizes (up and down, non-integer ratios, 1-pixel sides), 1 and 3 channels.
 * Expected values: resize.json from tests/fixtures/make_reference_fixtures.py.
 */
class ReferenceResizeTest {
    @Test
    void resizesMatchOpenCvPilAndTorchExactly() {
        int n = 0;
        for (JsonElement e : ReferenceFixtures.load("resize.json").getAsJsonArray("cases")) {
            JsonObject c = e.getAsJsonObject();
            int h = c.get("h").getAsInt(), w = c.get("w").getAsInt(), ch = c.get("c").getAsInt(),
                    dh = c.get("dh").getAsInt(), dw = c.get("dw").getAsInt();
            int[] src = ReferenceFixtures.ints(c, "src");
            String what = h + "x" + w + "x" + ch + " -> " + dh + "x" + dw;
            assertArrayEquals(ReferenceFixtures.ints(c, "cv_nearest"), CvResize.nearest(src, h, w, ch, dh, dw), "cv2 INTER_NEAREST " + what);
            float[] srcF = new float[src.length];
            for (int i = 0; i < src.length; i++) srcF[i] = src[i];
            float[] nf = CvResize.nearest(srcF, h, w, ch, dh, dw);
            int[] expNearest = ReferenceFixtures.ints(c, "cv_nearest");
            for (int i = 0; i < nf.length; i++) assertTrue(nf[i] == expNearest[i], "cv2 INTER_NEAREST (float) " + what + " at " + i);
            assertArrayEquals(ReferenceFixtures.ints(c, "cv_linear"), CvResize.linear8u(src, h, w, ch, dh, dw), "cv2 INTER_LINEAR " + what);
            assertArrayEquals(ReferenceFixtures.ints(c, "pil_bicubic"), PilResize.bicubic8u(src, h, w, ch, dh, dw), "PIL BICUBIC " + what);
            int[] ys = PilResize.nearestIndex(h, dh), xs = PilResize.nearestIndex(w, dw);
            int[] pilNearest = new int[dh * dw * ch];
            for (int y = 0; y < dh; y++)
                for (int x = 0; x < dw; x++)
                    for (int k = 0; k < ch; k++) pilNearest[(y * dw + x) * ch + k] = src[(ys[y] * w + xs[x]) * ch + k];
            assertArrayEquals(ReferenceFixtures.ints(c, "pil_nearest"), pilNearest, "PIL NEAREST " + what);
            if (c.has("torch_nearest_rows")) {
                assertArrayEquals(ReferenceFixtures.ints(c, "torch_nearest_rows"), PilResize.torchNearestIndex(h, dh), "torch nearest rows " + what);
                assertArrayEquals(ReferenceFixtures.ints(c, "torch_nearest_cols"), PilResize.torchNearestIndex(w, dw), "torch nearest cols " + what);
            }
            n++;
        }
        assertTrue(n >= 20, "only " + n + " resize cases in the fixture");
    }
}
