package dsr3d.tensor.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where a computation spends its time, per kernel and shape: the heavy CPU kernels (the three
 * convolutions, matmul) report their wall time and floating-point operations here while
 * {@link #enabled}. Off by default (one volatile read per kernel call, nothing else); turned on by
 * {@code -Ddsr3d.profile=true} (printed at exit) or by a command's {@code --profile}.
 *
 * <p>Keys are "op shape", e.g. {@code conv2d.fwd n8 c64>64 32x32 k3 s1}, so one line is one
 * kernel configuration: what a performance engineer tunes.
 */
public final class OpProfile {
    /** One kernel configuration's totals. */
    public record Line(String op, String shape, long calls, long nanos, long flops) {
        public double seconds() { return nanos / 1e9; }
        public double gflops() { return nanos == 0 ? 0 : flops / (double) nanos; }
    }

    private static final class Acc {
        final LongAdder calls = new LongAdder(), nanos = new LongAdder(), flops = new LongAdder();
    }

    private static volatile boolean enabled = Boolean.getBoolean("dsr3d.profile");
    private static final Map<String, Acc> LINES = new ConcurrentHashMap<>();

    static {
        if (enabled) Runtime.getRuntime().addShutdownHook(new Thread(() -> System.err.print(table(lines(), 0))));
    }

    private OpProfile() {}

    public static boolean enabled() { return enabled; }

    public static void enable(boolean on) { enabled = on; }

    public static void reset() { LINES.clear(); }

    /** Adds one call of op on shape that took nanos and did flops floating-point operations. */
    public static void add(String op, String shape, long nanos, long flops) {
        Acc a = LINES.computeIfAbsent(op + '\u0000' + shape, k -> new Acc());
        a.calls.increment();
        a.nanos.add(nanos);
        a.flops.add(flops);
    }

    /** The shape key of a convolution. */
    public static String shape(ConvGeom g) {
        return String.format(Locale.ROOT, "n%d c%d>%d %dx%d k%dx%d s%d p%d%s", g.n(), g.cin(), g.cout(), g.h(), g.w(), g.kh(), g.kw(),
                g.strideH(), g.padH(), g.groups() == 1 ? "" : " g" + g.groups());
    }

    /** Every line so far, slowest first. */
    public static List<Line> lines() {
        List<Line> out = new ArrayList<>();
        LINES.forEach((k, a) -> {
            int cut = k.indexOf('\u0000');
            out.add(new Line(k.substring(0, cut), k.substring(cut + 1), a.calls.sum(), a.nanos.sum(), a.flops.sum()));
        });
        out.sort((x, y) -> Long.compare(y.nanos(), x.nanos()));
        return out;
    }

    /** A text table of lines: seconds, share, GFLOP/s and, when peakGflops > 0, % of that peak. */
    public static String table(List<Line> lines, double peakGflops) {
        long total = 0;
        for (Line l : lines) total += l.nanos();
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-18s %-34s %7s %9s %6s %8s%s%n",
                "op", "shape", "calls", "seconds", "share", "GFLOP/s", peakGflops > 0 ? "  % peak" : ""));
        for (Line l : lines) {
            sb.append(String.format(Locale.ROOT, "%-18s %-34s %7d %9.3f %5.1f%% %8.1f", l.op(), l.shape(), l.calls(), l.seconds(),
                    total == 0 ? 0 : 100.0 * l.nanos() / total, l.gflops()));
            if (peakGflops > 0) sb.append(String.format(Locale.ROOT, "  %6.1f%%", 100 * l.gflops() / peakGflops));
            sb.append('\n');
        }
        sb.append(String.format(Locale.ROOT, "%-18s %-34s %7s %9.3f%n", "total", "", "", total / 1e9));
        return sb.toString();
    }
}
