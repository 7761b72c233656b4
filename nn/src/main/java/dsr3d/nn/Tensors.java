package dsr3d.nn;

import dsr3d.tensor.DType;
import dsr3d.tensor.Shape;
import dsr3d.tensor.Tensor;

import java.util.Arrays;

/**
 * In-place helpers the tensor API leaves out on purpose: writing new values into an existing
 * (parameter) storage, so parameter identity survives optimiser steps and state-dict loads.
 * Both go straight to the backend's strided copy and never touch the autograd graph.
 */
public final class Tensors {
    private Tensors() {}

    /** dst[...] = src[...] (same shape; converts dtype). dst's storage is overwritten in place. */
    public static void copyInto(Tensor src, Tensor dst) {
        if (!Arrays.equals(src.shape(), dst.shape()))
            throw new IllegalArgumentException("copyInto: source shape " + Shape.str(src.shape()) + " differs from destination " + Shape.str(dst.shape()));
        if (src.backend() != dst.backend())
            throw new IllegalArgumentException("copyInto: source on backend " + src.backend().name() + ", destination on " + dst.backend().name());
        dst.backend().copy(src.shape(), src.storage(), src.offset(), src.strides(), dst.storage(), dst.offset(), dst.strides());
    }

    /** A dense copy with no graph, converted to dtype. */
    public static Tensor detachedCopy(Tensor t, DType dtype) {
        Tensor out = Tensor.zeros(t.backend(), dtype, t.shape());
        copyInto(t, out);
        return out;
    }
}
