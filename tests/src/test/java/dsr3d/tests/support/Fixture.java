package dsr3d.tests.support;

import dsr3d.tensor.DType;
import dsr3d.tensor.Shape;
import dsr3d.tensor.Tensor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One PyTorch fixture file written by tests/fixtures/make_fixtures.py: named float64 arrays with
 * their shapes. Format (little-endian): "DSRF", int32 version 1, int32 count, then per record
 * int32 name length, UTF-8 name, int32 rank, int32 dims, float64 values.
 */
public final class Fixture {
    public record Array(int[] shape, double[] values) {}

    private final String name;
    private final Map<String, Array> arrays;

    private Fixture(String name, Map<String, Array> arrays) {
        this.name = name;
        this.arrays = arrays;
    }

    /** Reads classpath resource /fixtures/{name}.bin. */
    public static Fixture load(String name) {
        String path = "/fixtures/" + name + ".bin";
        try (InputStream in = Fixture.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("fixture " + path + " not on the test classpath (run tests/fixtures/make_fixtures.py)");
            ByteBuffer buf = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            byte[] magic = new byte[4];
            buf.get(magic);
            if (!"DSRF".equals(new String(magic, StandardCharsets.US_ASCII)))
                throw new IllegalStateException(path + ": not a DSRF fixture file");
            int version = buf.getInt(), count = buf.getInt();
            if (version != 1) throw new IllegalStateException(path + ": fixture version " + version + ", expected 1");
            Map<String, Array> arrays = new LinkedHashMap<>();
            for (int r = 0; r < count; r++) {
                byte[] key = new byte[buf.getInt()];
                buf.get(key);
                int[] shape = new int[buf.getInt()];
                for (int d = 0; d < shape.length; d++) shape[d] = buf.getInt();
                double[] v = new double[Shape.numel(shape)];
                for (int i = 0; i < v.length; i++) v[i] = buf.getDouble();
                arrays.put(new String(key, StandardCharsets.UTF_8), new Array(shape, v));
            }
            if (buf.hasRemaining()) throw new IllegalStateException(path + ": " + buf.remaining() + " trailing bytes");
            return new Fixture(name, arrays);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String name() { return name; }

    public Array array(String key) {
        Array a = arrays.get(key);
        if (a == null) throw new IllegalArgumentException("fixture " + name + " has no array '" + key + "'; it has " + arrays.keySet());
        return a;
    }

    public boolean has(String key) { return arrays.containsKey(key); }

    public Tensor tensor(String key, DType dtype) {
        Array a = array(key);
        Tensor t = Tensor.of(a.values(), a.shape());
        return dtype == DType.F64 ? t : t.to(dtype);
    }

    /** An integer parameter (stride, padding, ...) stored in the "params" array. */
    public int param(int i) { return (int) array("params").values()[i]; }

    public double paramDouble(int i) { return array("params").values()[i]; }
}
