package dsr3d.simulate.io;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;

import java.io.IOException;

/**
 * The project's JSON output settings on gson (its one JSON library): compact, nulls kept, no
 * HTML escaping, and non-finite floating-point numbers written as null (JSON has no NaN).
 * Maps, lists, strings, numbers and booleans serialise as themselves; records by their fields.
 */
public final class JsonText {
    private JsonText() {}

    private static final class FiniteOrNull<T extends Number> extends TypeAdapter<T> {
        @Override
        public void write(JsonWriter out, T v) throws IOException {
            if (v == null || !Double.isFinite(v.doubleValue())) out.nullValue();
            else out.value(v);
        }

        @Override
        public T read(JsonReader in) {
            throw new UnsupportedOperationException("JsonText only writes");
        }
    }

    public static final Gson GSON = new GsonBuilder()
            .serializeNulls()
            .disableHtmlEscaping()
            .registerTypeAdapter(Double.class, new FiniteOrNull<Double>())
            .registerTypeAdapter(double.class, new FiniteOrNull<Double>())
            .registerTypeAdapter(Float.class, new FiniteOrNull<Float>())
            .registerTypeAdapter(float.class, new FiniteOrNull<Float>())
            .create();

    /** {@code value} as compact JSON text. */
    public static String of(Object value) {
        return GSON.toJson(value);
    }
}
