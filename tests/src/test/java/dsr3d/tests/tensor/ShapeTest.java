package dsr3d.tests.tensor;

import dsr3d.tensor.Shape;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Shape arithmetic: element counts, row-major strides, NumPy broadcasting, dimension indices. */
class ShapeTest {

    @Test
    void numelAndStrides() {
        assertEquals(24, Shape.numel(new int[]{2, 3, 4}));
        assertEquals(1, Shape.numel(new int[]{}), "a 0-d tensor holds one element");
        assertEquals(0, Shape.numel(new int[]{3, 0, 2}));
        assertArrayEquals(new int[]{12, 4, 1}, Shape.contiguousStrides(new int[]{2, 3, 4}));
        assertArrayEquals(new int[]{}, Shape.contiguousStrides(new int[]{}));
        IllegalArgumentException neg = assertThrows(IllegalArgumentException.class, () -> Shape.numel(new int[]{2, -1}));
        assertTrue(neg.getMessage().contains("[2, -1]"), neg.getMessage());
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class, () -> Shape.numel(new int[]{1 << 16, 1 << 16}));
        assertTrue(big.getMessage().contains("2^31"), big.getMessage());
    }

    @Test
    void broadcastAlignsRightAndStretchesOnes() {
        assertArrayEquals(new int[]{2, 3, 4}, Shape.broadcast(new int[]{2, 1, 4}, new int[]{3, 1}));
        assertArrayEquals(new int[]{5, 4}, Shape.broadcast(new int[]{}, new int[]{5, 4}));
        assertArrayEquals(new int[]{0, 3}, Shape.broadcast(new int[]{0, 1}, new int[]{3}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shape.broadcast(new int[]{2, 3}, new int[]{4}));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4]"), e.getMessage());
    }

    @Test
    void broadcastStridesAreZeroOnStretchedDimensions() {
        // [3, 1] with strides [1, 1] read as [2, 3, 4]: new leading dim and the size-1 dim get stride 0
        assertArrayEquals(new int[]{0, 1, 0}, Shape.broadcastStrides(new int[]{3, 1}, new int[]{1, 1}, new int[]{2, 3, 4}));
        assertThrows(IllegalArgumentException.class, () -> Shape.broadcastStrides(new int[]{3}, new int[]{1}, new int[]{4}));
        assertThrows(IllegalArgumentException.class, () -> Shape.broadcastStrides(new int[]{2, 3}, new int[]{3, 1}, new int[]{3}));
    }

    @Test
    void negativeDimensionsCountFromTheEnd() {
        assertEquals(2, Shape.dim(-1, 3));
        assertEquals(0, Shape.dim(-3, 3));
        assertEquals(1, Shape.dim(1, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shape.dim(3, 3));
        assertTrue(e.getMessage().contains("rank 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Shape.dim(-4, 3));
    }
}
