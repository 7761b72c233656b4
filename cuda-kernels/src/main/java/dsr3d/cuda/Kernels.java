package dsr3d.cuda;

import dsr3d.cuda.driver.CudaDriver;
import dsr3d.cuda.driver.CudaFunction;
import dsr3d.cuda.driver.CudaModule;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Our compiled kernels: loads {@code /dsr3d/cuda/kernels.fatbin} (built by nvcc in the
 * cuda-kernels build, sm_90 SASS + compute_90 PTX) from the classpath into the current CUDA
 * context once, and hands out functions by catalogue name. Only names in {@link KernelCatalog}
 * can be looked up, so a typo fails with the list of known kernels rather than a driver error.
 */
public final class Kernels {
    public static final String RESOURCE = "/dsr3d/cuda/kernels.fatbin";

    private static volatile Kernels instance;

    private final CudaDriver driver;
    private final CudaModule module;
    private final ConcurrentHashMap<String, CudaFunction> functions = new ConcurrentHashMap<>();

    private Kernels(CudaDriver driver, byte[] fatbin) {
        this.driver = driver;
        this.module = driver.loadModule(fatbin);
    }

    /** Whether the fatbin resource is on the classpath (false when the build had no nvcc). */
    public static boolean fatbinPresent() {
        return Kernels.class.getResource(RESOURCE) != null;
    }

    /** The loaded kernels; throws with the reason when there is no GPU or no fatbin. */
    public static Kernels get() {
        Kernels k = instance;
        if (k != null) return k;
        synchronized (Kernels.class) {
            if (instance == null) instance = new Kernels(CudaDriver.get(), readFatbin());
            return instance;
        }
    }

    static byte[] readFatbin() {
        try (InputStream in = Kernels.class.getResourceAsStream(RESOURCE)) {
            if (in == null)
                throw new IllegalStateException("classpath resource " + RESOURCE + " is missing: cuda-kernels was built without nvcc "
                        + "(install CUDA 13 or set -Ddsr3d.nvcc=/path/to/nvcc and rebuild)");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + RESOURCE, e);
        }
    }

    public CudaDriver driver() { return driver; }

    /** The function of a catalogued kernel. */
    public CudaFunction function(String name) {
        KernelCatalog.byName(name);   // validates the name
        return functions.computeIfAbsent(name, n -> driver.function(module, n));
    }
}
