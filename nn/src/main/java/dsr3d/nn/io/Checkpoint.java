package dsr3d.nn.io;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import dsr3d.tensor.Tensor;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;

/**
 * A checkpoint: named tensors (insertion order kept) plus string metadata, stored as one
 * safetensors file (metadata in {@code __metadata__}). Immutable; the {@code with...} methods
 * return extended copies.
 *
 * <p>Conventions for a training checkpoint that resumes exactly (all in one file, so weights,
 * optimiser and schedule can never come from different steps):
 * <ul>
 *   <li>tensors {@code model.<param>}: weights and buffers (the module's state dict);
 *   <li>tensors {@code ema.<param>}: EMA copies (e.g. VQ codebook EMA cluster sizes and sums);
 *   <li>tensors {@code optim.<param>.exp_avg} / {@code optim.<param>.exp_avg_sq}: Adam moments;
 *   <li>metadata {@code format} = {@value #FORMAT}, {@code config} = model config as JSON,
 *       {@code step} = optimiser step count, {@code scheduler} = scheduler state as JSON,
 *       {@code rng} = {@link #encodeRandom} of every generator the run draws from (JSON map).
 * </ul>
 * {@link #withPrefix} / {@link #section} put and take one of these groups.
 */
public record Checkpoint(Map<String, Tensor> tensors, Map<String, String> metadata) {
    /** Value of the {@code format} metadata key written by dsr3d trainers. */
    public static final String FORMAT = "dsr3d-checkpoint/1";
    private static final Gson GSON = new Gson();

    public Checkpoint {
        Map<String, Tensor> t = new LinkedHashMap<>();
        tensors.forEach((k, v) -> {
            if (k == null || k.isEmpty() || k.equals("__metadata__"))
                throw new IllegalArgumentException("tensor name must be non-empty and not __metadata__, got '" + k + "'");
            if (v == null) throw new IllegalArgumentException("tensor '" + k + "' is null");
            t.put(k, v);
        });
        Map<String, String> m = new LinkedHashMap<>();
        metadata.forEach((k, v) -> {
            if (k == null || v == null) throw new IllegalArgumentException("metadata keys and values must be non-null, got " + k + " = " + v);
            m.put(k, v);
        });
        tensors = Collections.unmodifiableMap(t);
        metadata = Collections.unmodifiableMap(m);
    }

    public static Checkpoint of(Map<String, Tensor> tensors) { return new Checkpoint(tensors, Map.of()); }

    /** Writes the checkpoint as safetensors, atomically (see {@link SafeTensors#write}). */
    public void save(Path file) throws IOException { SafeTensors.write(file, tensors, metadata); }

    /** Reads a safetensors checkpoint. */
    public static Checkpoint load(Path file) throws IOException { return SafeTensors.read(file); }

    /** The named tensor; error lists what exists when it is missing. */
    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) throw new NoSuchElementException("checkpoint has no tensor '" + name + "'; it has " + tensors.keySet());
        return t;
    }

    /** The tensors whose name starts with prefix, with the prefix removed (e.g. "optim."). */
    public Map<String, Tensor> section(String prefix) {
        Map<String, Tensor> r = new LinkedHashMap<>();
        tensors.forEach((k, v) -> { if (k.startsWith(prefix)) r.put(k.substring(prefix.length()), v); });
        return r;
    }

    /** A copy with each given tensor added under prefix + name (replacing equal names). */
    public Checkpoint withPrefix(String prefix, Map<String, Tensor> more) {
        Map<String, Tensor> t = new LinkedHashMap<>(tensors);
        more.forEach((k, v) -> t.put(prefix + k, v));
        return new Checkpoint(t, metadata);
    }

    public Checkpoint withMeta(String key, String value) {
        Map<String, String> m = new LinkedHashMap<>(metadata);
        m.put(key, value);
        return new Checkpoint(tensors, m);
    }

    /** A copy with value stored as JSON (records, maps, numbers; doubles round-trip exactly). */
    public Checkpoint withMetaJson(String key, Object value) { return withMeta(key, GSON.toJson(value)); }

    public String meta(String key) {
        String v = metadata.get(key);
        if (v == null) throw new NoSuchElementException("checkpoint has no metadata '" + key + "'; it has " + metadata.keySet());
        return v;
    }

    public <T> T metaJson(String key, Class<T> type) {
        String v = meta(key);
        try {
            return GSON.fromJson(v, type);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("checkpoint metadata '" + key + "' is not JSON for " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The complete state of a {@link Random} (seed and cached Gaussian) as base64 text, so a
     * resumed run draws the same numbers it would have drawn without the interruption.
     */
    public static String encodeRandom(Random rng) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(rng);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    /** Inverse of {@link #encodeRandom}. Deserialisation is filtered to exactly java.util.Random
     *  (no other class can be instantiated), so a hostile checkpoint cannot run code here. */
    public static Random decodeRandom(String state) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(state);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("RNG state is not base64: " + e.getMessage(), e);
        }
        if (bytes.length > 4096) throw new IllegalArgumentException("RNG state of " + bytes.length + " bytes is too long for a java.util.Random");
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            in.setObjectInputFilter(ObjectInputFilter.Config.createFilter("java.util.Random;maxdepth=2;maxrefs=16;maxbytes=4096;!*"));
            Object o = in.readObject();
            if (o.getClass() != Random.class) throw new IllegalArgumentException("RNG state holds a " + o.getClass().getName() + ", expected java.util.Random");
            return (Random) o;
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalArgumentException("RNG state is not a serialised java.util.Random: " + e.getMessage(), e);
        }
    }
}
