package dsr3d.bench.cli;

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
 * One row of {@code /dsr3d/bench/3dsr-conv-shapes.csv}: a distinct convolution of one 3DSR
 * inference at 1x4x384x384, batch 1. Columns: id,op,cin,cout,k,stride,pad,groups,hin,win,hout,
 * wout,bias,runs,gmac_total,share; '#' lines are comments.
 *
 * <p>{@link #kernelGeom()} is the geometry handed to the conv kernels. For a transposed
 * convolution (op convT: cin -> cout channels, hin -> hout) that is the ordinary convolution G
 * running the other way, from (cout, hout) to (cin, hin): convT's forward is G's backwardInput.
 *
 * @param scale spatial sizes were divided by this to make the shape cheaper (1 = as in the model)
 */
public record ConvShape(String id, boolean transposed, int cin, int cout, int k, int stride, int pad, int groups,
                        int hin, int win, int hout, int wout, boolean bias, int runs, int scale) {

    public static final String RESOURCE = "/dsr3d/bench/3dsr-conv-shapes.csv";

    public ConvShape {
        ConvGeom g = geomOf(transposed, cin, cout, k, stride, pad, groups, hin, win, hout, wout);
        int expectH = transposed ? hin : hout, expectW = transposed ? win : wout;
        if (g.hout() != expectH || g.wout() != expectW)
            throw new IllegalArgumentException("conv shape " + id + ": output " + hout + "x" + wout
                    + " does not follow from input " + hin + "x" + win + ", k=" + k + ", stride=" + stride + ", pad=" + pad);
    }

    private static ConvGeom geomOf(boolean transposed, int cin, int cout, int k, int stride, int pad, int groups,
                                   int hin, int win, int hout, int wout) {
        return transposed
                ? new ConvGeom(1, cout, hout, wout, cin, k, k, stride, stride, pad, pad, groups)
                : new ConvGeom(1, cin, hin, win, cout, k, k, stride, stride, pad, pad, groups);
    }

    /** The convolution the kernels run (see class comment), batch 1. */
    public ConvGeom kernelGeom() {
        return geomOf(transposed, cin, cout, k, stride, pad, groups, hin, win, hout, wout);
    }

    /** Multiply-accumulates of one pass (forward, input gradient and weight gradient are equal). */
    public long macs() { return kernelGeom().macs(); }

    /** "c1", or "c1/4" when the spatial size was divided by 4. */
    public String label() { return scale == 1 ? id : id + "/" + scale; }

    /** "conv 512->1024 k3 s1 g1 96x96" (the module as written in the model). */
    public String describe() {
        return (transposed ? "convT " : "conv ") + cin + "->" + cout + " k" + k + " s" + stride
                + (groups > 1 ? " g" + groups : "") + " " + hin + "x" + win;
    }

    /**
     * This shape with its spatial sizes divided by the smallest power of two that brings the MACs
     * down to at most maxMacs, as far as the sizes divide evenly (then it stops, possibly above).
     */
    public ConvShape scaledTo(long maxMacs) {
        ConvShape s = this;
        for (int f = 2; s.macs() > maxMacs; f *= 2) {
            if (hin % f != 0 || win % f != 0 || hout % f != 0 || wout % f != 0 || Math.min(hout, hin) / f < 2) break;
            s = new ConvShape(id, transposed, cin, cout, k, stride, pad, groups, hin / f, win / f, hout / f, wout / f, bias, runs, f);
        }
        return s;
    }

    /** Every row of the bundled CSV, in file order (largest total MACs first). */
    public static List<ConvShape> all() {
        try (InputStream in = ConvShape.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("missing classpath resource " + RESOURCE);
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Rows named by id, in the order given; unknown ids are an error listing the known ones. */
    public static List<ConvShape> byIds(List<String> ids) {
        List<ConvShape> all = all(), out = new ArrayList<>();
        for (String id : ids) {
            ConvShape s = all.stream().filter(c -> c.id.equalsIgnoreCase(id.trim())).findFirst().orElseThrow(() ->
                    new IllegalArgumentException("--shapes: unknown conv shape '" + id + "'; known: c1.." + "c" + all.size()
                            + " (see " + RESOURCE + ")"));
            out.add(s);
        }
        return out;
    }

    static List<ConvShape> parse(List<String> lines) {
        List<ConvShape> out = new ArrayList<>();
        boolean header = true;
        for (String line : lines) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) continue;
            if (header) { // the first non-comment line names the columns
                if (!t.startsWith("id,op,cin,cout,k,stride,pad,groups,hin,win,hout,wout,bias,runs"))
                    throw new IllegalStateException(RESOURCE + ": unexpected header '" + t + "'");
                header = false;
                continue;
            }
            String[] f = t.split(",");
            if (f.length < 14) throw new IllegalStateException(RESOURCE + ": expected 16 columns in '" + t + "'");
            if (!f[1].equals("conv") && !f[1].equals("convT"))
                throw new IllegalStateException(RESOURCE + ": op must be conv or convT in '" + t + "'");
            out.add(new ConvShape(f[0], f[1].equals("convT"), i(f[2]), i(f[3]), i(f[4]), i(f[5]), i(f[6]), i(f[7]),
                    i(f[8]), i(f[9]), i(f[10]), i(f[11]), Boolean.parseBoolean(f[12]), i(f[13]), 1));
        }
        return out;
    }

    private static int i(String s) { return Integer.parseInt(s.strip()); }
}
