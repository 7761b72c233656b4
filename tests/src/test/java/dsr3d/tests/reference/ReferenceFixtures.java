package dsr3d.tests.reference;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The JSON fixtures of tests/fixtures/make_reference_fixtures.py (OpenCV, PIL, torch, scikit-learn, official AU-PRO). */
final class ReferenceFixtures {
    private ReferenceFixtures() {}

    static JsonObject load(String name) {
        String res = "/fixtures/reference/" + name;
        try (InputStream in = ReferenceFixtures.class.getResourceAsStream(res)) {
            assertNotNull(in, res + " missing: run /usr/bin/python3 tests/fixtures/make_reference_fixtures.py");
            return JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int[] ints(JsonObject o, String key) {
        JsonArray a = o.getAsJsonArray(key);
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).getAsInt();
        return r;
    }

    static double[] doubles(JsonObject o, String key) {
        JsonArray a = o.getAsJsonArray(key);
        double[] r = new double[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).getAsDouble();
        return r;
    }
}
