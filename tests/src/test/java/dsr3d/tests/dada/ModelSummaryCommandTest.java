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
        assertEquals(6_130_500, rgbd.getAsJsonObject("parameters").get("total").getAsLong());
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
        assertEquals(9_771_265, depth.getAsJsonObject("parameters").get("total").getAsLong());
    }
}
