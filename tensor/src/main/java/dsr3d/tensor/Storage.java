package dsr3d.tensor;

import dsr3d.tensor.backend.Backend;

/** A flat buffer owned by one backend. Kernels receive storages and explicit sizes, never
 *  tensors, so they know nothing of shapes-as-objects or of autograd. */
public interface Storage {
    DType dtype();

    /** Number of elements. */
    int length();

    Backend backend();
}
