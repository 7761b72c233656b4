package dsr3d.tests.dada;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dsr3d.models.cli.Main;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

/** {@code ./3dsr model summary --json}: the official parameter counts, and MACs counted from the executed ops. */
class ModelSummaryCommandTest {
    static JsonObject run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        int rc;
        try {
            rc = Main.execute(args);
        } finally {
            System.setOut(old);
        }
        assertEquals(0, rc);
        return JsonParser.parseString(buf.toString(StandardCharsets.UTF_8)).getAsJsonObject();
    }

    @Test void paperCountsAndExecutedMacs() {
        JsonObject rgbd = run("model", "summary", "--preset", "paper", "--modality", "rgbd", "--image-size", "32", "--json");
        assertEquals(6_130_500, rgbd.getAsJsonObject("parameters").get("dada").getAsLong());
        assertStage2(rgbd, 36_992_068, 1_405_090);
        assertEquals(1_016_832, rgbd.getAsJsonObject("parameters").get("dada._encoder_b").getAsLong());
        JsonObject macs = rgbd.getAsJsonObject("macs");
        // VQ hi: (32/4)^2 vectors x 2048 codes x 256 dims; upsample_t: 4x4 input x 256 x (256/2) x 4 x 4
        assertEquals(64L * 2048 * 256, macs.get("dada._vq_vae_bot").getAsLong());
        assertEquals(16L * 256 * 128 * 16, macs.get("dada.upsample_t").getAsLong());
        // pre-VQ lo 1x1 grouped conv: 4x4 outputs x 256 x (256/2)
        assertEquals(16L * 256 * 128, macs.get("dada._pre_vq_conv_top").getAsLong());
        long sum = 0;
        for (String k : macs.keySet()) if (k.startsWith("dada.")) sum += macs.get(k).getAsLong();
        assertEquals(macs.get("dada").getAsLong(), sum, "children add up to the model");
        assertTrue(rgbd.get("activation_peak_bytes").getAsLong() > 0);
        JsonObject depth = run("model", "summary", "--preset", "paper", "--modality", "depth", "--image-size", "32", "--json");
        assertEquals(9_771_265, depth.getAsJsonObject("parameters").get("dada").getAsLong());
        assertStage2(depth, 36_985_921, 1_403_362);
        JsonObject dadaOnly = run("model", "summary", "--preset", "paper", "--modality", "rgbd", "--image-size", "32", "--dada-only", "--json");
        assertEquals(6_130_500, dadaOnly.getAsJsonObject("parameters").get("total").getAsLong());
        assertFalse(dadaOnly.getAsJsonObject("parameters").has("seg"));
        assertEquals(macs.get("dada").getAsLong(), dadaOnly.getAsJsonObject("macs").get("dada").getAsLong(),
                "the stage-2 pass adds nothing to the DADA's MACs");
    }

    @Test void defaultImageSizes() {
        // default: the stage-2 image size (small 96; paper 384, not run here: ~20 s); --dada-only: the DADA training size
        JsonObject small = run("model", "summary", "--preset", "small", "--modality", "depth", "--json");
        assertEquals(96, small.get("image_size").getAsInt());
        assertTrue(small.getAsJsonObject("parameters").has("seg"));
        assertEquals(64, run("model", "summary", "--preset", "small", "--modality", "depth", "--dada-only", "--json").get("image_size").getAsInt());
    }

    /** The official stage-2 counts (train_dsr.py's networks), total = the five modules, and executed MACs. */
    static void assertStage2(JsonObject o, long decode, long seg) {
        JsonObject p = o.getAsJsonObject("parameters"), macs = o.getAsJsonObject("macs");
        assertEquals(8_113_280, p.get("sr_lo").getAsLong());
        assertEquals(8_113_280, p.get("sr_hi").getAsLong());
        assertEquals(decode, p.get("decode").getAsLong());
        assertEquals(seg, p.get("seg").getAsLong());
        long sum = 0, macSum = 0;
        for (String k : new String[]{"dada", "sr_lo", "sr_hi", "decode", "seg"}) {
            sum += p.get(k).getAsLong();
            assertTrue(macs.get(k).getAsLong() > 0, k + " has executed MACs");
            macSum += macs.get(k).getAsLong();
        }
        assertEquals(sum, p.get("total").getAsLong(), "total = dada + the four stage-2 networks");
        assertEquals(macSum, macs.get("total").getAsLong());
        // the SR re-quantization searches: (32/8)^2 lo / (32/4)^2 hi vectors x 2048 codes x 256 dims on top of the U-Nets
        assertEquals(16L * 2048 * 256, macs.get("sr_lo").getAsLong() - macs.get("sr_lo.unet").getAsLong());
        assertEquals(64L * 2048 * 256, macs.get("sr_hi").getAsLong() - macs.get("sr_hi.unet").getAsLong());
        assertEquals(macs.get("dada.upsample_t").getAsLong(), macs.get("decode.upsample_t").getAsLong());
    }
}
