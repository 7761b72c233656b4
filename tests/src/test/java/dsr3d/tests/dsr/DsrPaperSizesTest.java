package dsr3d.tests.dsr;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dsr3d.models.dada.DadaConfig;
import dsr3d.models.dada.DadaModel;
import dsr3d.models.dsr.DsrModel;
import dsr3d.nn.Module;
import dsr3d.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * DSR's paper sizes: parameter counts and state-dict keys (in order, with shapes) equal the
 * official classes' at train_dsr.py's arguments (fixtures/dsr/paper_state_dicts.json, listed by
 * make_dsr_fixtures.py from the official discrete_model.py / dsr_model.py).
 */
class DsrPaperSizesTest {
    static JsonObject listing() throws Exception {
        try (Reader r = new InputStreamReader(DsrPaperSizesTest.class.getResourceAsStream("/fixtures/dsr/paper_state_dicts.json"), StandardCharsets.UTF_8)) {
            return JsonParser.parseReader(r).getAsJsonObject();
        }
    }

    private static void check(JsonObject all, String name, Module m) {
        JsonObject o = all.getAsJsonObject(name);
        assertEquals(o.get("count").getAsLong(), m.parameterCount(), name + " parameter count");
        List<String> expected = new ArrayList<>(), actual = new ArrayList<>();
        for (JsonElement e : o.getAsJsonArray("keys")) {
            JsonArray kv = e.getAsJsonArray();
            int[] shape = new int[kv.get(1).getAsJsonArray().size()];
            for (int i = 0; i < shape.length; i++) shape[i] = kv.get(1).getAsJsonArray().get(i).getAsInt();
            expected.add(kv.get(0).getAsString() + " " + Arrays.toString(shape));
        }
        for (Map.Entry<String, Tensor> e : m.stateDict().entrySet()) actual.add(e.getKey() + " " + Arrays.toString(e.getValue().shape()));
        assertEquals(expected, actual, name + " state-dict keys and shapes");
    }

    @Test void paperSizesMatchTheOfficialClasses() throws Exception {
        JsonObject all = listing();
        DadaModel vq = DadaModel.create(DadaConfig.dsr(), new Random(1));
        assertEquals("DiscreteLatentModel", DadaConfig.dsr().officialClass());
        check(all, "vq", vq);
        DsrModel m = DsrModel.create(DsrModel.Config.paper(), null, new Random(2));
        check(all, "sr", m.part("subspace_restriction_hi"));
        check(all, "sr", m.part("subspace_restriction_lo"));
        check(all, "decoder", m.part("image_recon_module"));
        check(all, "seg", m.part("anomaly_det_module"));
        check(all, "upsample", m.part("upsample_module"));
        long total = 0;
        for (String p : List.of("sr", "sr", "decoder", "seg", "upsample")) total += all.getAsJsonObject(p).get("count").getAsLong();
        assertEquals(total, m.parameterCount(), "the five trained networks together");
    }

    /** {@code ./3dsr model summary --method dsr --json} reports the official counts (a small image: counts do not depend on it). */
    @Test void modelSummaryReportsTheOfficialCounts() throws Exception {
        JsonObject all = listing();
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.out;
        int status;
        try {
            System.setOut(new java.io.PrintStream(buf, true, StandardCharsets.UTF_8));
            status = dsr3d.models.cli.Main.execute("model", "summary", "--method", "dsr", "--image-size", "64", "--json");
        } finally {
            System.setOut(old);
        }
        assertEquals(0, status);
        JsonObject p = JsonParser.parseString(buf.toString(StandardCharsets.UTF_8)).getAsJsonObject().getAsJsonObject("parameters");
        assertEquals(all.getAsJsonObject("vq").get("count").getAsLong(), p.get("vq").getAsLong());
        assertEquals(all.getAsJsonObject("sr").get("count").getAsLong(), p.get("sr_hi").getAsLong());
        assertEquals(all.getAsJsonObject("decoder").get("count").getAsLong(), p.get("decode").getAsLong());
        assertEquals(all.getAsJsonObject("seg").get("count").getAsLong(), p.get("seg").getAsLong());
        assertEquals(all.getAsJsonObject("upsample").get("count").getAsLong(), p.get("upsample").getAsLong());
        assertEquals(2, dsr3d.models.cli.Main.execute("model", "summary", "--method", "dsr", "--modality", "depth"));
    }

    /** Our file's config round-trips through JSON (the DSR VQ flag included). */
    @Test void configJsonRoundTrip() {
        for (DsrModel.Config c : List.of(DsrModel.Config.paper(), DsrModel.Config.small())) {
            DsrModel.Config back = DsrModel.Config.fromJson(c.toJson());
            assertEquals(c, back);
            assertEquals(true, back.vq().inplaceRelu());
        }
        assertEquals(false, DadaConfig.fromJson(DadaConfig.paper(dsr3d.models.dada.Modality.RGBD, false).toJson()).inplaceRelu());
    }
}
