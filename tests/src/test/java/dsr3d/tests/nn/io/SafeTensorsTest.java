package dsr3d.tests.nn.io;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dsr3d.nn.io.Checkpoint;
import dsr3d.nn.io.CheckpointFormatException;
import dsr3d.nn.io.SafeTensors;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** safetensors: round trips, the layout on disk, a file written by hand in Python, validation, crash safety. */
class SafeTensorsTest {

    private static Map<String, Tensor> sample() {
        Random rng = new Random(3);
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("z.last.weight", Tensor.randn(rng, DType.F32, 3, 4));            // insertion order, not sorted
        m.put("a.bias64", Tensor.randn(rng, DType.F64, 5));
        m.put("codes", Tensor.ofInts(new int[]{Integer.MIN_VALUE, -1, 0, 7, Integer.MAX_VALUE, 3}, 2, 3));
        m.put("empty", Tensor.zeros(DType.F32, 0, 4));
        m.put("scalar", Tensor.of(new double[]{-2.5}));
        m.put("transposed", Tensor.randn(rng, DType.F32, 2, 3).transpose(0, 1)); // a non-dense view
        return m;
    }

    @Test
    void roundTripKeepsNamesOrderDtypesShapesValuesAndMetadata(@TempDir Path dir) throws IOException {
        Map<String, Tensor> in = sample();
        Map<String, String> meta = Map.of("config", "{\"channels\":[64,128]}", "note", "\u00e9\u4e2d");
        Path f = dir.resolve("rt.safetensors");
        SafeTensors.write(f, in, meta);
        Checkpoint back = SafeTensors.read(f);
        assertEquals(List.copyOf(in.keySet()), List.copyOf(back.tensors().keySet()));
        assertEquals(meta, back.metadata());
        for (var e : in.entrySet()) {
            Tensor got = back.tensor(e.getKey());
            assertEquals(e.getValue().dtype(), got.dtype(), e.getKey());
            assertArrayEquals(e.getValue().shape(), got.shape(), e.getKey());
            assertArrayEquals(e.getValue().toDoubleArray(), got.toDoubleArray(), 0.0, e.getKey());
        }
        assertTrue(Arrays.stream(in.get("z.last.weight").toDoubleArray()).anyMatch(v -> v != 0));
    }

    /** The bytes follow the format: u64 LE header length, JSON, 8-byte aligned LE data. */
    @Test
    void writtenLayoutFollowsTheSpecification(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("layout.safetensors");
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("w", Tensor.of(new float[]{1.5f, -2f}, 2));
        m.put("i", Tensor.ofInts(new int[]{258}, 1));
        SafeTensors.write(f, m, Map.of("k", "v"));
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        long n = b.getLong(0);
        assertEquals(0, (8 + n) % 8, "data must start 8-byte aligned");
        JsonObject h = JsonParser.parseString(new String(b.array(), 8, (int) n, StandardCharsets.UTF_8).trim()).getAsJsonObject();
        assertEquals("v", h.getAsJsonObject("__metadata__").get("k").getAsString());
        assertEquals("F32", h.getAsJsonObject("w").get("dtype").getAsString());
        assertEquals("[0,8]", h.getAsJsonObject("w").get("data_offsets").toString());
        assertEquals("[8,12]", h.getAsJsonObject("i").get("data_offsets").toString());
        int data = (int) (8 + n);
        assertEquals(1.5f, b.getFloat(data));
        assertEquals(-2f, b.getFloat(data + 4));
        assertEquals(258, b.getInt(data + 8));
        assertEquals(data + 12, b.capacity());
    }

    @Test
    void readsAFileWrittenByHandInPython() throws IOException {
        Checkpoint c = SafeTensors.read(CkptFixtures.file("handmade.safetensors"));
        CkptFixtures.assertMatches(CkptFixtures.tensors("handmade.expected.json"), c.tensors());
        JsonObject meta = CkptFixtures.json("handmade.expected.json").getAsJsonObject("metadata");
        assertEquals(meta.keySet(), c.metadata().keySet());
        meta.keySet().forEach(k -> assertEquals(meta.get(k).getAsString(), c.metadata().get(k)));
    }

    /** A header (as JSON) over a data section of dataBytes zero bytes. */
    private static Path craft(Path dir, String headerJson, int dataBytes) throws IOException {
        return craftRaw(dir, headerJson.getBytes(StandardCharsets.UTF_8).length, headerJson, dataBytes);
    }

    private static Path craftRaw(Path dir, long declaredLength, String headerJson, int dataBytes) throws IOException {
        byte[] h = headerJson.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(declaredLength).put(h);
        Path f = dir.resolve("bad.safetensors");
        Files.write(f, b.array());
        return f;
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "{'w':{'dtype':'F32','shape':[2],'data_offsets':[0,8]}}                        | 4  | outside the 4-byte data section",
            "{'w':{'dtype':'F32','shape':[3],'data_offsets':[0,8]}}                        | 8  | span 8 bytes but shape [3] of F32 needs 12",
            "{'w':{'dtype':'F32','shape':[-1],'data_offsets':[0,8]}}                       | 8  | is negative",
            "{'w':{'dtype':'F32','shape':[2147483648,2147483648],'data_offsets':[0,8]}}    | 8  | exceeds 2^31-1",
            "{'w':{'dtype':'F32','shape':[65536,65536],'data_offsets':[0,8]}}              | 8  | has more than 2^31-1 elements",
            "{'w':{'dtype':'F32','shape':[1e30],'data_offsets':[0,8]}}                     | 8  | not an integer below 2^63",
            "{'w':{'dtype':'F32','shape':[1.5],'data_offsets':[0,8]}}                      | 8  | not an integer below 2^63",
            "{'w':{'dtype':'BOOL','shape':[2],'data_offsets':[0,2]}}                       | 2  | unsupported dtype BOOL",
            "{'w':{'shape':[2],'data_offsets':[0,8]}}                                      | 8  | missing string field \"dtype\"",
            "{'a':{'dtype':'F32','shape':[2],'data_offsets':[0,8]},'b':{'dtype':'F32','shape':[1],'data_offsets':[4,8]}} | 8 | overlaps",
            "{'a':{'dtype':'F32','shape':[1],'data_offsets':[4,8]}}                        | 8  | hole in the data section before tensor 'a'",
            "{'a':{'dtype':'F32','shape':[1],'data_offsets':[0,4]}}                        | 8  | cover only 4",
            "{'w':{'dtype':'I64','shape':[1],'data_offsets':[0,8]}}                        | -8 | I64 value 4294967296 at flat index 0 does not fit in I32",
            "{'__metadata__':{'k':3}}                                                      | 0  | value of 'k' is not a string",
            "{'w':{'dtype':'F32','shape':[1],'data_offsets':[0,4]}} x                      | 4  | not valid JSON",
            "[1,2]                                                                          | 0  | does not start with '{'",
            "{'w':{'dtype':'F32','shape':[1],'data_offsets':[0,4]},'w':{'dtype':'F32','shape':[1],'data_offsets':[0,4]}} | 4 | names 'w' twice",
            "{'w':{'dtype':'F32','shape':[1],'data_offsets':[0,4],'x':[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}} | 4 | deeper than 16 levels",
            "{'':{'dtype':'F32','shape':[1],'data_offsets':[0,4]}}                         | 4  | a tensor with an empty name",   // found by ParserFuzzTest
    })
    void malformedHeadersAreRefusedNamingFileAndTensor(String header, int dataBytes, String problem, @TempDir Path dir) throws IOException {
        Path f = craft(dir, header.replace('\'', '"'), Math.abs(dataBytes));
        if (dataBytes < 0) { // put 2^32 as the I64 value
            byte[] all = Files.readAllBytes(f);
            ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).putLong(all.length - 8, 1L << 32);
            Files.write(f, all);
        }
        var e = assertThrows(CheckpointFormatException.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(problem), "expected '" + problem + "' in: " + e.getMessage());
    }

    @Test
    void absurdHeaderLengthsFailWithoutAllocating(@TempDir Path dir) throws IOException {
        for (long declared : new long[]{1L << 62, -1L, 1L << 40, 7}) {
            Path f = craftRaw(dir, declared, "{}", 0);
            var e = assertThrows(CheckpointFormatException.class, () -> SafeTensors.read(f), "declared " + declared);
            assertTrue(e.getMessage().contains("does not fit in a file"), e.getMessage());
        }
        Path tiny = dir.resolve("tiny.safetensors");
        Files.write(tiny, new byte[]{1, 2, 3});
        assertTrue(assertThrows(CheckpointFormatException.class, () -> SafeTensors.read(tiny)).getMessage().contains("too short"));
    }

    /** Random corruption of a valid file (header bytes changed, file cut) ends in a clean error or a read, never anything else. */
    @Test
    void corruptedFilesFailCleanly(@TempDir Path dir) throws IOException {
        Path good = dir.resolve("good.safetensors");
        SafeTensors.write(good, sample(), Map.of("config", "{\"a\":1}"));
        byte[] bytes = Files.readAllBytes(good);
        int headerEnd = 8 + (int) ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        Random rng = new Random(9);
        int refused = 0;
        for (int trial = 0; trial < 300; trial++) {
            byte[] m = bytes.clone();
            if (rng.nextInt(4) == 0) {
                m = Arrays.copyOf(m, rng.nextInt(m.length));
            } else {
                for (int k = 0; k < 1 + rng.nextInt(3); k++) m[rng.nextInt(headerEnd)] = (byte) (32 + rng.nextInt(95));
            }
            Path f = dir.resolve("fuzz.safetensors");
            Files.write(f, m);
            try {
                SafeTensors.read(f);
            } catch (CheckpointFormatException expected) {
                refused++;
            } catch (Throwable t) {
                throw new AssertionError("trial " + trial + " threw " + t, t);
            }
        }
        assertTrue(refused > 150, "most corruptions must be detected, only " + refused + " were");
    }

    /** A tensor map whose second pass (the data pass) throws after one tensor: a crash midway. */
    private static Map<String, Tensor> failingOnDataPass(Map<String, Tensor> real) {
        return new AbstractMap<>() {
            int passes;

            @Override
            public Set<Entry<String, Tensor>> entrySet() {
                int pass = ++passes;
                return new java.util.AbstractSet<>() {
                    @Override public int size() { return real.size(); }

                    @Override
                    public Iterator<Entry<String, Tensor>> iterator() {
                        Iterator<Entry<String, Tensor>> it = real.entrySet().iterator();
                        return new Iterator<>() {
                            int given;
                            @Override public boolean hasNext() { return it.hasNext(); }
                            @Override public Entry<String, Tensor> next() {
                                if (pass >= 2 && given++ == 1) throw new IllegalStateException("simulated crash while writing");
                                return it.next();
                            }
                        };
                    }
                };
            }
        };
    }

    @Test
    void aWriteThatFailsMidwayLeavesTheOldFileIntactAndNoTemporaryFiles(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("model.safetensors");
        Map<String, Tensor> old = Map.of("w", Tensor.of(new float[]{1, 2, 3}, 3));
        SafeTensors.write(f, old, Map.of("step", "1"));
        byte[] before = Files.readAllBytes(f);

        var e = assertThrows(IllegalStateException.class, () -> SafeTensors.write(f, failingOnDataPass(sample()), Map.of("step", "2")));
        assertEquals("simulated crash while writing", e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(f), "the previous checkpoint must be untouched");
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(f), s.toList(), "no temporary file may be left behind");
        }
        assertEquals("1", Checkpoint.load(f).meta("step"));

        // and the same map without the crash does replace the file
        SafeTensors.write(f, sample(), Map.of("step", "2"));
        assertEquals("2", Checkpoint.load(f).meta("step"));
    }
}
