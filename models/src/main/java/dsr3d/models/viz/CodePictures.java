package dsr3d.models.viz;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Pictures of VQ codebook indices: a map of code indices with one colour per code, and the usage
 * histogram of a codebook (how often each code is chosen), coloured with the same per-code colours
 * so that a frequent code can be found in the map.
 */
public final class CodePictures {
    static { PngOut.headless(); }

    private CodePictures() {}

    /**
     * The colour of code k: hues spaced by the golden angle (neighbouring indices get very
     * different hues) with three saturation / brightness rings, so hundreds of codes stay distinct.
     */
    public static int color(int code) {
        float hue = (float) ((code * 0.6180339887498949) % 1.0);
        float sat = new float[]{0.85f, 0.55f, 0.95f}[code % 3];
        float bri = new float[]{0.95f, 0.80f, 0.62f}[(code / 3) % 3];
        return Color.HSBtoRGB(hue, sat, bri) & 0xffffff;
    }

    /**
     * indices [h*w] row-major, each cell drawn as a scale x scale block. {@code highlight} [h*w] (or
     * null): cells outside it are faded towards white and the highlighted region is outlined in black.
     */
    public static BufferedImage indexMap(int[] indices, int w, int h, int scale, boolean[] highlight) {
        if (indices.length != w * h) throw new IllegalArgumentException("index map has " + indices.length + " values, expected " + w + "x" + h);
        BufferedImage img = new BufferedImage(w * scale, h * scale, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h * scale; y++)
            for (int x = 0; x < w * scale; x++) {
                int i = (y / scale) * w + x / scale, c = color(indices[i]);
                if (highlight != null && !highlight[i]) c = fade(c, 0.7);
                boolean edge = highlight != null && highlight[i] && borders(highlight, w, h, x / scale, y / scale, x % scale, y % scale, scale);
                img.setRGB(x, y, edge ? 0 : c);
            }
        return img;
    }

    /** Whether pixel (px, py) of cell (cx, cy) lies on a side of the cell that touches a cell outside the region. */
    private static boolean borders(boolean[] m, int w, int h, int cx, int cy, int px, int py, int scale) {
        int t = Math.max(1, scale / 8);
        return (px < t && (cx == 0 || !m[cy * w + cx - 1])) || (px >= scale - t && (cx == w - 1 || !m[cy * w + cx + 1]))
                || (py < t && (cy == 0 || !m[(cy - 1) * w + cx])) || (py >= scale - t && (cy == h - 1 || !m[(cy + 1) * w + cx]));
    }

    private static int fade(int rgb, double towardsWhite) {
        int out = 0;
        for (int sh = 0; sh <= 16; sh += 8) out |= (int) Math.round((rgb >> sh & 255) * (1 - towardsWhite) + 255 * towardsWhite) << sh;
        return out;
    }

    /**
     * The usage histogram of a codebook of counts.length codes: one bar per used code, most used
     * first, height = share of all positions, coloured as in {@link #indexMap}; the header gives the
     * number of used codes and the perplexity exp(H) (H the entropy of the usage, nats; the number of
     * equally used codes that would give the same entropy).
     */
    public static BufferedImage usageHistogram(String title, long[] counts, double perplexity) {
        int wImg = 820, hImg = 380, left = 70, right = 20, top = 62, bottom = 52;
        long total = Arrays.stream(counts).sum();
        int[] order = IntStream.range(0, counts.length).filter(k -> counts[k] > 0).boxed()
                .sorted(Comparator.comparingLong((Integer k) -> -counts[k]).thenComparing(k -> k)).mapToInt(Integer::intValue).toArray();
        BufferedImage img = new BufferedImage(wImg, hImg, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, wImg, hImg);
            int pw = wImg - left - right, ph = hImg - top - bottom;
            double maxShare = order.length == 0 ? 1 : 100.0 * counts[order[0]] / total;
            double[] ticks = LinePlot.linearTicks(0, maxShare * 1.05, 5);
            double yMax = Math.max(maxShare * 1.05, ticks[ticks.length - 1]);
            Font small = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
            g.setFont(small);
            FontMetrics fm = g.getFontMetrics();
            for (double t : ticks) {
                int py = top + ph - (int) Math.round(t / yMax * ph);
                g.setColor(new Color(0xe6e6e6));
                g.drawLine(left, py, left + pw, py);
                g.setColor(Color.DARK_GRAY);
                String s = LinePlot.format(t);
                g.drawString(s, left - 8 - fm.stringWidth(s), py + fm.getAscent() / 2 - 1);
            }
            double bw = order.length == 0 ? pw : (double) pw / order.length;
            for (int r = 0; r < order.length; r++) {
                double share = 100.0 * counts[order[r]] / total;
                double bh = share / yMax * ph;
                g.setColor(new Color(color(order[r])));
                g.fill(new Rectangle2D.Double(left + r * bw, top + ph - bh, Math.max(1, bw - (bw > 4 ? 1 : 0)), bh));
            }
            // rank ticks on x
            g.setColor(Color.DARK_GRAY);
            if (order.length > 0)
                for (double t : LinePlot.linearTicks(1, Math.max(2, order.length), 8)) {
                    if (t < 1 || t > order.length) continue;
                    int px = left + (int) Math.round((t - 0.5) * bw);
                    g.drawLine(px, top + ph, px, top + ph + 5);
                    String s = LinePlot.format(t);
                    g.drawString(s, px - fm.stringWidth(s) / 2, top + ph + 8 + fm.getAscent());
                }
            g.setStroke(new BasicStroke(1f));
            g.drawRect(left, top, pw, ph);
            g.setColor(Color.BLACK);
            Font normal = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
            g.setFont(normal);
            fm = g.getFontMetrics();
            String xl = "codes in order of use (rank; one bar per used code, in its map colour)";
            g.drawString(xl, left + (pw - fm.stringWidth(xl)) / 2, hImg - 12);
            Graphics2D rot = (Graphics2D) g.create();
            rot.rotate(-Math.PI / 2);
            String yl = "share of positions (%)";
            rot.drawString(yl, -(top + (ph + fm.stringWidth(yl)) / 2), 20);
            rot.dispose();
            g.setFont(normal.deriveFont(Font.BOLD, 16f));
            g.drawString(title, left, 24);
            g.setFont(normal);
            g.drawString(String.format(Locale.ROOT, "%d of %d codes used over %,d positions; perplexity %.1f (at most %d)",
                    order.length, counts.length, total, perplexity, counts.length), left, 46);
        } finally {
            g.dispose();
        }
        return img;
    }
}
