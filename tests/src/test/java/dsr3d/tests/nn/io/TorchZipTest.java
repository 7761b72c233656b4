package dsr3d.tests.nn.io;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dsr3d.nn.io.CheckpointFiles;
import dsr3d.nn.io.CheckpointFormatException;
import dsr3d.nn.io.TorchStateDict;
import dsr3d.nn.io.TorchZip;
import dsr3d.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The PyTorch zip reader on files torch 1.13 wrote, and on broken ones. */
class TorchZipTest {

    @Test
    void readsAStateDictWithViewsSharedStoragesAndDtypesAsTorchHoldsIt() throws IOException {
        TorchStateDict sd = TorchZip.read(CkptFixtures.file("state_dict.pt"));
        List<CkptFixtures.Expected> expected = CkptFixtures.tensors("state_dict.expected.json");
        CkptFixtures.assertMatches(expected, sd.tensors());
        assertTrue(sd.values().isEmpty(), "a plain state dict has no non-tensor values: " + sd.values());

        // the fixture really exercises views: a transpose differs from its storage order, a
        // shared slice equals part of its sibling, the expanded tensor repeats along stride 0
        Map<String, Tensor> t = sd.tensors();
        assertEquals(List.of(5, 3), Arrays.stream(t.get("transposed").shape()).boxed().toList());
        double[] shared = t.get("shared_a").toDoubleArray();
        assertTrue(Arrays.equals(Arrays.copyOfRange(shared, 3, 7), t.get("shared_b").toDoubleArray()));
        assertTrue(Arrays.equals(shared, t.get("shared_c").toDoubleArray()));
        assertNotEquals(0.0, shared[0]);
        double[] ex = t.get("expanded").toDoubleArray();
        assertEquals(ex[0], ex[3]);
        assertNotEquals(ex[0], ex[4]);
        assertEquals(Integer.MIN_VALUE, t.get("i32").get(1, 0));
        assertEquals(7, t.get("_encoder_b._bn.num_batches_tracked").item());
    }

    @Test
    void flattensANestedTrainingCheckpointAndKeepsItsPlainValues() throws IOException {
        TorchStateDict sd = TorchZip.read(CkptFixtures.file("nested.pt"));
        CkptFixtures.assertMatches(CkptFixtures.tensors("nested.expected.json"), sd.tensors());
        assertEquals(List.of("weight", "bias"), List.copyOf(sd.section("model.").keySet()));

        JsonObject expectedValues = CkptFixtures.json("nested.expected.json").getAsJsonObject("values");
        assertEquals(expectedValues.keySet(), sd.values().keySet());
        for (Map.Entry<String, JsonElement> e : expectedValues.entrySet()) {
            Object got = sd.values().get(e.getKey());
            JsonElement want = e.getValue();
            if (want.isJsonNull()) assertNull(got, e.getKey());
            else if (want.getAsJsonPrimitive().isBoolean()) assertEquals(want.getAsBoolean(), got, e.getKey());
            else if (want.getAsJsonPrimitive().isString()) assertEquals(want.getAsString(), got, e.getKey());
            else if (got instanceof Long l) assertEquals(new BigDecimal(want.getAsString()).longValueExact(), l, e.getKey());
            else assertEquals(want.getAsDouble(), (Double) got, 0.0, e.getKey());
        }
        assertEquals(3L, sd.values().get("epoch"));
        assertEquals(0.9, sd.values().get("optimizer.param_groups.0.betas.0"));
    }

    @Test
    void honoursABigEndianByteorderRecord() throws IOException {
        CkptFixtures.assertMatches(CkptFixtures.tensors("bigendian.expected.json"), TorchZip.read(CkptFixtures.file("bigendian.pt")).tensors());
    }

    @Test
    void detectsFormatsByContent() throws IOException {
        assertEquals(CheckpointFiles.Format.TORCH_ZIP, CheckpointFiles.detect(CkptFixtures.file("state_dict.pt")));
        assertEquals(CheckpointFiles.Format.SAFETENSORS, CheckpointFiles.detect(CkptFixtures.file("handmade.safetensors")));
    }

    @Test
    void refusesTheLegacyFormatWithAdvice() {
        var e = assertThrows(CheckpointFormatException.class, () -> CheckpointFiles.read(CkptFixtures.file("legacy.pt")));
        assertTrue(e.getMessage().contains("legacy.pt"), e.getMessage());
        assertTrue(e.getMessage().contains("legacy torch.save format (PyTorch < 1.6) is not supported; re-save with torch.save(..., _use_new_zipfile_serialization=True)"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "truncated.pt         | not a readable zip archive",
            "wrong_magic.pt       | neither safetensors nor a PyTorch zip checkpoint",
            "no_data_pkl.pt       | has no <archive>/data.pkl",
            "short_storage.pt     | holds 12 bytes but its storage declares 6 FloatStorage elements (24 bytes)",
            "view_past_storage.pt | reaches element 8 of storage 0 which has 4",
            "absurd_shape.pt      | shape [2147483648, 2147483648]",
            "absurd_storage.pt    | exceeds the 2 GiB",
            "lying_storage.pt     | holds 16 bytes but its storage declares 500000000",
            "int64_overflow.pt    | int64 value 1099511627776 at flat index 1 does not fit in I32",
    })
    void brokenFilesFailWithAMessageNamingFileAndProblem(String name, String problem) {
        var e = assertThrows(CheckpointFormatException.class, () -> CheckpointFiles.read(CkptFixtures.file(name)));
        assertTrue(e.getMessage().contains(name), e.getMessage());
        assertTrue(e.getMessage().contains(problem), "expected '" + problem + "' in: " + e.getMessage());
    }

    @Test
    void tensorErrorsNameTheTensor() {
        var e = assertThrows(CheckpointFormatException.class, () -> TorchZip.read(CkptFixtures.file("int64_overflow.pt")));
        assertTrue(e.getMessage().contains("tensor 'big'"), e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }
}
