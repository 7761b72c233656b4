package dsr3d.tests.parity;

import dsr3d.bench.support.ConvShapes;
import dsr3d.tensor.backend.ConvGeom;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmark shape table: every 3DSR conv row maps to a ConvGeom whose sizes agree with the
 * CSV's own output sizes and MAC totals (a convT through its adjoint geometry), so the benches
 * time the convolutions the network really runs.
 */
class ConvShapesTest {
    @Test
    void everyRowMapsToAConsistentGeometry() {
        List<ConvShapes.Shape> all = ConvShapes.all();
        assertEquals(54, all.size(), "3dsr-conv-shapes.csv rows");
        for (int i = 0; i < all.size(); i++) {
            ConvShapes.Shape s = all.get(i);
            assertEquals("c" + (i + 1), s.id(), "ids run c1..c54 in file order");
            ConvGeom g = s.geom(1);
            if (s.transposed()) {
                // convT input [cin, hin, win] is the adjoint geometry's y, its output that geometry's x
                assertEquals(s.hin(), g.hout(), s.id() + " convT input height");
                assertEquals(s.win(), g.wout(), s.id() + " convT input width");
                assertEquals(s.hout(), g.h(), s.id() + " convT output height");
                assertEquals(s.cin(), g.cout(), s.id() + " convT input channels");
            } else {
                assertEquals(s.hout(), g.hout(), s.id() + " output height");
                assertEquals(s.wout(), g.wout(), s.id() + " output width");
            }
            double gmac = s.runs() * (double) s.macs() / 1e9;
            assertEquals(s.gmacTotal(), gmac, 1e-4 + 1e-4 * gmac, s.id() + " runs * MACs");
            if (i > 0) assertTrue(all.get(i - 1).gmacTotal() >= s.gmacTotal(), "sorted by total MACs at " + s.id());
        }
    }

    @Test
    void unknownIdIsRejectedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConvShapes.byId("c99"));
        assertTrue(e.getMessage().contains("c99"), e.getMessage());
    }
}
