package dsr3d.tests.dada;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dsr3d.models.dada.DadaCheckpoints;
import dsr3d.models.dada.DadaConfig;
import dsr3d.models.dada.DadaModel;
import dsr3d.models.dada.Modality;
import dsr3d.models.cli.Main;
import dsr3d.nn.io.CheckpointFormatException;
import dsr3d.nn.io.SafeTensors;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import dsr3d.tests.support.Fixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dsr3d.tests.support.TensorAsserts.assertAllClose;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The paper-size models have the official state-dict keys, shapes and parameter counts (the listing
 * made from the official classes by make_dada_fixtures.py); torch.save stand-ins of the official
 * classes load strictly with an inferred configuration and reproduce the official eval forward;
 * strict-load problems are reported all at once; checkpoint convert writes our file with the config.
 */
class DadaCheckpointsTest {
    static Path resource(String name) throws Exception {
        return Path.of(DadaCheckpointsTest.class.getResource("/fixtures/dada/" + name).toURI());
    }

    @Test void paperPresetsMatchTheOfficialStateDicts() throws Exception {
        JsonObject listing = JsonParser.parseString(Files.readString(resource("paper_state_dicts.json"), StandardCharsets.UTF_8)).getAsJsonObject();
        Map<String, DadaConfig> configs = Map.of("rgbd", DadaConfig.paper(Modality.RGBD, false), "depth", DadaConfig.paper(Modality.DEPTH, false),
                "rgb", DadaConfig.paper(Modality.RGB, false), "rgbd_no_groups", DadaConfig.paper(Modality.RGBD, true));
        for (var e : configs.entrySet()) {
            JsonObject want = listing.getAsJsonObject(e.getKey());
            DadaModel m = DadaModel.create(e.getValue(), new Random(0));
            assertEquals(want.get("class").getAsString(), m.getClass().getSimpleName(), e.getKey());
            assertEquals(want.get("parameters").getAsLong(), m.parameterCount(), e.getKey() + " parameter count");
            List<String> wantKeys = new ArrayList<>(), gotKeys = new ArrayList<>();
            for (var row : want.getAsJsonArray("state_dict")) {
                JsonArray r = row.getAsJsonArray();
                wantKeys.add(r.get(0).getAsString() + " " + r.get(1));
            }
            m.stateDict().forEach((k, v) -> gotKeys.add(k + " " + java.util.Arrays.toString(v.shape()).replace(" ", "")));
            assertEquals(wantKeys, gotKeys, e.getKey() + ": keys, order and shapes");
            for (var c : want.getAsJsonObject("parameters_per_child").entrySet())
                assertEquals(c.getValue().getAsLong(), m.namedChildren().get(c.getKey()).parameterCount(), e.getKey() + " " + c.getKey());
        }
        assertEquals(6_130_500, DadaModel.create(DadaConfig.paper(Modality.RGBD, false), new Random(0)).parameterCount());
        assertEquals(9_771_265, DadaModel.create(DadaConfig.paper(Modality.DEPTH, false), new Random(0)).parameterCount());
    }

    @Test void officialStandInsLoadStrictlyAndReproduceTheOfficialForward() throws Exception {
        for (String name : List.of("DADA_RGB_D-standin", "DADA_D-standin")) {
            DadaCheckpoints.Loaded l = DadaCheckpoints.load(resource(name + ".pckl"), null, 32);
            DadaConfig c = l.model().config();
            assertEquals(16, c.numHiddens(), name);
            assertEquals(8, c.numResidualHiddens(), name);
            assertEquals(2, c.numResidualLayers(), name);
            assertEquals(16, c.embeddingDim(), name);
            assertEquals(32, c.numEmbeddings(), name);
            assertEquals(name.contains("RGB") ? 2 : 1, c.groups(), name);
            Fixture f = Fixture.load("dada/" + name + ".expected");
            DadaModel.Output out = l.model().forward(f.tensor("x", DType.F32));
            assertAllClose(name + " recon", f.tensor("recon", DType.F64), out.recon().to(DType.F64), 1e-4, 1e-5);
            assertEquals(f.array("loss_b").values()[0], out.lossB().item(), 1e-5, name + " loss_b");
        }
    }

    @Test void strictLoadListsEveryProblemAtOnce(@TempDir Path dir) throws Exception {
        DadaModel m = DadaModel.create(DadaConfig.small(Modality.RGBD, false), new Random(1));
        Map<String, Tensor> sd = new LinkedHashMap<>(m.stateDict());
        sd.remove("_decoder_b._conv_out_rgb.bias");
        sd.remove("_vq_vae_top._ema_cluster_size");
        sd.put("_extra.weight", Tensor.zeros(2));
        sd.put("upsample_t.bias", Tensor.zeros(3));
        Path file = dir.resolve("broken.safetensors");
        SafeTensors.write(file, sd, Map.of("config", m.config().toJson()));
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> DadaCheckpoints.load(file, null, 0));
        for (String s : List.of("_decoder_b._conv_out_rgb.bias", "_vq_vae_top._ema_cluster_size", "_extra.weight", "upsample_t.bias", "broken.safetensors"))
            assertTrue(e.getMessage().contains(s), "message should name " + s + ": " + e.getMessage());
    }

    @Test void convertWritesOurFileWithTheConfiguration(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("dada_d.safetensors");
        assertEquals(0, Main.execute("checkpoint", "convert", resource("DADA_D-standin.pckl").toString(), out.toString(), "--dada", "--image-size", "32"));
        DadaCheckpoints.Loaded l = DadaCheckpoints.load(out, null, 0);
        assertEquals("the file's metadata", l.configSource());
        assertEquals(Modality.DEPTH, l.model().config().modality());
        assertEquals(32, l.model().config().imageSize());
        assertEquals(DadaCheckpoints.FORMAT, SafeTensors.read(out).metadata().get("format"));
    }
}
