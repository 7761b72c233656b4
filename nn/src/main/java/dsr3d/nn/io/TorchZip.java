package dsr3d.nn.io;

import dsr3d.nn.io.RestrictedUnpickler.PickleException;
import dsr3d.nn.io.RestrictedUnpickler.Tuple;
import dsr3d.nn.io.TorchPickle.StorageKind;
import dsr3d.nn.io.TorchPickle.StorageRef;
import dsr3d.nn.io.TorchPickle.TensorRef;
import dsr3d.tensor.Tensor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reader for torch.save files in the zip format (PyTorch >= 1.6): {@code <archive>/data.pkl}, a
 * pickle whose tensors point by persistent id at raw storages {@code <archive>/data/<key>}, plus an
 * optional {@code <archive>/byteorder} ("little" or "big"; absent means little).
 *
 * <p>The pickle goes through {@link RestrictedUnpickler} with the {@link TorchPickle} policy, so a
 * hostile file is refused by name and nothing in it runs. Then each tensor view is checked against
 * its storage (rank, element count below 2^31, offset + sum((size-1) x stride) inside the
 * storage, storage record long enough) before any tensor memory is allocated, and materialised as
 * a dense dsr3d tensor: float32/float16/bfloat16 -> F32, float64 -> F64, int32 -> I32, int64 -> I32
 * (error naming the tensor on overflow). Views (transpose, slices, shared storages) are copied
 * out, so tensors that shared a storage in torch are independent here. Storages over 2 GiB are
 * refused, and so are stride-0 views that would expand a storage to more than 2^24 elements.
 * The legacy pre-1.6 format is detected by {@link CheckpointFiles} and refused there.
 */
public final class TorchZip {
    private TorchZip() {}

    private static final long MAX_PICKLE_BYTES = 256L << 20;
    /** Largest tensor built from a smaller storage (broadcast views with stride 0). */
    private static final long MAX_EXPANSION = 1L << 24;
    /** Deepest container nesting accepted (a state dict needs 2 or 3). */
    private static final int MAX_DEPTH = 32;

    public static TorchStateDict read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new java.nio.file.NoSuchFileException(file.toString(), null, "no such file");
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new CheckpointFormatException(file, "not a readable zip archive (truncated or not a torch.save file): " + e.getMessage());
        }
        try (zip) {
            String prefix = archivePrefix(zip, file);
            ByteOrder order = byteOrder(zip, prefix, file);
            byte[] pickle = readEntry(zip, file, prefix + "data.pkl", MAX_PICKLE_BYTES);
            return load(file, prefix, order, pickle, (name, max) -> readEntry(zip, file, name, max));
        } catch (ZipException e) {
            throw new CheckpointFormatException(file, "corrupt zip archive: " + e.getMessage());
        }
    }

    /**
     * The contents of a torch.save archive already taken out of its zip: {@code pickle} is
     * {@code archive/data.pkl} and {@code storages} maps each key to its {@code archive/data/KEY}
     * record (little-endian). Exactly what {@link #read} does after unzipping (same unpickler, same
     * checks, same errors, named after {@code file}); it exists so that the pickle and the storage
     * checks can be fuzzed without a zip file per input.
     */
    public static TorchStateDict read(Path file, byte[] pickle, Map<String, byte[]> storages) throws IOException {
        String prefix = "archive/";
        return load(file, prefix, ByteOrder.LITTLE_ENDIAN, pickle, (name, max) -> {
            byte[] b = name.startsWith(prefix + "data/") ? storages.get(name.substring(prefix.length() + 5)) : null;
            if (b == null) throw new CheckpointFormatException(file, "zip archive has no record " + name);
            if (b.length > max) throw new CheckpointFormatException(file, "record " + name + " of " + b.length + " bytes exceeds the " + max + " bytes expected");
            return b;
        });
    }

    /** Reads one record of the archive by full name, refusing a missing one or one over max bytes. */
    @FunctionalInterface
    private interface Records {
        byte[] read(String name, long max) throws IOException;
    }

    private static TorchStateDict load(Path file, String prefix, ByteOrder order, byte[] pickle, Records records) throws IOException {
        Object root;
        try {
            root = RestrictedUnpickler.load(pickle, new TorchPickle());
        } catch (PickleException e) {
            throw new CheckpointFormatException(file, prefix + "data.pkl: " + e.getMessage());
        }
        Materialiser m = new Materialiser(records, file, prefix, order);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, Object> values = new LinkedHashMap<>();
        m.flatten("", root, tensors, values);
        return new TorchStateDict(tensors, values);
    }

    /** The single top-level folder holding data.pkl ("archive/" or the saved file's stem). */
    private static String archivePrefix(ZipFile zip, Path file) throws CheckpointFormatException {
        String found = null;
        for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
            String n = en.nextElement().getName();
            int slash = n.indexOf('/');
            if (slash > 0 && n.substring(slash + 1).equals("data.pkl")) {
                if (found != null) throw new CheckpointFormatException(file, "zip archive holds more than one data.pkl");
                found = n.substring(0, slash + 1);
            }
        }
        if (found == null) throw new CheckpointFormatException(file, "zip archive has no <archive>/data.pkl (not a torch.save file)");
        return found;
    }

    private static ByteOrder byteOrder(ZipFile zip, String prefix, Path file) throws IOException {
        if (zip.getEntry(prefix + "byteorder") == null) return ByteOrder.LITTLE_ENDIAN;
        String s = new String(readEntry(zip, file, prefix + "byteorder", 16), StandardCharsets.US_ASCII).trim();
        return switch (s) {
            case "little" -> ByteOrder.LITTLE_ENDIAN;
            case "big" -> ByteOrder.BIG_ENDIAN;
            default -> throw new CheckpointFormatException(file, prefix + "byteorder says '" + s + "', expected little or big");
        };
    }

    /** An entry's bytes; errors if missing or longer than max. */
    private static byte[] readEntry(ZipFile zip, Path file, String name, long max) throws IOException {
        ZipEntry e = zip.getEntry(name);
        if (e == null) throw new CheckpointFormatException(file, "zip archive has no record " + name);
        if (e.getSize() > max) throw new CheckpointFormatException(file, "record " + name + " of " + e.getSize() + " bytes exceeds the " + max + " bytes expected");
        // readNBytes grows its buffer as data arrives, so a lying size cannot force a huge allocation.
        byte[] b;
        try (InputStream in = zip.getInputStream(e)) {
            b = in.readNBytes((int) Math.min(max + 1, Integer.MAX_VALUE - 8));
        } catch (ZipException | java.io.EOFException ex) {
            throw new CheckpointFormatException(file, "record " + name + " is corrupt or truncated: " + ex.getMessage());
        }
        if (b.length > max) throw new CheckpointFormatException(file, "record " + name + " holds more than the " + max + " bytes expected");
        return b;
    }

    /** Validates tensor views against their storages and copies them out, caching storages. */
    private static final class Materialiser {
        private final Records records;
        private final Path file;
        private final String prefix;
        private final ByteOrder order;
        private final Map<String, ByteBuffer> loaded = new HashMap<>();

        Materialiser(Records records, Path file, String prefix, ByteOrder order) {
            this.records = records;
            this.file = file;
            this.prefix = prefix;
            this.order = order;
        }

        void flatten(String path, Object node, Map<String, Tensor> tensors, Map<String, Object> values) throws IOException {
            flatten(path, node, tensors, values, 0);
        }

        /** depth bounds the walk: pickles may nest deeply or refer to themselves (a cyclic list). */
        private void flatten(String path, Object node, Map<String, Tensor> tensors, Map<String, Object> values, int depth) throws IOException {
            if (depth > MAX_DEPTH)
                throw new CheckpointFormatException(file, "'" + abbreviate(path) + "' nests containers deeper than " + MAX_DEPTH + " levels (or refers to itself)");
            if (node instanceof TensorRef t) {
                String name = path.isEmpty() ? "tensor" : path;
                if (tensors.containsKey(name)) throw new CheckpointFormatException(file, "two tensors flatten to the same name '" + name + "'");
                tensors.put(name, tensor(name, t));
            } else if (node instanceof Map<?, ?> m) {
                for (Map.Entry<?, ?> kv : m.entrySet()) flatten(join(path, key(kv.getKey())), kv.getValue(), tensors, values, depth + 1);
            } else if (node instanceof List<?> l) {
                for (int i = 0; i < l.size(); i++) flatten(join(path, Integer.toString(i)), l.get(i), tensors, values, depth + 1);
            } else if (node instanceof Tuple t) {
                for (int i = 0; i < t.size(); i++) flatten(join(path, Integer.toString(i)), t.get(i), tensors, values, depth + 1);
            } else if (node instanceof StorageRef s) {
                throw new CheckpointFormatException(file, "'" + path + "' is a bare storage (" + s.kind() + "), not a tensor");
            } else if (node instanceof TorchPickle.Callable || node instanceof StorageKind) {
                throw new CheckpointFormatException(file, "'" + path + "' is an unapplied global " + node);
            } else {
                String name = path.isEmpty() ? "value" : path;
                if (values.containsKey(name)) throw new CheckpointFormatException(file, "two values flatten to the same name '" + abbreviate(name) + "'");
                values.put(name, node);
            }
        }

        private String key(Object k) throws CheckpointFormatException {
            if (k instanceof String || k instanceof Long || k instanceof Boolean || k instanceof java.math.BigInteger) return String.valueOf(k);
            if (k instanceof Double d) return d.toString();
            if (k instanceof Tuple t) {
                StringBuilder sb = new StringBuilder();
                for (Object x : t.items()) sb.append(sb.isEmpty() ? "" : ",").append(key(x));
                return "(" + sb + ")";
            }
            throw new CheckpointFormatException(file, "dict key of type " + (k == null ? "None" : k.getClass().getSimpleName()) + " cannot name a tensor");
        }

        private static String abbreviate(String path) { return path.length() > 80 ? path.substring(0, 80) + "..." : path; }

        private static String join(String path, String k) { return path.isEmpty() ? k : path + "." + k; }

        private Tensor tensor(String name, TensorRef t) throws IOException {
            String where = "tensor '" + name + "'";
            int[] shape = new int[t.size().length];
            long numel = 1;
            for (int i = 0; i < shape.length; i++) {
                long d = t.size()[i];
                if (d > Integer.MAX_VALUE) throw new CheckpointFormatException(file, where + ": dimension " + d + " of shape " + Arrays.toString(t.size()) + " exceeds 2^31-1");
                shape[i] = (int) d;
                numel *= d;
                if (numel > Integer.MAX_VALUE)
                    throw new CheckpointFormatException(file, where + ": shape " + Arrays.toString(t.size()) + " has more than 2^31-1 elements");
            }
            StorageRef s = t.storage();
            if (numel > 0) {
                long last = t.offset();
                try {
                    for (int i = 0; i < shape.length; i++) last = Math.addExact(last, Math.multiplyExact(t.size()[i] - 1, t.stride()[i]));
                } catch (ArithmeticException e) {
                    last = Long.MAX_VALUE;
                }
                if (last >= s.numel())
                    throw new CheckpointFormatException(file, where + ": view (offset " + t.offset() + ", shape " + Arrays.toString(t.size()) + ", stride "
                            + Arrays.toString(t.stride()) + ") reaches element " + last + " of storage " + s.key() + " which has " + s.numel());
                // zero strides let a tiny storage describe a huge tensor: refuse such bombs
                if (numel > s.numel() && numel > MAX_EXPANSION)
                    throw new CheckpointFormatException(file, where + ": view of shape " + Arrays.toString(t.size()) + " expands "
                            + s.numel() + " stored elements to " + numel + "; refusing to materialise more than " + MAX_EXPANSION);
            } else if (t.offset() > s.numel()) {
                throw new CheckpointFormatException(file, where + ": offset " + t.offset() + " beyond storage " + s.key() + " of " + s.numel() + " elements");
            }
            ByteBuffer data = storage(s, where);
            int n = (int) numel;
            int[] idx = new int[shape.length];
            long pos = t.offset();
            long[] stride = t.stride();
            float[] f = null;
            double[] d = null;
            int[] in = null;
            switch (s.kind()) {
                case FloatStorage, HalfStorage, BFloat16Storage -> f = new float[n];
                case DoubleStorage -> d = new double[n];
                case IntStorage, LongStorage -> in = new int[n];
            }
            for (int i = 0; i < n; i++) {
                int p = (int) pos;
                switch (s.kind()) {
                    case FloatStorage -> f[i] = data.getFloat(p * 4);
                    case HalfStorage -> f[i] = Float.float16ToFloat(data.getShort(p * 2));
                    case BFloat16Storage -> f[i] = Float.intBitsToFloat((data.getShort(p * 2) & 0xffff) << 16);
                    case DoubleStorage -> d[i] = data.getDouble(p * 8);
                    case IntStorage -> in[i] = data.getInt(p * 4);
                    case LongStorage -> {
                        long v = data.getLong(p * 8);
                        if (v != (int) v)
                            throw new CheckpointFormatException(file, where + ": int64 value " + v + " at flat index " + i + " does not fit in I32");
                        in[i] = (int) v;
                    }
                }
                // advance the row-major multi-index; pos follows the strides
                for (int k = shape.length - 1; k >= 0; k--) {
                    if (++idx[k] < shape[k]) { pos += stride[k]; break; }
                    pos -= (long) (shape[k] - 1) * stride[k];
                    idx[k] = 0;
                }
            }
            return f != null ? Tensor.of(f, shape) : d != null ? Tensor.of(d, shape) : Tensor.ofInts(in, shape);
        }

        private ByteBuffer storage(StorageRef s, String where) throws IOException {
            ByteBuffer b = loaded.get(s.key());
            if (b != null) return b;
            long bytes = s.numel() * s.kind().bytes;
            if (s.numel() > Integer.MAX_VALUE / s.kind().bytes)
                throw new CheckpointFormatException(file, where + ": storage " + s.key() + " of " + s.numel() + " elements exceeds the 2 GiB this reader supports");
            String name = prefix + "data/" + s.key();
            byte[] raw = records.read(name, bytes);
            if (raw.length != bytes)
                throw new CheckpointFormatException(file, where + ": record " + name + " holds " + raw.length + " bytes but its storage declares "
                        + s.numel() + " " + s.kind() + " elements (" + bytes + " bytes)");
            b = ByteBuffer.wrap(raw).order(order);
            loaded.put(s.key(), b);
            return b;
        }
    }
}
