package dsr3d.tests.nn.io;

import dsr3d.models.data.DataException;
import dsr3d.models.data.MiniYaml;
import dsr3d.nn.io.CheckpointFiles;
import dsr3d.nn.io.CheckpointFormatException;
import dsr3d.nn.io.SafeTensors;
import dsr3d.simulate.io.ByteImage;
import dsr3d.simulate.io.FloatImage;
import dsr3d.simulate.io.Png;
import dsr3d.simulate.io.Tiff;
import dsr3d.tensor.Tensor;
import dsr3d.tests.support.Fuzz;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The slow suite's fuzz runs: 10^6 mutants of a valid input per parser (TIFF, PNG, safetensors,
 * torch zip + pickle, the Eyecandies YAML subset). Each must be accepted or refused with the
 * parser's own error type, and a minimum number must be refused (the mutations do break them).
 */
@Tag("slow")
class ParserFuzzTest {
    static final int INPUTS = 1_000_000;
    static Path dir;

    @BeforeAll
    static void scratch() throws IOException {
        Path shm = Path.of("/dev/shm");   // RAM-backed where there is one: 10^6 small files per file-based parser
        dir = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "dsr3d-fuzz") : Files.createTempDirectory("dsr3d-fuzz");
    }

    @AfterAll
    static void clean() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private static FloatImage image(int w, int h, int c) {
        float[] d = new float[w * h * c];
        for (int i = 0; i < d.length; i++) d[i] = (i * 37 % 101) / 7f;
        return new FloatImage(w, h, c, d);
    }

    @Test
    void tiff() throws IOException {
        byte[] seed = Tiff.encode(image(6, 5, 3), true);
        Fuzz.run("TIFF", seed, INPUTS, 1, IOException.class, INPUTS / 4, in -> Tiff.decode(in, "fuzz.tiff"));
    }

    @Test
    void png() throws IOException {
        byte[] g = new byte[8 * 6];
        for (int i = 0; i < g.length; i++) g[i] = (byte) (i % 3 == 0 ? 255 : 0);
        Path f = dir.resolve("seed.png");
        Png.writeGray8(f, new ByteImage(8, 6, 1, g));
        byte[] seed = Files.readAllBytes(f);
        Path in = dir.resolve("fuzz.png");
        Fuzz.run("PNG", seed, INPUTS, 2, IOException.class, INPUTS / 4, b -> {
            Files.write(in, b);
            Png.readGray8(in);
        });
    }

    @Test
    void safetensors() throws IOException {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("w", Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3));
        t.put("b", Tensor.of(new double[] {0.5, -1}, 2));
        Path f = dir.resolve("seed.safetensors");
        SafeTensors.write(f, t, Map.of("k", "v"));
        byte[] seed = Files.readAllBytes(f);
        Path in = dir.resolve("fuzz.safetensors");
        Fuzz.run("safetensors", seed, INPUTS, 3, CheckpointFormatException.class, INPUTS / 4, b -> {
            Files.write(in, b);
            SafeTensors.read(in);
        });
    }

    /** The pickle of a genuine torch.save file is mutated, then zipped again with its storages. */
    @Test
    void torchZipAndPickle() throws IOException {
        byte[] pickle = null;
        Map<String, byte[]> storages = new LinkedHashMap<>();
        try (ZipFile z = new ZipFile(CkptFixtures.file("state_dict.pt").toFile())) {
            for (ZipEntry e : java.util.Collections.list(z.entries())) {
                byte[] b;
                try (var s = z.getInputStream(e)) { b = s.readAllBytes(); }
                String name = e.getName();
                if (name.endsWith("/data.pkl")) pickle = b;
                else if (name.contains("/data/")) storages.put(name.substring(name.lastIndexOf("/data/") + 6), b);
            }
        }
        org.junit.jupiter.api.Assertions.assertNotNull(pickle, "state_dict.pt has no data.pkl");
        Fuzz.run("torch zip + pickle", pickle, INPUTS, 4, CheckpointFormatException.class, INPUTS / 4,
                b -> CheckpointFiles.read(CkptFixtures.torchZip(dir, "fuzz.pt", b, storages)));
    }

    @Test
    void yaml() {
        byte[] seed = String.join("\n", "camera:", "  fx: 711.1", "  fy: 711.1", "  cx: 256.0", "  cy: 256.0",
                "object: CandyCane", "lights:", "  count: 3", "  intensity: 0.75", "").getBytes(StandardCharsets.UTF_8);
        Path name = Path.of("fuzz.yaml");
        Fuzz.run("YAML (MiniYaml)", seed, INPUTS, 5, DataException.class, INPUTS / 20,
                b -> MiniYaml.parse(new String(b, StandardCharsets.UTF_8), name));
    }
}
