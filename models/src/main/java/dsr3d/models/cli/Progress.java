package dsr3d.models.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress bar with elapsed time and ETA, drawn on stderr so that stdout stays clean for
 * tables and JSON. Work is measured in arbitrary units (steps, FLOPs, images); the ETA assumes
 * the remaining units go at the average rate so far.
 *
 * <p>On a terminal the bar redraws in place (at most 10 times a second); otherwise (CI logs,
 * redirected stderr) it prints a plain line at most every 5 seconds. Usage:
 * <pre>{@code
 * Progress p = new Progress("conv", totalFlops);
 * for (...) { ...; p.advance(flops, "c1 forward"); }
 * p.done();
 * }</pre>
 */
public final class Progress {
    private static final int BAR_WIDTH = 28;

    private final String label;
    private final double total;
    private final PrintStream out;
    private final boolean interactive;
    private final java.util.function.LongSupplier clock;
    private final long startNanos;
    private double doneUnits;
    private long lastDrawNanos;
    private double lastDrawnUnits = -1;
    private boolean finished;

    /** A bar on System.err, redrawn in place when a terminal is attached. */
    public Progress(String label, double totalUnits) {
        this(label, totalUnits, System.err, System.console() != null && System.console().isTerminal());
    }

    public Progress(String label, double totalUnits, PrintStream out, boolean interactive) {
        this(label, totalUnits, out, interactive, System::nanoTime);
    }

    /** As above with the clock (nanoseconds) injected, so tests can drive the time. */
    public Progress(String label, double totalUnits, PrintStream out, boolean interactive, java.util.function.LongSupplier nanoClock) {
        if (!(totalUnits > 0)) throw new IllegalArgumentException("Progress total must be > 0, got " + totalUnits);
        this.label = label;
        this.total = totalUnits;
        this.out = out;
        this.interactive = interactive;
        this.clock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
    }

    /** Records {@code units} more of work done; {@code note} says what is running now (may be null). */
    public void advance(double units, String note) {
        doneUnits = Math.min(total, doneUnits + units);
        long now = clock.getAsLong();
        long minGap = interactive ? 100_000_000L : 5_000_000_000L;
        if (now - lastDrawNanos >= minGap || doneUnits >= total) {
            lastDrawNanos = now;
            draw(note);
        }
    }

    /** Shows the current state without adding work (e.g. before a long step starts). */
    public void show(String note) {
        if (interactive) draw(note);
    }

    /** Marks the work complete and ends the line. */
    public void done() {
        if (finished) return;
        finished = true;
        doneUnits = total;
        if (interactive) {
            draw("done");
            out.println();
        } else if (lastDrawnUnits < total) {
            draw("done");
        }
        out.flush();
    }

    public double fraction() { return doneUnits / total; }

    /** Seconds left at the average rate so far; NaN before any work is done. */
    public double etaSeconds() {
        double elapsed = (clock.getAsLong() - startNanos) / 1e9;
        return doneUnits <= 0 ? Double.NaN : elapsed * (total - doneUnits) / doneUnits;
    }

    private void draw(String note) {
        lastDrawnUnits = doneUnits;
        double f = fraction();
        int filled = (int) Math.round(f * BAR_WIDTH);
        double elapsed = (clock.getAsLong() - startNanos) / 1e9;
        String line = String.format(Locale.ROOT, "%s [%s%s] %3.0f%% %s elapsed, ETA %s%s",
                label, "#".repeat(filled), ".".repeat(BAR_WIDTH - filled), 100 * f,
                clock(elapsed), clock(etaSeconds()), note == null ? "" : "  " + note);
        if (interactive) out.print("\r" + line + "\u001b[K"); // \e[K clears what a longer line left
        else out.println(line);
        out.flush();
    }

    /** 75 -> "1:15", 3725 -> "1:02:05", NaN -> "?". */
    static String clock(double seconds) {
        if (!Double.isFinite(seconds)) return "?";
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
