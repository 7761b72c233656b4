package dsr3d.nn.io;

import dsr3d.tensor.io.AtomicFiles;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dsr3d.tensor.DType;
import dsr3d.tensor.Shape;
import dsr3d.tensor.Tensor;

import java.io.EOFException;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian
 * header length N, N bytes of UTF-8 JSON
 * {@code {"__metadata__": {str: str}, name: {"dtype": "F32", "shape": [..], "data_offsets": [b, e]}}},
 * then the raw little-endian tensor bytes, offsets relative to the end of the header.
 *
 * <p>Order: names are kept in insertion order, not sorted. The writer lists them in the header and
 * lays out their data in the map's iteration order; the reader returns them in header order. Both
 * are valid safetensors (the format leaves the order to the writer). The header is padded with
 * spaces so the data starts 8-byte aligned, as the reference implementation does.
 *
 * <p>Reading validates everything before allocating tensor memory: header length against the file
 * size (and a 100 MB cap), strict JSON, known dtypes, non-negative shapes with fewer than 2^31
 * elements, byte sizes equal to numel x dtype size, offsets inside the data, no overlap and no
 * holes (as the reference reader requires). Data is read in 1 MiB chunks from the file channel, so a
 * file larger than memory fails on allocation of a legitimately huge tensor, never on a lying
 * header. Dtypes: F32, F64, I32 map to themselves; I64 is narrowed to I32 (error naming the
 * tensor on overflow); F16 and BF16 widen to F32. Others (bool, u8, ...) are refused.
 *
 * <p>Writing (F32, F64, I32) goes through {@link AtomicFiles}: temp file in the same folder,
 * fsync, atomic rename. The tensor map is iterated twice (header, then data) without copying the
 * data up front, so a failure while producing data leaves the previous file untouched.
 */
public final class SafeTensors {
    private SafeTensors() {}

    /** Upper bound on the JSON header, as in the reference implementation. */
    static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    private static final int CHUNK = 1 << 20;
    private static final String METADATA = "__metadata__";

    /** The on-disk element types this reader understands. */
    private enum FileDType {
        F32(4, DType.F32), F64(8, DType.F64), I32(4, DType.I32), I64(8, DType.I32), F16(2, DType.F32), BF16(2, DType.F32);

        final int bytes;
        final DType target;

        FileDType(int bytes, DType target) { this.bytes = bytes; this.target = target; }

        static FileDType of(DType d) {
            return switch (d) { case F32 -> F32; case F64 -> F64; case I32 -> I32; };
        }
    }

    /** One header entry after validation. */
    private record Entry(String name, FileDType dtype, int[] shape, long begin, long end) {}

    // ================================ reading ===================================================

    /** Reads every tensor and the metadata of a safetensors file. */
    public static Checkpoint read(Path file) throws IOException {
        try (FileChannel ch = open(file)) {
            return read(ch, file);
        }
    }

    /**
     * Reads a safetensors file from {@code ch} (left open), naming {@code file} in errors: what
     * {@link #read(Path)} does on its file channel. Lets the reader run over bytes in memory (the
     * fuzz test) with the same code.
     */
    public static Checkpoint read(SeekableByteChannel ch, Path file) throws IOException {
        long size = ch.size();
        if (size < 8) throw new CheckpointFormatException(file, "file of " + size + " bytes is too short for a safetensors header (8-byte length + JSON)");
        ByteBuffer lenBuf = readFully(ch, 0, 8, file);
        long headerLen = lenBuf.order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        if (headerLen < 2 || headerLen > size - 8)
            throw new CheckpointFormatException(file, "safetensors header length " + Long.toUnsignedString(headerLen)
                    + " does not fit in a file of " + size + " bytes (not a safetensors file, or truncated)");
        if (headerLen > MAX_HEADER_BYTES)
            throw new CheckpointFormatException(file, "safetensors header of " + headerLen + " bytes exceeds the " + MAX_HEADER_BYTES + "-byte limit");
        ByteBuffer headerBytes = readFully(ch, 8, (int) headerLen, file);
        long dataStart = 8 + headerLen, dataLen = size - dataStart;

        JsonObject header = parseHeader(file, headerBytes);
        Map<String, String> metadata = readMetadata(file, header);
        List<Entry> entries = readEntries(file, header, dataLen);

        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Entry e : entries) tensors.put(e.name, readTensor(ch, file, dataStart, e));
        return new Checkpoint(tensors, metadata);
    }

    private static FileChannel open(Path file) throws IOException {
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such file");
        }
    }

    private static JsonObject parseHeader(Path file, ByteBuffer bytes) throws CheckpointFormatException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointFormatException(file, "safetensors header is not valid UTF-8");
        }
        if (!text.startsWith("{")) throw new CheckpointFormatException(file, "safetensors header does not start with '{' (not a safetensors file)");
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setStrictness(Strictness.STRICT);
            JsonElement root = readJson(reader, file, 0);
            if (reader.peek() != JsonToken.END_DOCUMENT) throw new CheckpointFormatException(file, "trailing bytes after the safetensors JSON header");
            if (!root.isJsonObject()) throw new CheckpointFormatException(file, "safetensors header is not a JSON object");
            return root.getAsJsonObject();
        } catch (IOException | JsonParseException | IllegalStateException e) {
            if (e instanceof CheckpointFormatException c) throw c;
            throw new CheckpointFormatException(file, "safetensors header is not valid JSON: " + e.getMessage());
        }
    }

    /** Like Gson's JsonElement adapter, but refuses duplicate keys (two entries for one tensor
     *  name would otherwise silently keep the last) and nesting deeper than 16. */
    private static JsonElement readJson(JsonReader r, Path file, int depth) throws IOException {
        if (depth > 16) throw new CheckpointFormatException(file, "safetensors header nests deeper than 16 levels");
        switch (r.peek()) {
            case BEGIN_OBJECT -> {
                JsonObject o = new JsonObject();
                r.beginObject();
                while (r.hasNext()) {
                    String key = r.nextName();
                    if (o.has(key)) throw new CheckpointFormatException(file, "safetensors header names '" + key + "' twice");
                    o.add(key, readJson(r, file, depth + 1));
                }
                r.endObject();
                return o;
            }
            case BEGIN_ARRAY -> {
                JsonArray a = new JsonArray();
                r.beginArray();
                while (r.hasNext()) a.add(readJson(r, file, depth + 1));
                r.endArray();
                return a;
            }
            case STRING -> { return new JsonPrimitive(r.nextString()); }
            case NUMBER -> { return new JsonPrimitive(new BigDecimal(r.nextString())); }
            case BOOLEAN -> { return new JsonPrimitive(r.nextBoolean()); }
            case NULL -> { r.nextNull(); return com.google.gson.JsonNull.INSTANCE; }
            default -> throw new CheckpointFormatException(file, "safetensors header: unexpected JSON token " + r.peek());
        }
    }

    private static Map<String, String> readMetadata(Path file, JsonObject header) throws CheckpointFormatException {
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonElement m = header.get(METADATA);
        if (m == null || m.isJsonNull()) return metadata;
        if (!m.isJsonObject()) throw new CheckpointFormatException(file, "__metadata__ must be an object of string values");
        for (Map.Entry<String, JsonElement> kv : m.getAsJsonObject().entrySet()) {
            JsonElement v = kv.getValue();
            if (!(v.isJsonPrimitive() && v.getAsJsonPrimitive().isString()))
                throw new CheckpointFormatException(file, "__metadata__ value of '" + kv.getKey() + "' is not a string: " + v);
            metadata.put(kv.getKey(), v.getAsString());
        }
        return metadata;
    }

    private static List<Entry> readEntries(Path file, JsonObject header, long dataLen) throws CheckpointFormatException {
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, JsonElement> kv : header.entrySet()) {
            String name = kv.getKey();
            if (name.equals(METADATA)) continue;
            if (name.isEmpty()) throw new CheckpointFormatException(file, "header has a tensor with an empty name");
            if (!kv.getValue().isJsonObject()) throw new CheckpointFormatException(file, "tensor '" + name + "': header entry is not an object");
            JsonObject o = kv.getValue().getAsJsonObject();
            String where = "tensor '" + name + "'";

            JsonElement dt = o.get("dtype");
            if (dt == null || !dt.isJsonPrimitive() || !dt.getAsJsonPrimitive().isString())
                throw new CheckpointFormatException(file, where + ": missing string field \"dtype\"");
            FileDType dtype;
            try {
                dtype = FileDType.valueOf(dt.getAsString());
            } catch (IllegalArgumentException e) {
                throw new CheckpointFormatException(file, where + ": unsupported dtype " + dt.getAsString() + " (supported: F32, F64, I32, I64, F16, BF16)");
            }

            long[] dims = longArray(file, where, "shape", o.get("shape"), -1);
            int[] shape = new int[dims.length];
            long numel = 1;
            for (int i = 0; i < dims.length; i++) {
                if (dims[i] > Integer.MAX_VALUE) throw new CheckpointFormatException(file, where + ": dimension " + dims[i] + " in shape " + Arrays.toString(dims) + " exceeds 2^31-1");
                shape[i] = (int) dims[i];
                numel = numel * dims[i];
                if (numel > Integer.MAX_VALUE)
                    throw new CheckpointFormatException(file, where + ": shape " + Arrays.toString(dims) + " has more than 2^31-1 elements");
            }
            long[] off = longArray(file, where, "data_offsets", o.get("data_offsets"), 2);
            long begin = off[0], end = off[1];
            if (begin > end || end > dataLen)
                throw new CheckpointFormatException(file, where + ": data_offsets [" + begin + ", " + end + "] outside the " + dataLen + "-byte data section");
            if (end - begin != numel * dtype.bytes)
                throw new CheckpointFormatException(file, where + ": data_offsets span " + (end - begin) + " bytes but shape "
                        + Arrays.toString(dims) + " of " + dtype + " needs " + numel * dtype.bytes);
            entries.add(new Entry(name, dtype, shape, begin, end));
        }
        // The data must be exactly covered: no overlap (aliasing) and no holes (polyglot files).
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        String previous = null;
        for (Entry e : byOffset) {
            if (e.begin < expected)
                throw new CheckpointFormatException(file, "tensor '" + e.name + "' overlaps tensor '" + previous + "' (bytes " + e.begin + ".." + expected + ")");
            if (e.begin > expected)
                throw new CheckpointFormatException(file, "hole in the data section before tensor '" + e.name + "' (bytes " + expected + ".." + e.begin + " belong to no tensor)");
            expected = e.end;
            previous = e.name;
        }
        if (expected != dataLen)
            throw new CheckpointFormatException(file, "data section has " + dataLen + " bytes but the tensors cover only " + expected);
        return entries;
    }

    /** A JSON array of non-negative integers, exact (no 1.5, no 1e30 silently truncated). */
    private static long[] longArray(Path file, String where, String field, JsonElement e, int requiredLength) throws CheckpointFormatException {
        if (e == null || !e.isJsonArray()) throw new CheckpointFormatException(file, where + ": missing array field \"" + field + "\"");
        JsonArray a = e.getAsJsonArray();
        if (requiredLength >= 0 && a.size() != requiredLength)
            throw new CheckpointFormatException(file, where + ": \"" + field + "\" must have " + requiredLength + " entries, has " + a.size());
        if (a.size() > 64) throw new CheckpointFormatException(file, where + ": \"" + field + "\" has " + a.size() + " entries (rank above 64 is absurd)");
        long[] r = new long[a.size()];
        for (int i = 0; i < r.length; i++) {
            JsonElement x = a.get(i);
            if (!(x.isJsonPrimitive() && ((JsonPrimitive) x).isNumber()))
                throw new CheckpointFormatException(file, where + ": \"" + field + "\" entry " + x + " is not a number");
            try {
                BigDecimal d = x.getAsBigDecimal();
                r[i] = d.longValueExact();
            } catch (ArithmeticException | NumberFormatException ex) {
                throw new CheckpointFormatException(file, where + ": \"" + field + "\" entry " + x + " is not an integer below 2^63");
            }
            if (r[i] < 0) throw new CheckpointFormatException(file, where + ": \"" + field + "\" entry " + r[i] + " is negative");
        }
        return r;
    }

    private static Tensor readTensor(SeekableByteChannel ch, Path file, long dataStart, Entry e) throws IOException {
        int n = Shape.numel(e.shape);
        long pos = dataStart + e.begin;
        switch (e.dtype) {
            case F32 -> {
                float[] v = new float[n];
                forChunks(ch, file, pos, n, 4, (b, from, count) -> b.asFloatBuffer().get(v, from, count));
                return Tensor.of(v, e.shape);
            }
            case F64 -> {
                double[] v = new double[n];
                forChunks(ch, file, pos, n, 8, (b, from, count) -> b.asDoubleBuffer().get(v, from, count));
                return Tensor.of(v, e.shape);
            }
            case I32 -> {
                int[] v = new int[n];
                forChunks(ch, file, pos, n, 4, (b, from, count) -> b.asIntBuffer().get(v, from, count));
                return Tensor.ofInts(v, e.shape);
            }
            case I64 -> {
                int[] v = new int[n];
                long[] bad = {0};
                int[] badAt = {-1};
                forChunks(ch, file, pos, n, 8, (b, from, count) -> {
                    for (int i = 0; i < count; i++) {
                        long x = b.getLong(i * 8);
                        if (x != (int) x && badAt[0] < 0) { badAt[0] = from + i; bad[0] = x; }
                        v[from + i] = (int) x;
                    }
                });
                if (badAt[0] >= 0)
                    throw new CheckpointFormatException(file, "tensor '" + e.name + "': I64 value " + bad[0] + " at flat index " + badAt[0] + " does not fit in I32");
                return Tensor.ofInts(v, e.shape);
            }
            case F16, BF16 -> {
                float[] v = new float[n];
                boolean bf = e.dtype == FileDType.BF16;
                forChunks(ch, file, pos, n, 2, (b, from, count) -> {
                    for (int i = 0; i < count; i++) {
                        short h = b.getShort(i * 2);
                        v[from + i] = bf ? Float.intBitsToFloat((h & 0xffff) << 16) : Float.float16ToFloat(h);
                    }
                });
                return Tensor.of(v, e.shape);
            }
        }
        throw new AssertionError(e.dtype);
    }

    @FunctionalInterface
    private interface ChunkSink {
        /** b holds count little-endian elements, starting at element index from. */
        void accept(ByteBuffer b, int from, int count);
    }

    private static void forChunks(SeekableByteChannel ch, Path file, long pos, int n, int elemBytes, ChunkSink sink) throws IOException {
        int perChunk = CHUNK / elemBytes;
        ByteBuffer buf = ByteBuffer.allocate(perChunk * elemBytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int from = 0; from < n; from += perChunk) {
            int count = Math.min(perChunk, n - from);
            buf.clear().limit(count * elemBytes);
            readInto(ch, pos + (long) from * elemBytes, buf, file);
            buf.flip();
            sink.accept(buf.slice().order(ByteOrder.LITTLE_ENDIAN), from, count);
        }
    }

    private static ByteBuffer readFully(SeekableByteChannel ch, long pos, int len, Path file) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len);
        readInto(ch, pos, b, file);
        return b.flip();
    }

    private static void readInto(SeekableByteChannel ch, long pos, ByteBuffer b, Path file) throws IOException {
        while (b.hasRemaining()) {
            int r = ch.position(pos).read(b);
            if (r < 0) throw new EOFException(file + ": unexpected end of file at byte " + pos);
            pos += r;
        }
    }

    // ================================ writing ===================================================

    /** Writes tensors (F32, F64 or I32, any layout) and string metadata, atomically. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        JsonObject header = new JsonObject();
        if (!metadata.isEmpty()) {
            JsonObject m = new JsonObject();
            metadata.forEach((k, v) -> {
                if (k == null || v == null) throw new IllegalArgumentException("metadata keys and values must be non-null, got " + k + " = " + v);
                m.addProperty(k, v);
            });
            header.add(METADATA, m);
        }
        long offset = 0;
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, Tensor> kv : tensors.entrySet()) {
            String name = kv.getKey();
            Tensor t = kv.getValue();
            if (name == null || name.isEmpty() || name.equals(METADATA))
                throw new IllegalArgumentException("tensor name must be non-empty and not __metadata__, got '" + name + "'");
            if (t == null) throw new IllegalArgumentException("tensor '" + name + "' is null");
            long bytes = (long) t.numel() * t.dtype().bytes;
            JsonObject o = new JsonObject();
            o.addProperty("dtype", FileDType.of(t.dtype()).name());
            JsonArray shape = new JsonArray();
            for (int d : t.shape()) shape.add(d);
            o.add("shape", shape);
            JsonArray off = new JsonArray();
            off.add(offset);
            off.add(offset + bytes);
            o.add("data_offsets", off);
            header.add(name, o);
            names.add(name);
            offset += bytes;
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) head.put((byte) ' ');
        head.flip();

        AtomicFiles.write(file, out -> {
            writeAll(out, head);
            Iterator<Map.Entry<String, Tensor>> it = tensors.entrySet().iterator();
            for (String name : names) {
                Map.Entry<String, Tensor> kv = it.hasNext() ? it.next() : null;
                if (kv == null || !kv.getKey().equals(name))
                    throw new IllegalStateException("tensor map changed while writing " + file + " (expected '" + name + "')");
                writeData(out, kv.getValue());
            }
            if (it.hasNext()) throw new IllegalStateException("tensor map changed while writing " + file);
        });
    }

    private static void writeData(java.io.OutputStream out, Tensor t) throws IOException {
        int n = t.numel();
        if (n == 0) return;
        ByteBuffer b = ByteBuffer.allocate((int) Math.min(CHUNK, (long) n * t.dtype().bytes)).order(ByteOrder.LITTLE_ENDIAN);
        double[] v = t.toDoubleArray();
        for (double x : v) {
            switch (t.dtype()) {
                case F32 -> b.putFloat((float) x);
                case F64 -> b.putDouble(x);
                case I32 -> b.putInt((int) x);
            }
            if (!b.hasRemaining()) { b.flip(); writeAll(out, b); b.clear(); }
        }
        b.flip();
        writeAll(out, b);
    }

    private static void writeAll(java.io.OutputStream out, ByteBuffer b) throws IOException {
        out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
        b.position(b.limit());
    }
}
