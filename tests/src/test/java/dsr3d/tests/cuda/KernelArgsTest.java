package dsr3d.tests.cuda;

import static org.junit.jupiter.api.Assertions.*;

import dsr3d.cuda.driver.KernelArgs;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** KernelArgs builds cuLaunchKernel's void** kernelParams: one pointer per argument, pointing at its value. */
class KernelArgsTest {

    @Test
    void pointerArrayHoldsOnePointerPerArgumentToItsValue() {
        KernelArgs args = KernelArgs.of().ptr(0x7f12_3456_7800L).i32(-7).f32(2.5f).i64(1L << 40).i32(Integer.MAX_VALUE);
        assertEquals(5, args.count());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment array = args.toPointerArray(arena);
            assertTrue(array.byteSize() >= 5 * ValueLayout.ADDRESS.byteSize());
            long[] seen = new long[5];
            for (int i = 0; i < 5; i++) {
                MemorySegment p = array.getAtIndex(ValueLayout.ADDRESS, i);
                assertNotEquals(0, p.address(), "argument " + i + " points nowhere");
                assertEquals(0, p.address() % args.kind(i).bytes, "argument " + i + " is not naturally aligned");
                seen[i] = p.address();
            }
            MemorySegment v0 = array.getAtIndex(ValueLayout.ADDRESS, 0).reinterpret(8);
            MemorySegment v1 = array.getAtIndex(ValueLayout.ADDRESS, 1).reinterpret(4);
            MemorySegment v2 = array.getAtIndex(ValueLayout.ADDRESS, 2).reinterpret(4);
            MemorySegment v3 = array.getAtIndex(ValueLayout.ADDRESS, 3).reinterpret(8);
            MemorySegment v4 = array.getAtIndex(ValueLayout.ADDRESS, 4).reinterpret(4);
            assertEquals(0x7f12_3456_7800L, v0.get(ValueLayout.JAVA_LONG, 0));
            assertEquals(-7, v1.get(ValueLayout.JAVA_INT, 0));
            assertEquals(2.5f, v2.get(ValueLayout.JAVA_FLOAT, 0));
            assertEquals(1L << 40, v3.get(ValueLayout.JAVA_LONG, 0));
            assertEquals(Integer.MAX_VALUE, v4.get(ValueLayout.JAVA_INT, 0));
            // value slots must not overlap: an 8-byte value written over a neighbour would corrupt it
            for (int i = 0; i < 5; i++)
                for (int j = i + 1; j < 5; j++)
                    assertTrue(Math.abs(seen[i] - seen[j]) >= Math.max(args.kind(i).bytes, args.kind(j).bytes),
                            "slots " + i + " and " + j + " overlap");
        }
    }

    @Test
    void manyArgumentsGrowTheBuilder() {
        KernelArgs args = KernelArgs.of();
        for (int i = 0; i < 40; i++) args.i32(i * 3);
        assertEquals(40, args.count());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment array = args.toPointerArray(arena);
            for (int i = 0; i < 40; i++)
                assertEquals(i * 3, array.getAtIndex(ValueLayout.ADDRESS, i).reinterpret(4).get(ValueLayout.JAVA_INT, 0));
        }
    }

    @Test
    void kindsAndBitsAreKept() {
        KernelArgs args = KernelArgs.of().f32(-0.0f).ptr(0);
        assertEquals(KernelArgs.Kind.F32, args.kind(0));
        assertEquals(Float.floatToRawIntBits(-0.0f), (int) args.bits(0));
        assertEquals(KernelArgs.Kind.PTR, args.kind(1));
        assertThrows(IndexOutOfBoundsException.class, () -> args.kind(2));
        assertTrue(args.toString().contains("f32 -0.0"), args.toString());
    }
}
