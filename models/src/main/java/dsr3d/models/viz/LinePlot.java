package dsr3d.models.viz;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Line plots over arbitrary ranges (training curves: loss terms against the step), where
 * {@link CurvePlot} draws the unit square of ROC / PRO curves. Java2D, headless: "nice" ticks
 * (1, 2, 5 x 10^k) on both axes, a linear or logarithmic y axis, a grid, axis labels, a title and
 * a legend outside the plot on the right. A series is a line, optionally with its raw values drawn
 * thin and pale beneath a moving average (noisy per-step losses), or dots only (sparse values such
 * as validation AUROC). Non-finite values (and values <= 0 on a log axis) are left out (lines join their neighbours).
 */
public final class LinePlot {
    static { PngOut.headless(); }

    /** How a series is drawn. */
    public enum Style { LINE, SMOOTHED, DOTS }

    /** One series: x and y of equal length; x need not be sorted for DOTS, must be for lines. */
    public record Series(String label, double[] x, double[] y, Color color, Style style) {
        public Series {
            if (x.length != y.length) throw new IllegalArgumentException("series '" + label + "': " + x.length + " x but " + y.length + " y values");
        }
    }

    /** The y axis: linear, or log10 (for losses that span decades). yMin/yMax NaN: from the data. */
    public record Axes(String title, String xLabel, String yLabel, boolean logY, double yMin, double yMax) {}

    /** A palette of distinguishable line colours (matplotlib's tab10). */
    public static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
            new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};

    private static final int W = 860, H = 440, LEFT = 78, TOP = 40, BOTTOM = 56;

    private LinePlot() {}

    public static BufferedImage render(Axes axes, List<Series> series) {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, W, H);
            Font small = new Font(Font.SANS_SERIF, Font.PLAIN, 12), normal = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
            int legendW = 0;   // the legend's width: its longest label plus the line sample
            for (Series s : series) legendW = Math.max(legendW, g.getFontMetrics(small).stringWidth(s.label()) + 40);
            int pw = W - LEFT - legendW - 16, ph = H - TOP - BOTTOM;

            double[] xr = range(series, true, false), yr = range(series, false, axes.logY());
            if (!Double.isNaN(axes.yMin())) yr[0] = axes.logY() ? Math.log10(axes.yMin()) : axes.yMin();
            if (!Double.isNaN(axes.yMax())) yr[1] = axes.logY() ? Math.log10(axes.yMax()) : axes.yMax();
            if (!(yr[1] > yr[0])) { yr[0] -= 0.5; yr[1] += 0.5; }
            if (!(xr[1] > xr[0])) { xr[0] -= 0.5; xr[1] += 0.5; }
            if (Double.isNaN(axes.yMin()) && Double.isNaN(axes.yMax())) {   // a margin of 4 % so the extremes stay visible
                double m = 0.04 * (yr[1] - yr[0]);
                yr[0] -= m;
                yr[1] += m;
            }
            Frame f = new Frame(LEFT, TOP, pw, ph, xr[0], xr[1], yr[0], yr[1]);

            // grid, ticks and their labels
            g.setFont(small);
            FontMetrics fm = g.getFontMetrics();
            for (double v : linearTicks(xr[0], xr[1], 8)) {
                int px = (int) Math.round(f.px(v));
                g.setColor(new Color(0xe6e6e6));
                g.drawLine(px, TOP, px, TOP + ph);
                g.setColor(Color.DARK_GRAY);
                g.drawLine(px, TOP + ph, px, TOP + ph + 5);
                String s = format(v);
                g.drawString(s, px - fm.stringWidth(s) / 2, TOP + ph + 8 + fm.getAscent());
            }
            List<double[]> yTicks = axes.logY() ? logTicks(yr[0], yr[1]) : wrap(linearTicks(yr[0], yr[1], 6));
            for (double[] t : yTicks) {   // t = {position on the axis, value shown}
                int py = (int) Math.round(f.py(t[0]));
                g.setColor(new Color(0xe6e6e6));
                g.drawLine(LEFT, py, LEFT + pw, py);
                g.setColor(Color.DARK_GRAY);
                g.drawLine(LEFT - 5, py, LEFT, py);
                String s = format(t[1]);
                g.drawString(s, LEFT - 9 - fm.stringWidth(s), py + fm.getAscent() / 2 - 1);
            }
            g.setColor(Color.DARK_GRAY);
            g.drawRect(LEFT, TOP, pw, ph);

            // series, clipped to the plot
            Graphics2D c = (Graphics2D) g.create();
            c.clipRect(LEFT, TOP, pw + 1, ph + 1);
            for (Series s : series) draw(c, f, s, axes.logY());
            c.dispose();

            // axis labels and title
            g.setColor(Color.BLACK);
            g.setFont(normal);
            fm = g.getFontMetrics();
            g.drawString(axes.xLabel(), LEFT + (pw - fm.stringWidth(axes.xLabel())) / 2, H - 14);
            Graphics2D r = (Graphics2D) g.create();
            r.rotate(-Math.PI / 2);
            String yl = axes.yLabel() + (axes.logY() ? " (log scale)" : "");
            r.drawString(yl, -(TOP + (ph + fm.stringWidth(yl)) / 2), 20);
            r.dispose();
            g.setFont(normal.deriveFont(Font.BOLD, 16f));
            fm = g.getFontMetrics();
            g.drawString(axes.title(), LEFT + (pw - fm.stringWidth(axes.title())) / 2, 26);

            // legend, right of the plot
            g.setFont(small);
            fm = g.getFontMetrics();
            int lx = LEFT + pw + 16, ly = TOP + 4 + fm.getAscent();
            for (Series s : series) {
                g.setColor(s.color());
                int my = ly - fm.getAscent() / 2 + 1;
                if (s.style() == Style.DOTS) g.fill(new Ellipse2D.Double(lx + 9, my - 4, 8, 8));
                else {
                    g.setStroke(new BasicStroke(3f));
                    g.drawLine(lx, my, lx + 24, my);
                }
                g.setColor(Color.BLACK);
                g.drawString(s.label(), lx + 30, ly);
                ly += fm.getHeight() + 6;
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    /** Pixel mapping of the data ranges (y already log10 on a log axis). */
    private record Frame(int left, int top, int pw, int ph, double x0, double x1, double y0, double y1) {
        double px(double x) { return left + (x - x0) / (x1 - x0) * pw; }
        double py(double y) { return top + ph - (y - y0) / (y1 - y0) * ph; }
    }

    private static void draw(Graphics2D g, Frame f, Series s, boolean logY) {
        double[] y = s.y().clone();
        for (int i = 0; i < y.length; i++) y[i] = logY ? (y[i] > 0 ? Math.log10(y[i]) : Double.NaN) : y[i];
        Color col = s.color();
        switch (s.style()) {
            case DOTS -> {
                g.setColor(col);
                for (int i = 0; i < y.length; i++)
                    if (Double.isFinite(y[i]) && Double.isFinite(s.x()[i]))
                        g.fill(new Ellipse2D.Double(f.px(s.x()[i]) - 3.5, f.py(y[i]) - 3.5, 7, 7));
                g.setStroke(new BasicStroke(1.2f));
                polyline(g, f, s.x(), y);
            }
            case LINE -> {
                g.setColor(col);
                g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                polyline(g, f, s.x(), y);
            }
            case SMOOTHED -> {
                g.setColor(new Color(col.getRed(), col.getGreen(), col.getBlue(), 60));
                g.setStroke(new BasicStroke(1f));
                polyline(g, f, s.x(), y);
                g.setColor(col);
                g.setStroke(new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                polyline(g, f, s.x(), movingAverage(y, Math.max(1, y.length / 40)));
            }
        }
    }

    /** A path through the finite points; a missing (non-finite) value is skipped, the line goes on to the next point. */
    private static void polyline(Graphics2D g, Frame f, double[] x, double[] y) {
        Path2D p = new Path2D.Double();
        boolean open = false;
        int points = 0;
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i]) || !Double.isFinite(y[i])) continue;
            if (open) p.lineTo(f.px(x[i]), f.py(y[i]));
            else p.moveTo(f.px(x[i]), f.py(y[i]));
            open = true;
            points++;
        }
        if (points > 1) g.draw(p);
    }

    /** Centred moving average over 2 half + 1 values (fewer at the ends), skipping non-finite values. */
    static double[] movingAverage(double[] y, int half) {
        double[] out = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            double sum = 0;
            int n = 0;
            for (int j = Math.max(0, i - half); j <= Math.min(y.length - 1, i + half); j++)
                if (Double.isFinite(y[j])) { sum += y[j]; n++; }
            out[i] = Double.isFinite(y[i]) && n > 0 ? sum / n : Double.NaN;
        }
        return out;
    }

    /** {min, max} of the finite x (or y, log10 of the positive ones on a log axis) of all series. */
    private static double[] range(List<Series> series, boolean x, boolean log) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (Series s : series)
            for (double v : x ? s.x() : s.y()) {
                if (log) v = v > 0 ? Math.log10(v) : Double.NaN;
                if (Double.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
            }
        return lo <= hi ? new double[]{lo, hi} : new double[]{0, 1};
    }

    /** Ticks at multiples of a 1, 2 or 5 x 10^k step, about {@code target} of them in [lo, hi]. */
    static double[] linearTicks(double lo, double hi, int target) {
        double raw = (hi - lo) / target, mag = Math.pow(10, Math.floor(Math.log10(raw))), step;
        double r = raw / mag;
        step = (r < 1.5 ? 1 : r < 3.5 ? 2 : r < 7.5 ? 5 : 10) * mag;
        List<Double> t = new ArrayList<>();
        for (double v = Math.ceil(lo / step - 1e-9) * step; v <= hi + 1e-9 * step; v += step) t.add(Math.abs(v) < 1e-12 * step ? 0 : v);
        return t.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Log-axis ticks {log10 v, v}: 1, 2, 5 x 10^k, or only the powers of ten when those are too many. */
    static List<double[]> logTicks(double lo, double hi) {
        List<double[]> out = new ArrayList<>();
        int[] mult = hi - lo > 4 ? new int[]{1} : new int[]{1, 2, 5};
        for (int k = (int) Math.floor(lo); k <= (int) Math.ceil(hi); k++)
            for (int m : mult) {
                double v = m * Math.pow(10, k), p = Math.log10(v);
                if (p >= lo - 1e-9 && p <= hi + 1e-9) out.add(new double[]{p, v});
            }
        if (out.size() < 2) for (double v : linearTicks(Math.pow(10, lo), Math.pow(10, hi), 4)) if (v > 0) out.add(new double[]{Math.log10(v), v});
        return out;
    }

    private static List<double[]> wrap(double[] ticks) {
        List<double[]> out = new ArrayList<>();
        for (double v : ticks) out.add(new double[]{v, v});
        return out;
    }

    /** Short tick text: integers plainly (with k for thousands), small or large numbers in %g. */
    static String format(double v) {
        if (v == 0) return "0";
        double a = Math.abs(v);
        if (a >= 10000 && v == Math.rint(v) && v % 1000 == 0) return String.format(Locale.ROOT, "%dk", (long) (v / 1000));
        if (a >= 1 && v == Math.rint(v)) return String.format(Locale.ROOT, "%d", (long) v);
        if (a >= 1e-3 && a < 1e5) return String.format(Locale.ROOT, "%.4g", v).replaceAll("(\\.\\d*?)0+$", "$1").replaceAll("\\.$", "");
        return String.format(Locale.ROOT, "%.0e", v);
    }
}
