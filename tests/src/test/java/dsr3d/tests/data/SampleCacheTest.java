package dsr3d.tests.data;

import dsr3d.models.data.LoadOptions;
import dsr3d.models.data.LoadedSample;
import dsr3d.models.data.Mvtec3dDataset;
import dsr3d.models.data.Preprocess3dsr.GtMode;
import dsr3d.models.data.Sample;
import dsr3d.models.data.SampleCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The optional preprocessed-sample cache: hits, misses on changed files or options, damaged entries. */
class SampleCacheTest {
    @TempDir Path tmp;

    static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) { return s.filter(p -> p.toString().endsWith(".bin")).sorted().toList(); }
    }

    @Test
    void cacheHitsMissesAndRecovers() throws IOException {
        Path root = tmp.resolve("data"), cache = tmp.resolve("cache");
        MvtecTree.category(root, "tire");
        LoadOptions o = new LoadOptions(16, GtMode.NEAREST_BINARY);
        Sample s = Mvtec3dDataset.open(root, o).withCache(cache).samples("tire", "test", "hole").get(0);
        LoadedSample fresh = Mvtec3dDataset.open(root, o).samples("tire", "test", "hole").get(0).load();

        LoadedSample first = s.load();
        assertArrayEquals(fresh.input().toFloatArray(), first.input().toFloatArray());
        List<Path> entries = files(cache);
        assertEquals(1, entries.size());
        Path entry = entries.get(0);
        assertEquals(SampleCache.key(s, o) + ".bin", entry.getFileName().toString());

        // A planted value proves the next load is served from the file.
        byte[] b = Files.readAllBytes(entry);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putFloat(16, 42f);   // input[0]
        Files.write(entry, b);
        assertEquals(42f, s.load().input().toFloatArray()[0]);
        LoadedSample again = s.load();
        assertArrayEquals(fresh.gt(), again.gt());
        assertArrayEquals(fresh.foreground(), again.foreground());

        // Touching a source file changes the key: recomputed, new entry.
        Files.setLastModifiedTime(s.xyz(), FileTime.fromMillis(Files.getLastModifiedTime(s.xyz()).toMillis() + 5000));
        assertEquals(fresh.input().toFloatArray()[0], s.load().input().toFloatArray()[0]);
        assertEquals(2, files(cache).size(), "old entry kept, new one added");

        // A truncated entry is ignored and rewritten.
        Path current = cache.resolve(SampleCache.key(s, o) + ".bin");
        Files.write(current, Arrays.copyOf(Files.readAllBytes(current), 100));
        assertArrayEquals(fresh.input().toFloatArray(), s.load().input().toFloatArray());
        assertEquals(16 + 7 * 16 * 16 * 4, Files.size(current));

        // Other options, other key.
        LoadOptions compat = new LoadOptions(16, GtMode.BILINEAR_DIV255);
        assertNotEquals(SampleCache.key(s, o), SampleCache.key(s, compat));
    }
}
