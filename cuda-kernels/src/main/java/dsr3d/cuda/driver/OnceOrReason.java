package dsr3d.cuda.driver;

import java.util.function.Supplier;

/**
 * A process-wide object created on first use (the driver, the cuBLAS handle, the cuDNN handle).
 * If creation fails, the reason is kept and every later call fails with the same
 * {@link CudaUnavailableException} at once, instead of retrying a missing library each time.
 */
final class OnceOrReason<T> {
    private final String what;
    private final Supplier<T> factory;
    private volatile T instance;
    private volatile String failure;          // non-null once creation failed

    /** what: names the library in messages, e.g. "cuBLAS". */
    OnceOrReason(String what, Supplier<T> factory) {
        this.what = what;
        this.factory = factory;
    }

    T get() {
        T t = instance;
        if (t != null) return t;
        synchronized (this) {
            if (instance != null) return instance;
            if (failure != null) throw new CudaUnavailableException(failure);
            try {
                instance = factory.get();
                return instance;
            } catch (CudaUnavailableException e) {
                failure = e.getMessage();
                throw e;
            } catch (CudaException e) {
                failure = what + " initialisation failed: " + e.getMessage();
                throw new CudaUnavailableException(failure, e);
            } catch (RuntimeException | Error e) {
                failure = what + " initialisation failed: " + e;
                throw new CudaUnavailableException(failure, e);
            }
        }
    }

    /** Whether {@link #get()} succeeds; never throws. */
    boolean available() {
        try {
            get();
            return true;
        } catch (CudaUnavailableException e) {
            return false;
        }
    }

    /** Why {@link #get()} fails; "" when it does not. */
    String reason() {
        if (available()) return "";
        String f = failure;
        return f == null ? "unknown" : f;
    }
}
