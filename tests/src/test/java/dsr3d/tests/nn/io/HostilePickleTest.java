package dsr3d.tests.nn.io;

import dsr3d.nn.io.CheckpointFiles;
import dsr3d.nn.io.CheckpointFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Pickles that run code when Python unpickles them (make_ckpt_fixtures.py proves each payload
 * creates its marker file under Python) must be refused by name, and nothing may run: the marker
 * file /tmp/dsr3d_ckpt_pwned_NAME must not appear.
 */
class HostilePickleTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "posix_system     | evil_posix_system.pt     | refusing global posix.system",
            "os_system        | evil_os_system.pt        | refusing global os.system",
            "eval             | evil_eval.pt             | refusing global builtins.eval",
            "subprocess       | evil_subprocess.pt       | refusing global subprocess.call",
            "load_from_bytes  | evil_load_from_bytes.pt  | refusing global torch.storage._load_from_bytes",
            "after_tensor     | evil_after_tensor.pt     | refusing global posix.system",
            "proto4           | evil_proto4.pt           | refusing global posix.system",
            "raw_pickle       | evil_raw_pickle.pkl      | a bare pickle stream",
            "storage_call     | evil_storage_call.pt     | REDUCE of",
    })
    void hostilePicklesAreRefusedAndNothingRuns(String marker, String file, String message) throws IOException {
        Path mark = Path.of("/tmp/dsr3d_ckpt_pwned_" + marker);
        Files.deleteIfExists(mark);
        var e = assertThrows(CheckpointFormatException.class, () -> CheckpointFiles.read(CkptFixtures.file(file)));
        assertTrue(e.getMessage().contains(file), e.getMessage());
        assertTrue(e.getMessage().contains(message), "expected '" + message + "' in: " + e.getMessage());
        assertFalse(Files.exists(mark), "payload ran: " + mark + " was created");
    }

    /** PROTO 2, the given opcodes, STOP. */
    private static byte[] pickle(byte... body) {
        byte[] r = new byte[body.length + 3];
        r[0] = (byte) 0x80;
        r[1] = 2;
        System.arraycopy(body, 0, r, 2, body.length);
        r[r.length - 1] = '.';
        return r;
    }

    private static void assertRefused(Path f, String message) {
        var e = assertThrows(CheckpointFormatException.class, () -> CheckpointFiles.read(f));
        assertTrue(e.getMessage().contains(message), "expected '" + message + "' in: " + e.getMessage());
    }

    /** A list that contains itself (legal pickle) must not send the reader into endless recursion. */
    @Test
    void aCyclicListFailsCleanly(@TempDir Path dir) throws IOException {
        // EMPTY_LIST, BINPUT 0, BINGET 0, APPEND
        byte[] p = pickle((byte) ']', (byte) 'q', (byte) 0, (byte) 'h', (byte) 0, (byte) 'a');
        assertRefused(CkptFixtures.torchZip(dir, "cyclic.pt", p, java.util.Map.of()), "nests containers deeper than 32 levels");
    }

    /** A dict key holding a list (hashing nested values could recurse without end) is refused. */
    @Test
    void aDictKeyHoldingAListIsRefused(@TempDir Path dir) throws IOException {
        // EMPTY_DICT, EMPTY_LIST, TUPLE1, BININT1 1, SETITEM
        byte[] p = pickle((byte) '}', (byte) ']', (byte) 0x85, (byte) 'K', (byte) 1, (byte) 's');
        assertRefused(CkptFixtures.torchZip(dir, "key.pt", p, java.util.Map.of()), "is not a str, int, float, bool, None or tuple of those");
    }

    @Test
    @org.junit.jupiter.api.Tag("slow")
    void aMillionNestedListsFailCleanly(@TempDir Path dir) throws IOException {
        int n = 1_000_000;
        byte[] body = new byte[2 * n - 1];
        java.util.Arrays.fill(body, 0, n, (byte) ']');     // n EMPTY_LISTs
        java.util.Arrays.fill(body, n, 2 * n - 1, (byte) 'a'); // each APPENDed into the one below
        assertRefused(CkptFixtures.torchZip(dir, "deep.pt", pickle(body), java.util.Map.of()), "deeper than 32 levels");
    }

    /**
     * Random corruption of a genuine data.pkl (bytes flipped, inserted, cut) must end in a
     * CheckpointFormatException, or in a successful read, never in another exception or an
     * OutOfMemoryError.
     */
    @Test
    void corruptedPicklesFailCleanly(@TempDir Path dir) throws IOException {
        Path source = CkptFixtures.file("state_dict.pt");
        List<ZipEntry> entries = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();
        try (ZipFile z = new ZipFile(source.toFile())) {
            for (Enumeration<? extends ZipEntry> en = z.entries(); en.hasMoreElements(); ) {
                ZipEntry e = en.nextElement();
                entries.add(e);
                try (var in = z.getInputStream(e)) { contents.add(in.readAllBytes()); }
            }
        }
        Random rng = new Random(42);
        int refused = 0;
        for (int trial = 0; trial < 300; trial++) {
            List<byte[]> mutated = new ArrayList<>();
            for (int i = 0; i < entries.size(); i++) {
                byte[] b = contents.get(i);
                mutated.add(entries.get(i).getName().endsWith("data.pkl") ? mutate(b, rng) : b);
            }
            Path f = dir.resolve("fuzz" + trial + ".pt");
            writeZip(f, entries, mutated);
            try {
                CheckpointFiles.read(f);
            } catch (CheckpointFormatException expected) {
                refused++;
            } catch (Throwable t) {
                fail("trial " + trial + " threw " + t, t);
            }
        }
        assertTrue(refused > 100, "most corruptions must be detected, only " + refused + " were");
    }

    private static byte[] mutate(byte[] b, Random rng) {
        byte[] m = b.clone();
        switch (rng.nextInt(3)) {
            case 0 -> { for (int k = 0; k < 1 + rng.nextInt(4); k++) m[rng.nextInt(m.length)] = (byte) rng.nextInt(256); }
            case 1 -> m = java.util.Arrays.copyOf(m, rng.nextInt(m.length));
            default -> {
                int at = rng.nextInt(m.length);
                byte[] r = new byte[m.length + 4];
                System.arraycopy(m, 0, r, 0, at);
                for (int k = 0; k < 4; k++) r[at + k] = (byte) rng.nextInt(256);
                System.arraycopy(m, at, r, at + 4, m.length - at);
                m = r;
            }
        }
        return m;
    }

    private static void writeZip(Path f, List<ZipEntry> entries, List<byte[]> contents) throws IOException {
        try (OutputStream os = Files.newOutputStream(f); ZipOutputStream z = new ZipOutputStream(os)) {
            for (int i = 0; i < entries.size(); i++) {
                byte[] b = contents.get(i);
                ZipEntry e = new ZipEntry(entries.get(i).getName());
                e.setMethod(ZipEntry.STORED);
                e.setSize(b.length);
                CRC32 crc = new CRC32();
                crc.update(b);
                e.setCrc(crc.getValue());
                z.putNextEntry(e);
                z.write(b);
                z.closeEntry();
            }
        }
    }
}
