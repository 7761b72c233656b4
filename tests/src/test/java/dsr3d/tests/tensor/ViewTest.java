package dsr3d.tests.tensor;

import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Views share storage and differ in offset and strides; contiguous() makes a dense copy only
 * when needed; element access and printing read through the view. x below is arange(24) as
 * [2, 3, 4], so x[i, j, k] = 12i + 4j + k and every expected value can be computed by hand.
 */
class ViewTest {

    private static Tensor arange(int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = i;
        return Tensor.of(v, shape);
    }

    @Test
    void reshapeOfDenseDataIsAView() {
        Tensor x = arange(2, 3, 4);
        Tensor r = x.reshape(6, -1);
        assertSame(x.storage(), r.storage());
        assertArrayEquals(new int[]{6, 4}, r.shape());
        assertArrayEquals(new int[]{4, 1}, r.strides());
        assertEquals(13, r.get(3, 1));
    }

    @Test
    void permuteAndTransposeSwapStrides() {
        Tensor x = arange(2, 3, 4);
        Tensor p = x.permute(2, 0, 1);
        assertSame(x.storage(), p.storage());
        assertArrayEquals(new int[]{4, 2, 3}, p.shape());
        assertArrayEquals(new int[]{1, 12, 4}, p.strides());
        assertEquals(12 + 8 + 3, p.get(3, 1, 2));        // x[1, 2, 3]
        assertFalse(p.isDense());
        Tensor t = x.transpose(-1, 0);
        assertArrayEquals(new int[]{4, 3, 2}, t.shape());
        assertArrayEquals(new int[]{1, 4, 12}, t.strides());
    }

    @Test
    void sliceMovesTheOffsetAndKeepsStrides() {
        Tensor x = arange(2, 3, 4);
        Tensor s = x.slice(1, 1, 3);
        assertSame(x.storage(), s.storage());
        assertEquals(4, s.offset());
        assertArrayEquals(new int[]{2, 2, 4}, s.shape());
        assertArrayEquals(new int[]{12, 4, 1}, s.strides());
        assertEquals(12 + 8 + 1, s.get(1, 1, 1));        // x[1, 2, 1]
        Tensor s2 = s.slice(2, 3, 4);                     // slice of a slice
        assertEquals(4 + 3, s2.offset());
        assertArrayEquals(new double[]{7, 11, 19, 23}, s2.toDoubleArray());
        assertEquals(23, s2.slice(0, 1, 2).slice(1, 1, 2).item(), "item() reads through the offset");
    }

    @Test
    void splitGivesConsecutiveViews() {
        Tensor x = arange(2, 6);
        Tensor[] p = x.split(1, 2, 4);
        assertSame(x.storage(), p[1].storage());
        assertArrayEquals(new double[]{2, 3, 4, 5, 8, 9, 10, 11}, p[1].toDoubleArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.split(1, 2, 3));
        assertTrue(e.getMessage().contains("6"), e.getMessage());
    }

    @Test
    void expandUsesStrideZero() {
        Tensor col = arange(3, 1);
        Tensor e = col.expand(2, 3, 4);
        assertSame(col.storage(), e.storage());
        assertArrayEquals(new int[]{0, 1, 0}, e.strides());
        assertEquals(2, e.get(1, 2, 3));
        assertFalse(e.isDense());
    }

    @Test
    void contiguousCopiesOnlyWhenNeeded() {
        Tensor x = arange(2, 3, 4);
        assertSame(x, x.contiguous(), "a dense tensor is already contiguous");
        Tensor t = x.transpose(0, 2);
        Tensor c = t.contiguous();
        assertNotSame(x.storage(), c.storage());
        assertTrue(c.isDense());
        assertArrayEquals(new int[]{6, 2, 1}, c.strides());
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 2; k++)
                    assertEquals(12 * k + 4 * j + i, c.get(i, j, k));
        // a slice at offset 0 but with slack in the storage is not dense either
        Tensor head = x.slice(0, 0, 1);
        assertEquals(0, head.offset());
        assertFalse(head.isDense());
        Tensor r = t.reshape(-1);                          // reshape of a non-dense view copies
        assertNotSame(x.storage(), r.storage());
        assertEquals(12, r.get(1));                        // t[0, 0, 1] = x[1, 0, 0]
    }

    @Test
    void castAndPadAndConcatProduceFreshDenseTensors() {
        Tensor x = arange(2, 2);
        Tensor f = x.to(DType.F32);
        assertEquals(DType.F32, f.dtype());
        assertSame(x, x.to(DType.F64), "a cast to the same dtype is the identity");
        Tensor i = Tensor.of(new double[]{-1.7, 2.9}, 2).to(DType.I32);
        assertArrayEquals(new int[]{-1, 2}, i.toIntArray(), "F64 -> I32 truncates toward zero");
        Tensor p = x.pad(new int[]{1, 0, 0, 1}, -1);
        assertArrayEquals(new int[]{3, 3}, p.shape());
        assertArrayEquals(new double[]{-1, 0, 1, -1, 2, 3, -1, -1, -1}, p.toDoubleArray());
        Tensor c = Tensor.concat(-1, x, x.mul(10));
        assertArrayEquals(new double[]{0, 1, 0, 10, 2, 3, 20, 30}, c.toDoubleArray());
    }

    @Test
    void elementAccessChecksIndices() {
        Tensor x = arange(2, 3);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> x.get(2, 0));
        assertTrue(e.getMessage().contains("[2, 0]") && e.getMessage().contains("[2, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> x.get(1));
        IllegalStateException item = assertThrows(IllegalStateException.class, x::item);
        assertTrue(item.getMessage().contains("[2, 3]"), item.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new double[5], 2, 3));
    }

    @Test
    void toStringPrintsShapeDtypeAndValues() {
        String s = arange(2, 3).toString();
        assertTrue(s.startsWith("Tensor(shape=[2, 3], dtype=F64)"), s);
        assertTrue(s.contains("[[0.0000, 1.0000, 2.0000],\n [3.0000, 4.0000, 5.0000]]"), s);
        String view = arange(2, 3).transpose(0, 1).toString();
        assertTrue(view.contains("[[0.0000, 3.0000],\n [1.0000, 4.0000],\n [2.0000, 5.0000]]"), view);
        String ints = Tensor.ofInts(new int[]{7, -2}, 2).toString();
        assertTrue(ints.contains("[7, -2]") && ints.contains("I32"), ints);
        String scalar = Tensor.scalar(2.5).toString();
        assertTrue(scalar.contains("shape=[]") && scalar.contains("2.5000"), scalar);
        String longRow = arange(20).toString();
        assertTrue(longRow.contains("2.0000, ..., 17.0000"), longRow);
        String leaf = arange(2).requiresGrad(true).toString();
        assertTrue(leaf.contains("requires_grad"), leaf);
    }
}
