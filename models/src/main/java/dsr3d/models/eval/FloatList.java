package dsr3d.models.eval;

import java.util.Arrays;

/**
 * A growable float array: the compact store for millions of pixel scores (4 bytes each,
 * no boxing). Grows by 1.5x; {@link #trimmed()} hands back an exact-length array.
 */
final class FloatList {
    private float[] data;
    private int size;

    FloatList(int initialCapacity) {
        data = new float[Math.max(16, initialCapacity)];
    }

    int size() { return size; }

    float get(int i) { return data[i]; }

    void add(float v) {
        if (size == data.length) grow(size + 1);
        data[size++] = v;
    }

    /** Room for {@code more} further values without another copy. */
    void ensureMore(int more) {
        long need = (long) size + more;
        if (need > Integer.MAX_VALUE - 8)
            throw new IllegalStateException("more than 2^31 pixel scores in one evaluation; evaluate fewer images at once");
        if (need > data.length) grow((int) need);
    }

    private void grow(int minCapacity) {
        long cap = Math.max(minCapacity, (long) data.length + (data.length >> 1));
        data = Arrays.copyOf(data, (int) Math.min(cap, Integer.MAX_VALUE - 8));
    }

    /** The backing array (length >= size); valid until the next add. */
    float[] raw() { return data; }

    /** Drops the spare capacity and returns the backing array (length == size). */
    float[] trimmed() {
        if (data.length != size) data = Arrays.copyOf(data, size);
        return data;
    }
}
