package dsr3d.tests.nn.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dsr3d.tensor.Tensor;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checkpoint fixtures of tests/fixtures/make_ckpt_fixtures.py (classpath /fixtures/ckpt/) and
 * their expectations, which torch wrote from the tensors it holds: each {name, dtype, shape,
 * values} with values flattened row-major.
 */
final class CkptFixtures {
    private CkptFixtures() {}

    record Expected(String name, String dtype, int[] shape, double[] values) {}

    static Path file(String name) {
        URL url = CkptFixtures.class.getResource("/fixtures/ckpt/" + name);
        assertNotNull(url, "fixture /fixtures/ckpt/" + name + " missing (run tests/fixtures/make_ckpt_fixtures.py)");
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A zip laid out like torch.save: archive/data.pkl (the given pickle) and archive/data/KEY records. */
    static Path torchZip(Path dir, String name, byte[] pickle, Map<String, byte[]> storages) throws IOException {
        Path f = dir.resolve(name);
        try (var os = Files.newOutputStream(f); var z = new java.util.zip.ZipOutputStream(os)) {
            z.putNextEntry(new java.util.zip.ZipEntry("archive/data.pkl"));
            z.write(pickle);
            z.closeEntry();
            for (var e : storages.entrySet()) {
                z.putNextEntry(new java.util.zip.ZipEntry("archive/data/" + e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return f;
    }

    static JsonObject json(String name) throws IOException {
        return JsonParser.parseString(Files.readString(file(name))).getAsJsonObject();
    }

    static List<Expected> tensors(String expectedJson) throws IOException {
        List<Expected> r = new ArrayList<>();
        for (JsonElement e : json(expectedJson).getAsJsonArray("tensors")) {
            JsonObject o = e.getAsJsonObject();
            JsonArray s = o.getAsJsonArray("shape"), v = o.getAsJsonArray("values");
            int[] shape = new int[s.size()];
            for (int i = 0; i < shape.length; i++) shape[i] = s.get(i).getAsInt();
            double[] values = new double[v.size()];
            for (int i = 0; i < values.length; i++) values[i] = v.get(i).getAsDouble();
            r.add(new Expected(o.get("name").getAsString(), o.get("dtype").getAsString(), shape, values));
        }
        return r;
    }

    /** torch dtype name (or safetensors name) -> the dsr3d dtype the readers load it as. */
    static String loadedAs(String dtype) {
        return switch (dtype) {
            case "float32", "float16", "bfloat16", "F32" -> "F32";
            case "float64", "F64" -> "F64";
            case "int32", "int64", "I32" -> "I32";
            default -> throw new IllegalArgumentException(dtype);
        };
    }

    /** Every expected tensor is present, in order, with the loaded dtype, shape and exact values. */
    static void assertMatches(List<Expected> expected, Map<String, Tensor> actual) {
        assertEquals(expected.stream().map(Expected::name).toList(), new ArrayList<>(actual.keySet()), "tensor names and order");
        for (Expected x : expected) {
            Tensor t = actual.get(x.name());
            assertEquals(loadedAs(x.dtype()), t.dtype().name(), x.name() + " dtype");
            assertArrayEquals(x.shape(), t.shape(), x.name() + " shape");
            double[] got = t.toDoubleArray();
            // float32 and int values are exact in double: no tolerance needed
            assertTrue(Arrays.equals(x.values(), got), x.name() + ": expected " + Arrays.toString(x.values()) + " got " + Arrays.toString(got));
        }
    }
}
