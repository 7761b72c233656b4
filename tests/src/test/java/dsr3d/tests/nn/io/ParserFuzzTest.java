package dsr3d.tests.nn.io;

import dsr3d.models.data.DataException;
import dsr3d.models.data.MiniYaml;
import dsr3d.nn.io.CheckpointFiles;
import dsr3d.nn.io.CheckpointFormatException;
import dsr3d.nn.io.SafeTensors;
import dsr3d.nn.io.TorchZip;
import dsr3d.simulate.io.ByteImage;
import dsr3d.simulate.io.FloatImage;
import dsr3d.simulate.io.Png;
import dsr3d.simulate.io.Tiff;
import dsr3d.tensor.Tensor;
import dsr3d.tests.support.Fuzz;
import dsr3d.tests.support.MemoryChannel;
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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The slow suite's fuzz runs: 10^6 mutants of a valid input per parser (TIFF, PNG, safetensors,
 * torch zip + pickle, the Eyecandies YAML subset). Each must be accepted or refused with the
 * parser's own error type, and a minimum number must be refused (the mutations do break them).
 * Inputs are parsed from memory through the parsers' in-memory entry points, which run the same
 * code as the file readers; only the zip container share of the torch case needs a file per
 * input (ZipFile reads files), in /dev/shm where there is one.
 */
@Tag("slow")
class ParserFuzzTest {
    static final int INPUTS = 1_000_000;
    /** Of the torch inputs: this many mutate the zip container, the rest the pickle inside it. */
    static final int TORCH_ZIP_INPUTS = INPUTS / 10;
    static Path dir;

    @BeforeAll
    static void scratch() throws IOException {
        Path shm = Path.of("/dev/shm");   // RAM-backed where there is one: a file per zip container mutant
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
        assertArrayEquals(g, Png.readGray8(seed, "seed.png").data());
        Fuzz.run("PNG", seed, INPUTS, 2, IOException.class, INPUTS / 4, b -> Png.readGray8(b, "fuzz.png"));
    }

    @Test
    void safetensors() throws IOException {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("w", Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3));
        t.put("b", Tensor.of(new double[] {0.5, -1}, 2));
        Path f = dir.resolve("seed.safetensors");
        SafeTensors.write(f, t, Map.of("k", "v"));
        byte[] seed = Files.readAllBytes(f);
        Path name = Path.of("fuzz.safetensors");
        try (MemoryChannel ch = new MemoryChannel(seed)) {
            assertEquals(SafeTensors.read(f).tensors().keySet(), SafeTensors.read(ch, name).tensors().keySet());
        }
        Fuzz.run("safetensors", seed, INPUTS, 3, CheckpointFormatException.class, INPUTS / 4, b -> {
            try (MemoryChannel ch = new MemoryChannel(b)) {
                SafeTensors.read(ch, name);
            }
        });
    }

    /**
     * A genuine torch.save file: most mutants change its pickle (read with its storages through
     * TorchZip's unzipped entry point), a share change the zip container itself (read as a file).
     */
    @Test
    void torchZipAndPickle() throws IOException {
        Path fixture = CkptFixtures.file("state_dict.pt");
        byte[] pickle = null;
        Map<String, byte[]> storages = new LinkedHashMap<>();
        try (ZipFile z = new ZipFile(fixture.toFile())) {
            for (ZipEntry e : java.util.Collections.list(z.entries())) {
                byte[] b;
                try (var s = z.getInputStream(e)) { b = s.readAllBytes(); }
                String name = e.getName();
                if (name.endsWith("/data.pkl")) pickle = b;
                else if (name.contains("/data/")) storages.put(name.substring(name.lastIndexOf("/data/") + 6), b);
            }
        }
        org.junit.jupiter.api.Assertions.assertNotNull(pickle, "state_dict.pt has no data.pkl");
        int pickleInputs = INPUTS - TORCH_ZIP_INPUTS;
        Path name = Path.of("fuzz.pt");
        // the unzipped entry point reads the unmutated seed as the file reader does
        assertEquals(CheckpointFiles.read(fixture).tensors().keySet(), TorchZip.read(name, pickle, storages).tensors().keySet());
        Fuzz.run("torch pickle", pickle, pickleInputs, 4, CheckpointFormatException.class, pickleInputs / 4,
                b -> TorchZip.read(name, b, storages));
        Path in = dir.resolve("fuzz.pt");
        Fuzz.run("torch zip container", Files.readAllBytes(fixture), TORCH_ZIP_INPUTS, 6, CheckpointFormatException.class,
                TORCH_ZIP_INPUTS / 10, b -> {
                    Files.write(in, b);
                    CheckpointFiles.read(in);
                });
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
