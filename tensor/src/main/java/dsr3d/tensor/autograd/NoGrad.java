package dsr3d.tensor.autograd;

/** Turns graph recording off for the current thread inside a try-with-resources block:
 *  {@code try (var g = NoGrad.enter()) { ... }}. Scopes nest. */
public final class NoGrad implements AutoCloseable {
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private NoGrad() {}

    public static NoGrad enter() {
        DEPTH.get()[0]++;
        return new NoGrad();
    }

    public static boolean gradEnabled() { return DEPTH.get()[0] == 0; }

    @Override public void close() { DEPTH.get()[0]--; }
}
