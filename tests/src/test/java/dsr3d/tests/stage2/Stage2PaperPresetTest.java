package dsr3d.tests.stage2;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dsr3d.models.stage2.AnomalyDetectionModule;
import dsr3d.models.stage2.ImageReconstructionNetwork;
import dsr3d.models.stage2.Stage2Sizes;
import dsr3d.models.stage2.Stage2Step;
import dsr3d.models.stage2.SubspaceRestrictionModule;
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
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Paper-preset parameter counts and state-dict keys (in order, with shapes) equal the official
 * classes' (fixtures/stage2/paper_state_dicts.json, listed by make_stage2_fixtures.py):
 * SR 8,113,280; decoder 36,992,068 (RGB+D) / 36,985,921 (depth); U-Net 1,405,090 / 1,403,362.
 */
class Stage2PaperPresetTest {
    static JsonObject listing() throws Exception {
        try (Reader r = new InputStreamReader(Stage2PaperPresetTest.class.getResourceAsStream("/fixtures/stage2/paper_state_dicts.json"), StandardCharsets.UTF_8)) {
            return JsonParser.parseReader(r).getAsJsonObject();
        }
    }

    private static void check(JsonObject all, String name, long expectedCount, Supplier<Module> make) {
        JsonObject o = all.getAsJsonObject(name);
        assertEquals(expectedCount, o.get("count").getAsLong(), name + ": the listing itself");
        Module m = make.get();
        assertEquals(expectedCount, m.parameterCount(), name + " parameter count");
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

    @Test void paperPresetsMatchTheOfficialClasses() throws Exception {
        JsonObject all = listing();
        check(all, "sr", 8_113_280L, () -> new SubspaceRestrictionModule(256, new Random(1)));
        check(all, "unet_rgbd", 1_405_090L, () -> new AnomalyDetectionModule(8, 32, new Random(2)));
        check(all, "unet_depth", 1_403_362L, () -> new AnomalyDetectionModule(2, 32, new Random(3)));
        check(all, "decoder_rgbd", 36_992_068L, () -> new ImageReconstructionNetwork(512, 256, 2, 128, 4, new Random(4)));
        check(all, "decoder_depth", 36_985_921L, () -> new ImageReconstructionNetwork(512, 256, 2, 128, 1, new Random(5)));
    }

    /** The preset record builds the same four nets; the trained total per class is 54,623,718 (spec §4.1). */
    @Test void paperSizesRecord() {
        Stage2Step.Nets n = Stage2Sizes.paper(4).create(new Random(6));
        long total = n.srLo().parameterCount() + n.srHi().parameterCount() + n.decode().parameterCount() + n.seg().parameterCount();
        assertEquals(54_623_718L, total);
        assertEquals(1_405_090L, n.seg().parameterCount());
        assertEquals(n.parameters().size(), n.srLo().parameters().size() * 2 + n.decode().parameters().size() + n.seg().parameters().size());
    }
}
