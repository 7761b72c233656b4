package dsr3d.bench.support;

import dsr3d.tensor.backend.ConvGeom;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The 54 distinct convolutions of one 3DSR inference (batch 1, 384x384 input), read from the
 * resource {@code dsr3d/bench/3dsr-conv-shapes.csv}, ids c1..c54 sorted by total MACs.
 *
 * <p>A {@code convT} row is a transposed convolution; it is benchmarked through the kernels of its
 * adjoint convolution {@link Shape#geom()} (see ConvGeom): its forward is that geometry's
 * backwardInput, its backwardInput is that geometry's forward, its backwardWeight is that
 * geometry's backwardWeight with the roles of x and dy swapped. {@link ConvCase} does the mapping.
 */
public final class ConvShapes {
    private ConvShapes() {}

    private static final String RESOURCE = "/dsr3d/bench/3dsr-conv-shapes.csv";

    /** One CSV row. runs: executions per inference; gmacTotal = runs * MACs of one execution / 1e9. */
    public record Shape(String id, String op, int cin, int cout, int k, int stride, int pad, int groups,
                        int hin, int win, int hout, int wout, boolean bias, int runs, double gmacTotal) {
        public boolean transposed() { return op.equals("convT"); }

        /** The convolution geometry whose kernels run this shape (the adjoint one for convT), batch n. */
        public ConvGeom geom(int n) {
            return transposed()
                    ? new ConvGeom(n, cout, hout, wout, cin, k, k, stride, stride, pad, pad, groups)
                    : new ConvGeom(n, cin, hin, win, cout, k, k, stride, stride, pad, pad, groups);
        }

        /** Multiply-accumulates of one execution at batch 1 (the same for all three passes). */
        public long macs() { return geom(1).macs(); }

        public String description() {
            return String.format("%s %d->%d k%d s%d p%d g%d %dx%d->%dx%d", op, cin, cout, k, stride, pad, groups,
                    hin, win, hout, wout);
        }
    }

    private static volatile List<Shape> all;

    /** All shapes in file order (largest total MACs first). */
    public static List<Shape> all() {
        if (all == null) all = load();
        return all;
    }

    public static Shape byId(String id) {
        for (Shape s : all()) if (s.id().equals(id)) return s;
        throw new IllegalArgumentException("unknown conv shape id '" + id + "', expected c1..c" + all().size());
    }

    /** The first count shapes (c1..c{count}). */
    public static List<Shape> largest(int count) { return all().subList(0, Math.min(count, all().size())); }

    private static List<Shape> load() {
        try (InputStream in = ConvShapes.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("resource " + RESOURCE + " missing from the classpath");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<Shape> out = new ArrayList<>();
            String line;
            boolean header = true;
            while ((line = r.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) continue;
                if (header) { header = false; continue; }
                String[] f = line.split(",");
                out.add(new Shape(f[0], f[1], i(f[2]), i(f[3]), i(f[4]), i(f[5]), i(f[6]), i(f[7]), i(f[8]), i(f[9]),
                        i(f[10]), i(f[11]), Boolean.parseBoolean(f[12]), i(f[13]), Double.parseDouble(f[14])));
            }
            return List.copyOf(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int i(String s) { return Integer.parseInt(s.trim()); }
}
