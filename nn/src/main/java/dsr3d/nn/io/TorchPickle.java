package dsr3d.nn.io;

import dsr3d.nn.io.RestrictedUnpickler.PickleException;
import dsr3d.nn.io.RestrictedUnpickler.Tuple;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@link RestrictedUnpickler.Policy} for torch.save state dicts: the only names a pickle may
 * reference are collections.OrderedDict, torch._utils._rebuild_tensor_v2 / _rebuild_parameter /
 * _rebuild_parameter_with_state and the typed storage classes torch.{Float,Double,Long,Int,Half,
 * BFloat16}Storage (which torch >= 2 still writes into persistent ids for typed storages).
 * Anything else, torch.storage._load_from_bytes included (it would run torch.load on embedded
 * bytes), is refused by name. The results are descriptions ({@link StorageRef},
 * {@link TensorRef}), not tensors: {@link TorchZip} validates and materialises them afterwards.
 */
final class TorchPickle implements RestrictedUnpickler.Policy {
    /** Callables a state dict may REDUCE. */
    enum Callable { ORDERED_DICT, REBUILD_TENSOR_V2, REBUILD_PARAMETER, REBUILD_PARAMETER_WITH_STATE }

    /** Torch storage classes: element size and how elements decode. */
    enum StorageKind {
        FloatStorage(4), DoubleStorage(8), LongStorage(8), IntStorage(4), HalfStorage(2), BFloat16Storage(2);

        final int bytes;

        StorageKind(int bytes) { this.bytes = bytes; }
    }

    /** One storage in the archive: data/&lt;key&gt;, numel elements of kind. */
    record StorageRef(StorageKind kind, String key, long numel) {}

    /** A tensor view: storage elements at offset + sum(index[i] * stride[i]). */
    record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {
        @Override public String toString() { return "tensor" + Arrays.toString(size); }
    }

    private static final Set<String> ALLOWED_FOR_MESSAGE = Set.of("collections.OrderedDict", "torch._utils._rebuild_tensor_v2",
            "torch._utils._rebuild_parameter", "torch.*Storage");

    private final Map<String, StorageRef> storages = new HashMap<>();

    @Override
    public Object global(String module, String name) throws PickleException {
        String full = module + "." + name;
        switch (full) {
            case "collections.OrderedDict": return Callable.ORDERED_DICT;
            case "torch._utils._rebuild_tensor_v2": return Callable.REBUILD_TENSOR_V2;
            case "torch._utils._rebuild_parameter": return Callable.REBUILD_PARAMETER;
            case "torch._utils._rebuild_parameter_with_state": return Callable.REBUILD_PARAMETER_WITH_STATE;
            default:
        }
        if (module.equals("torch")) {
            for (StorageKind k : StorageKind.values()) if (k.name().equals(name)) return k;
        }
        throw new PickleException("refusing global " + full + " (a tensor state dict may only reference " + ALLOWED_FOR_MESSAGE
                + "; nothing was executed)");
    }

    @Override
    public Object reduce(Object callable, Tuple args) throws PickleException {
        if (!(callable instanceof Callable c)) throw new PickleException("REDUCE of " + describe(callable) + " is not allowed (it is not a callable this reader knows)");
        return switch (c) {
            case ORDERED_DICT -> {
                if (args.size() != 0) throw new PickleException("OrderedDict() with arguments is not supported");
                yield new java.util.LinkedHashMap<>();
            }
            case REBUILD_TENSOR_V2 -> rebuildTensor(args);
            case REBUILD_PARAMETER, REBUILD_PARAMETER_WITH_STATE -> {
                int want = c == Callable.REBUILD_PARAMETER ? 3 : 4;
                if (args.size() != want || !(args.get(0) instanceof TensorRef t))
                    throw new PickleException("_rebuild_parameter expects (tensor, requires_grad, hooks" + (want == 4 ? ", state" : "") + "), got " + describe(args));
                yield t;
            }
        };
    }

    /** _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]). */
    private static TensorRef rebuildTensor(Tuple a) throws PickleException {
        if (a.size() < 6 || a.size() > 7)
            throw new PickleException("_rebuild_tensor_v2 expects 6 or 7 arguments, got " + a.size());
        if (!(a.get(0) instanceof StorageRef s)) throw new PickleException("_rebuild_tensor_v2: first argument is not a storage: " + describe(a.get(0)));
        if (!(a.get(1) instanceof Long offset) || offset < 0) throw new PickleException("_rebuild_tensor_v2: storage offset " + describe(a.get(1)) + " is not a non-negative int");
        long[] size = longs(a.get(2), "size");
        long[] stride = longs(a.get(3), "stride");
        if (size.length != stride.length)
            throw new PickleException("_rebuild_tensor_v2: size " + Arrays.toString(size) + " and stride " + Arrays.toString(stride) + " differ in rank");
        return new TensorRef(s, offset, size, stride);
    }

    private static long[] longs(Object o, String what) throws PickleException {
        if (!(o instanceof Tuple t)) throw new PickleException("_rebuild_tensor_v2: " + what + " is not a tuple: " + describe(o));
        if (t.size() > 64) throw new PickleException("_rebuild_tensor_v2: " + what + " of rank " + t.size() + " (above 64 is absurd)");
        long[] r = new long[t.size()];
        for (int i = 0; i < r.length; i++) {
            if (!(t.get(i) instanceof Long v) || v < 0)
                throw new PickleException("_rebuild_tensor_v2: " + what + " " + describe(t) + " must hold non-negative 64-bit ints");
            r[i] = v;
        }
        return r;
    }

    @Override
    public Object build(Object obj, Object state) throws PickleException {
        // OrderedDict state dicts carry a _metadata attribute (module versions): not needed.
        if (obj instanceof Map<?, ?> && (state == null || state instanceof Map<?, ?> || state instanceof Tuple)) return obj;
        throw new PickleException("BUILD on " + describe(obj) + " is not allowed");
    }

    /** ('storage', StorageKind, key, location, numel): one storage, shared by every view of it. */
    @Override
    public Object persistentLoad(Object pid) throws PickleException {
        if (!(pid instanceof Tuple t) || t.size() != 5 || !"storage".equals(t.get(0)))
            throw new PickleException("persistent id " + describe(pid) + " is not ('storage', type, key, location, numel)");
        if (!(t.get(1) instanceof StorageKind kind)) throw new PickleException("persistent id names storage type " + describe(t.get(1)));
        if (!(t.get(2) instanceof String key) || !key.matches("[A-Za-z0-9_.-]{1,64}") || key.contains(".."))
            throw new PickleException("storage key " + describe(t.get(2)) + " is not a plain record name");
        if (!(t.get(4) instanceof Long numel) || numel < 0) throw new PickleException("storage " + key + ": element count " + describe(t.get(4)) + " is not a non-negative int");
        StorageRef previous = storages.get(key);
        if (previous != null) {
            if (previous.kind != kind || previous.numel != numel)
                throw new PickleException("storage " + key + " is declared twice with different type or size");
            return previous;
        }
        StorageRef s = new StorageRef(kind, key, numel);
        storages.put(key, s);
        return s;
    }

    private static String describe(Object o) {
        if (o instanceof Callable || o instanceof StorageKind || o instanceof StorageRef || o instanceof TensorRef) return o.toString();
        return RestrictedUnpickler.repr(o);
    }
}
