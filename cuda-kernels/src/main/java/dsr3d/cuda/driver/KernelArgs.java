package dsr3d.cuda.driver;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * The parameters of one kernel launch, in the kernel's declaration order:
 * {@code KernelArgs.of().ptr(x).ptr(y).i32(n).f32(alpha)}.
 *
 * <p>cuLaunchKernel takes {@code void** kernelParams}: an array with one pointer per parameter,
 * each pointing at that parameter's value. {@link #toPointerArray(Arena)} builds exactly that in
 * native memory (value slots of 4 or 8 bytes, naturally aligned). The driver copies the values
 * when the launch is queued, so the arena may close as soon as cuLaunchKernel returns.
 *
 * <p>Types must match the kernel's C signature: {@code ptr} for any {@code T*} (a CUdeviceptr),
 * {@code i32} for int, {@code f32} for float, {@code i64} for long long / size_t.
 */
public final class KernelArgs {
    /** Kind of one parameter; {@code bytes} is its size and alignment. */
    public enum Kind {
        PTR(8), I32(4), F32(4), I64(8);

        public final int bytes;

        Kind(int bytes) { this.bytes = bytes; }
    }

    private Kind[] kinds = new Kind[8];
    private long[] bits = new long[8];
    private int count;

    private KernelArgs() {}

    public static KernelArgs of() { return new KernelArgs(); }

    public KernelArgs ptr(long devPtr) { return add(Kind.PTR, devPtr); }

    public KernelArgs i32(int v) { return add(Kind.I32, v); }

    public KernelArgs f32(float v) { return add(Kind.F32, Float.floatToRawIntBits(v)); }

    public KernelArgs i64(long v) { return add(Kind.I64, v); }

    public int count() { return count; }

    public Kind kind(int i) {
        checkIndex(i);
        return kinds[i];
    }

    /** The raw bits of parameter i (a float's IEEE bits for F32). */
    public long bits(int i) {
        checkIndex(i);
        return bits[i];
    }

    private KernelArgs add(Kind k, long v) {
        if (count == kinds.length) {
            kinds = Arrays.copyOf(kinds, count * 2);
            bits = Arrays.copyOf(bits, count * 2);
        }
        kinds[count] = k;
        bits[count] = v;
        count++;
        return this;
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= count) throw new IndexOutOfBoundsException("argument " + i + " of " + count);
    }

    /** {@code void*[count]}, entry i pointing at an aligned slot holding parameter i's value. */
    public MemorySegment toPointerArray(Arena arena) {
        MemorySegment array = arena.allocate(ValueLayout.ADDRESS, Math.max(1, count));
        // all values in one block: 8-byte slots keep every value aligned whatever its kind
        MemorySegment values = arena.allocate(8L * Math.max(1, count), 8);
        for (int i = 0; i < count; i++) {
            MemorySegment slot = values.asSlice(8L * i, 8);
            switch (kinds[i]) {
                case PTR, I64 -> slot.set(ValueLayout.JAVA_LONG, 0, bits[i]);
                case I32, F32 -> slot.set(ValueLayout.JAVA_INT, 0, (int) bits[i]);
            }
            array.setAtIndex(ValueLayout.ADDRESS, i, slot);
        }
        return array;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("KernelArgs[");
        for (int i = 0; i < count; i++) {
            if (i > 0) sb.append(", ");
            switch (kinds[i]) {
                case PTR -> sb.append("ptr 0x").append(Long.toHexString(bits[i]));
                case I32 -> sb.append("i32 ").append((int) bits[i]);
                case F32 -> sb.append("f32 ").append(Float.intBitsToFloat((int) bits[i]));
                case I64 -> sb.append("i64 ").append(bits[i]);
            }
        }
        return sb.append(']').toString();
    }
}
