package dsr3d.tensor.cpu.simd;

import jdk.incubator.vector.FloatVector;

/**
 * Reproducibility rule of the fast kernels: a result must not depend on whether the JIT has
 * compiled the kernel yet. Two Vector API operations break that rule and are not used:
 * {@code reduceLanes(ADD)} on floats (its summation order is unspecified, and the intrinsic and
 * the interpreter's fallback use different orders) and {@code lanewise(EXP/LOG)} (the intrinsic
 * calls a vector math library whose last bit differs from the fallback's). Sums of lanes go
 * through {@link #sum} (fixed lane order), and exp/log use {@link Math}, which HotSpot keeps
 * bit-identical across the interpreter and both compilers.
 */
final class Lanes {
    private Lanes() {}

    /** The lanes of v added in lane order, in double. */
    static double sum(FloatVector v) {
        float[] lanes = v.toArray();
        double s = 0;
        for (float x : lanes) s += x;
        return s;
    }
}
