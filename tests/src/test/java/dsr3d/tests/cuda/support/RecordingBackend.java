package dsr3d.tests.cuda.support;

import dsr3d.tensor.DType;
import dsr3d.tensor.Storage;
import dsr3d.tensor.backend.Backend;
import dsr3d.tensor.backend.Backends;
import dsr3d.tensor.cpu.CpuBackend;
import dsr3d.tensor.cpu.CpuStorage;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A stand-in for the CUDA backend on a machine without a GPU: the CPU backend behind a
 * {@link Proxy} of {@link Backend} that (1) records every SPI method called (the kernels a
 * computation needs), (2) refuses what {@code CudaBackend} refuses, the same way: F64 storages
 * (allocate, upload(double[]): UnsupportedOperationException) and a storage of another backend
 * (IllegalArgumentException: a CPU tensor made outside the device backend, e.g. with
 * {@code Backends.cpu()} or cached before the switch), and (3) counts the host transfers
 * (upload / download calls and elements: the places where a computation leaves the device).
 * Its storages wrap a {@link CpuStorage}; {@link #install} makes it {@link Backends#current()}
 * as {@code -Ddsr3d.backend=cuda} would, until closed.
 */
public final class RecordingBackend {
    /** SPI methods that move data or describe the backend, not kernels. */
    public static final Set<String> NOT_KERNELS = Set.of("name", "available", "unavailableReason", "allocate", "upload", "download",
            "toString", "hashCode", "equals");

    /** A storage of the recording backend: a CPU storage inside. */
    public static final class Rec implements Storage {
        final CpuStorage inner;
        final Backend owner;

        Rec(CpuStorage inner, Backend owner) { this.inner = inner; this.owner = owner; }

        @Override public DType dtype() { return inner.dtype(); }
        @Override public int length() { return inner.length(); }
        @Override public Backend backend() { return owner; }
    }

    public final Backend backend;
    /** SPI method name -> number of calls (kernels and transfers). */
    public final Map<String, Integer> calls = new TreeMap<>();
    public long uploadedElements, downloadedElements;

    public RecordingBackend() {
        backend = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class}, (proxy, m, args) -> {
            String name = m.getName();
            switch (name) {
                case "name": return "cuda-stand-in";
                case "available": return true;
                case "unavailableReason": return "";
                case "toString": return "RecordingBackend";
                case "hashCode": return System.identityHashCode(proxy);
                case "equals": return proxy == args[0];
                default: break;
            }
            synchronized (this) { calls.merge(name, 1, Integer::sum); }
            if (name.equals("allocate") && args[0] == DType.F64)
                throw new UnsupportedOperationException("cuda allocate: F64 storages are not supported on the CUDA backend (stand-in)");
            if (name.equals("upload") && args[0] instanceof double[])
                throw new UnsupportedOperationException("cuda upload(double[]): F64 storages are not supported on the CUDA backend (stand-in)");
            Object[] inner = args == null ? null : args.clone();
            if (inner != null)
                for (int i = 0; i < inner.length; i++)
                    if (inner[i] instanceof Storage s) {
                        if (!(s instanceof Rec r) || r.owner != proxy)
                            throw new IllegalArgumentException(name + ": expected a storage of this CUDA backend (stand-in), got "
                                    + s.getClass().getSimpleName() + " of backend " + s.backend().name());
                        inner[i] = r.inner;
                    }
            synchronized (this) {
                if (name.equals("upload")) uploadedElements += java.lang.reflect.Array.getLength(args[0]);
                if (name.equals("download")) downloadedElements += (Integer) args[2];
            }
            Object out;
            try {
                out = m.invoke(CpuBackend.INSTANCE, inner);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            return out instanceof CpuStorage c ? new Rec(c, (Backend) proxy) : out;
        });
    }

    /** The kernels called (SPI methods that are not transfers), sorted. */
    public synchronized Set<String> kernels() {
        Set<String> k = new TreeSet<>(calls.keySet());
        k.removeAll(NOT_KERNELS);
        return k;
    }

    public synchronized void reset() {
        calls.clear();
        uploadedElements = downloadedElements = 0;
    }

    /** Makes this backend {@link Backends#current()} until the returned handle is closed. */
    public AutoCloseable install() throws ReflectiveOperationException { return use(backend); }

    /** Makes {@code b} {@link Backends#current()} (as -Ddsr3d.backend would) until the handle is closed. */
    public static AutoCloseable use(Backend b) throws ReflectiveOperationException {
        Backends.current();                       // let the configured choice happen first
        Field f = Backends.class.getDeclaredField("chosen");
        f.setAccessible(true);
        Object before = f.get(null);
        f.set(null, b);
        return () -> f.set(null, before);
    }
}
