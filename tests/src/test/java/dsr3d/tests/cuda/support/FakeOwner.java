package dsr3d.tests.cuda.support;

import dsr3d.tensor.backend.Backend;
import java.lang.reflect.Proxy;

/** A Backend that only answers name(): the owner recorded in storages made by allocator tests. */
public final class FakeOwner {
    private FakeOwner() {}

    public static Backend backend() {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "name", "toString" -> "fake-cuda-owner";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName() + " on the fake owner");
                });
    }
}
