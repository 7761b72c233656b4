package dsr3d.tensor.cpu.simd;

/**
 * Per-thread growable float scratch for the convolutions (flipped weights, a cols chunk, a zero-padded input), so the
 * hot path allocates nothing after warm-up. Slots are independent buffers of one thread.
 */
final class ConvScratch {
    private ConvScratch() {}

    static final int FLIPPED_WEIGHTS = 0, COLS = 1, PADDED = 2, GRAD_PADDED = 3, GRAD_T = 4;

    private static final ThreadLocal<float[][]> SLOTS = ThreadLocal.withInitial(() -> new float[5][0]);

    /** A buffer of at least size floats (contents undefined). */
    static float[] get(int slot, int size) {
        float[][] s = SLOTS.get();
        if (s[slot].length < size) s[slot] = new float[size];
        return s[slot];
    }
}
