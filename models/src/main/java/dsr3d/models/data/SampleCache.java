package dsr3d.models.data;

import dsr3d.tensor.io.AtomicFiles;
import dsr3d.tensor.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Optional on-disk cache of preprocessed samples: one file per sample, named by a SHA-256 key of
 * everything the result depends on (cache format version, preprocessing method, size, gt mode,
 * RANSAC seed, each source file's absolute path, length and modification time). A changed
 * option or a touched file therefore misses instead of returning stale data. Files are written
 * atomically (temporary file + rename); an unreadable or truncated cache file is ignored and
 * rewritten, never trusted.
 *
 * <p>File layout (little endian): magic "DSRC", version, size S, label, then float32 arrays
 * input [4*S*S], foreground, validDepth, gt [S*S each].
 */
public final class SampleCache {
    static final int MAGIC = 0x43525344, VERSION = 1;   // "DSRC"

    private final Path dir;

    public SampleCache(Path dir) { this.dir = dir; }

    public Path dir() { return dir; }

    /** A loader that serves {@code inner}'s results from the cache, filling it on a miss. */
    public Sample.SampleLoader wrap(Sample.SampleLoader inner, LoadOptions options) {
        return s -> {
            Path f = dir.resolve(key(s, options) + ".bin");
            LoadedSample hit = read(f, s);
            if (hit != null) return hit;
            LoadedSample l = inner.load(s);
            write(f, l);
            return l;
        };
    }

    /** The cache key of a sample under given options (hex SHA-256). */
    public static String key(Sample s, LoadOptions o) {
        StringBuilder sb = new StringBuilder("v" + VERSION + "|" + o.method() + "|" + o.size() + "|" + o.gtMode() + "|" + o.ransacSeed()
                + "|" + s.light());
        for (Path p : new Path[]{s.rgb(), s.xyz(), s.gt(), s.depth(), s.depthInfo(), s.pose()}) {
            sb.append('|');
            if (p == null) { sb.append('-'); continue; }
            sb.append(p.toAbsolutePath());
            try {
                sb.append(':').append(Files.size(p)).append(':').append(Files.getLastModifiedTime(p).toMillis());
            } catch (IOException e) {
                sb.append(":missing");   // the load itself will report the file
            }
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    private static LoadedSample read(Path f, Sample s) {
        if (!Files.isRegularFile(f)) return null;
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
            if (b.remaining() < 16 || b.getInt() != MAGIC || b.getInt() != VERSION) return null;
            int size = b.getInt(), label = b.getInt();
            long n = (long) size * size;
            if (size <= 0 || b.remaining() != 7 * n * 4) return null;
            float[] input = floats(b, 4 * (int) n), fg = floats(b, (int) n), valid = floats(b, (int) n), gt = floats(b, (int) n);
            return new LoadedSample(s, Tensor.of(input, 4, size, size), fg, valid, gt, size, label);
        } catch (IOException | RuntimeException e) {
            return null;   // damaged cache entry: recompute
        }
    }

    private static void write(Path f, LoadedSample l) {
        int n = l.size() * l.size();
        ByteBuffer b = ByteBuffer.allocate(16 + 7 * n * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).putInt(VERSION).putInt(l.size()).putInt(l.label());
        for (float v : l.input().toFloatArray()) b.putFloat(v);
        for (float[] a : new float[][]{l.foreground(), l.validDepth(), l.gt()}) for (float v : a) b.putFloat(v);
        try {
            AtomicFiles.write(f, b.array());
        } catch (IOException e) {
            throw new DataException(f, "cannot write cache file", e);
        }
    }

    private static float[] floats(ByteBuffer b, int n) {
        float[] a = new float[n];
        b.asFloatBuffer().get(a);
        b.position(b.position() + 4 * n);
        return a;
    }
}
