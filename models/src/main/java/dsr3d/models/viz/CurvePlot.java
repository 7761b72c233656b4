package dsr3d.models.viz;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * Line plots of metric curves (ROC, PRO) in the unit square with Java2D (headless): axes with
 * ticks every 0.1 (labels every 0.2), a grid, axis labels, a title and a legend that carries
 * each series' area value. For PRO curves an FPR integration limit is marked by a dashed line
 * and the integrated area under the first series is shaded.
 */
public final class CurvePlot {
    static { PngOut.headless(); }

    /** One curve; x and y in [0, 1], x non-decreasing. */
    public record Series(String label, double[] x, double[] y, Color color) {}

    public static final Color BLUE = new Color(0x1f77b4), ORANGE = new Color(0xff7f0e), GREEN = new Color(0x2ca02c);

    private static final int W = 640, H = 560, LEFT = 72, RIGHT = 24, TOP = 44, BOTTOM = 64;

    private CurvePlot() {}

    /**
     * @param limit FPR integration limit to mark and shade (NaN: none)
     */
    public static BufferedImage render(String title, String xLabel, String yLabel, List<Series> series, double limit) {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, W, H);
            int pw = W - LEFT - RIGHT, ph = H - TOP - BOTTOM;
            Font small = new Font(Font.SANS_SERIF, Font.PLAIN, 12), normal = new Font(Font.SANS_SERIF, Font.PLAIN, 14);

            // grid and ticks
            g.setFont(small);
            FontMetrics fm = g.getFontMetrics();
            for (int k = 0; k <= 10; k++) {
                double v = k / 10.0;
                int px = LEFT + (int) Math.round(v * pw), py = TOP + ph - (int) Math.round(v * ph);
                g.setColor(new Color(0xe6e6e6));
                g.drawLine(px, TOP, px, TOP + ph);
                g.drawLine(LEFT, py, LEFT + pw, py);
                g.setColor(Color.DARK_GRAY);
                g.drawLine(px, TOP + ph, px, TOP + ph + 5);
                g.drawLine(LEFT - 5, py, LEFT, py);
                if (k % 2 == 0) {
                    String s = String.format(Locale.ROOT, "%.1f", v);
                    g.drawString(s, px - fm.stringWidth(s) / 2, TOP + ph + 8 + fm.getAscent());
                    g.drawString(s, LEFT - 9 - fm.stringWidth(s), py + fm.getAscent() / 2 - 1);
                }
            }

            // shaded integral and limit marker
            if (!Double.isNaN(limit) && !series.isEmpty()) {
                Series s = series.getFirst();
                Path2D area = new Path2D.Double();
                area.moveTo(LEFT, TOP + ph);
                double lastY = 0;
                for (int i = 0; i < s.x().length; i++) {
                    if (s.x()[i] > limit) {
                        if (i > 0) {
                            double x0 = s.x()[i - 1], y0 = s.y()[i - 1];
                            lastY = y0 + (s.y()[i] - y0) * (limit - x0) / (s.x()[i] - x0);
                        }
                        area.lineTo(sx(limit, pw), sy(lastY, ph));
                        break;
                    }
                    area.lineTo(sx(s.x()[i], pw), sy(s.y()[i], ph));
                    lastY = s.y()[i];
                }
                area.lineTo(sx(limit, pw), TOP + ph);
                area.closePath();
                Color c = s.color();
                g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 50));
                g.fill(area);
                g.setColor(new Color(0xc03030));
                g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[]{6, 4}, 0));
                int lx = (int) Math.round(sx(limit, pw));
                g.drawLine(lx, TOP, lx, TOP + ph);
                g.setFont(small);
                g.drawString(String.format(Locale.ROOT, "FPR limit %.2f", limit), lx + 4, TOP + 14);
            }

            // axes box
            g.setStroke(new BasicStroke(1f));
            g.setColor(Color.DARK_GRAY);
            g.drawRect(LEFT, TOP, pw, ph);

            // curves
            g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            for (Series s : series) {
                Path2D p = new Path2D.Double();
                for (int i = 0; i < s.x().length; i++) {
                    if (i == 0) p.moveTo(sx(s.x()[i], pw), sy(s.y()[i], ph));
                    else p.lineTo(sx(s.x()[i], pw), sy(s.y()[i], ph));
                }
                g.setColor(s.color());
                g.draw(p);
            }

            // labels and title
            g.setColor(Color.BLACK);
            g.setFont(normal);
            fm = g.getFontMetrics();
            g.drawString(xLabel, LEFT + (pw - fm.stringWidth(xLabel)) / 2, H - 16);
            Graphics2D r = (Graphics2D) g.create();
            r.rotate(-Math.PI / 2);
            r.drawString(yLabel, -(TOP + (ph + fm.stringWidth(yLabel)) / 2), 22);
            r.dispose();
            g.setFont(normal.deriveFont(Font.BOLD, 16f));
            fm = g.getFontMetrics();
            g.drawString(title, (W - fm.stringWidth(title)) / 2, 28);

            // legend, bottom right inside the plot
            g.setFont(small);
            fm = g.getFontMetrics();
            int lw = 0;
            for (Series s : series) lw = Math.max(lw, fm.stringWidth(s.label()));
            int boxW = lw + 44, boxH = 8 + series.size() * (fm.getHeight() + 4);
            int bx = LEFT + pw - boxW - 10, by = TOP + ph - boxH - 10;
            g.setColor(new Color(255, 255, 255, 230));
            g.fillRect(bx, by, boxW, boxH);
            g.setColor(Color.GRAY);
            g.setStroke(new BasicStroke(1f));
            g.drawRect(bx, by, boxW, boxH);
            int ly = by + 6 + fm.getAscent();
            for (Series s : series) {
                g.setColor(s.color());
                g.setStroke(new BasicStroke(3f));
                g.drawLine(bx + 8, ly - fm.getAscent() / 2 + 1, bx + 30, ly - fm.getAscent() / 2 + 1);
                g.setColor(Color.BLACK);
                g.drawString(s.label(), bx + 36, ly);
                ly += fm.getHeight() + 4;
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    private static double sx(double x, int pw) { return LEFT + Math.max(0, Math.min(1, x)) * pw; }

    private static double sy(double y, int ph) { return TOP + ph - Math.max(0, Math.min(1, y)) * ph; }
}
