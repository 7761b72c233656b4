package dsr3d.models.viz;

import dsr3d.simulate.io.ByteImage;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One picture per test sample, panels side by side with titles: the RGB image, the depth
 * (VIRIDIS, missing/background = 0 shown black), the RGB with the ground-truth outline (red),
 * and the anomaly heatmap (TURBO) blended over the RGB with the gt outline in white, plus a
 * colour bar with the score range. Any input except the anomaly map may be absent (null);
 * its panel is then left out. Inputs of different sizes are all shown at one panel size
 * (the anomaly map's aspect, at most 320 px high): images are scaled bilinearly, the gt
 * nearest-neighbour so that its outline stays one pixel wide.
 */
public final class AnomalyOverlay {
    static { PngOut.headless(); }

    private static final int PANEL_MAX = 320, PAD = 10, TITLE_H = 26, BAR_W = 16, BAR_AREA = 70;

    /**
     * Everything one overlay shows. Arrays are [H][W] row-major at their own sizes.
     *
     * @param scoreMin,scoreMax heatmap range (use the category's range to compare images;
     *                          NaN: this map's own min/max)
     */
    public record Sample(String title, ByteImage rgb, float[] depth, int depthWidth, int depthHeight,
                         boolean[] gt, int gtWidth, int gtHeight,
                         float[] anomaly, int mapWidth, int mapHeight, double scoreMin, double scoreMax) {}

    private AnomalyOverlay() {}

    /** Renders {@code sample} and writes it as a PNG (atomically). */
    public static void write(java.nio.file.Path file, Sample sample) throws java.io.IOException {
        PngOut.write(file, render(sample));
    }

    public static BufferedImage render(Sample s) { return render(s, null); }

    /** Writes the overlay with a panel "Object reconstruction" after the depth panel (RGB | depth |
     *  object reconstruction | ground truth | heatmap); recon as an image at any size (RGB, or gray for depth). */
    public static void write(java.nio.file.Path file, Sample sample, ByteImage objectRecon) throws java.io.IOException {
        PngOut.write(file, render(sample, objectRecon));
    }

    public static BufferedImage render(Sample s, ByteImage objectRecon) {
        if (s.anomaly() == null || s.anomaly().length != s.mapWidth() * s.mapHeight())
            throw new IllegalArgumentException("overlay '" + s.title() + "': anomaly map must have mapWidth*mapHeight values");
        double scale = Math.min(1.0 * PANEL_MAX / s.mapHeight(), 2.0 * PANEL_MAX / s.mapWidth());
        int pw = Math.max(1, (int) Math.round(s.mapWidth() * scale)), ph = Math.max(1, (int) Math.round(s.mapHeight() * scale));

        BufferedImage rgb = s.rgb() == null ? null : scaled(toImage(s.rgb()), pw, ph);
        boolean[] outline = s.gt() == null ? null : outline(nearest(s.gt(), s.gtWidth(), s.gtHeight(), pw, ph), pw, ph);
        double lo = s.scoreMin(), hi = s.scoreMax();
        if (Double.isNaN(lo) || Double.isNaN(hi)) {
            lo = Double.POSITIVE_INFINITY;
            hi = Double.NEGATIVE_INFINITY;
            for (float v : s.anomaly()) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
        }

        List<String> titles = new ArrayList<>();
        List<BufferedImage> panels = new ArrayList<>();
        if (rgb != null) { titles.add("RGB"); panels.add(rgb); }
        if (s.depth() != null) { titles.add("Depth"); panels.add(scaled(depthImage(s.depth(), s.depthWidth(), s.depthHeight()), pw, ph)); }
        if (objectRecon != null) { titles.add("Object reconstruction"); panels.add(scaled(toImage(objectRecon), pw, ph)); }
        if (outline != null) {
            BufferedImage gtPanel = rgb != null ? copy(rgb) : blank(pw, ph, 0x202020);
            paint(gtPanel, outline, 0xff2020);
            titles.add("Ground truth");
            panels.add(gtPanel);
        }
        BufferedImage heat = scaled(heatImage(s.anomaly(), s.mapWidth(), s.mapHeight(), lo, hi), pw, ph);
        if (rgb != null) heat = blend(rgb, heat, 0.55);
        if (outline != null) paint(heat, outline, 0xffffff);
        titles.add("Anomaly map");
        panels.add(heat);

        int n = panels.size();
        int width = PAD + n * (pw + PAD) + BAR_AREA, height = TITLE_H + 22 + ph + PAD;
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            g.drawString(s.title(), PAD, 19);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            FontMetrics fm = g.getFontMetrics();
            int top = TITLE_H + 22;
            for (int i = 0; i < n; i++) {
                int x = PAD + i * (pw + PAD);
                g.drawString(titles.get(i), x + (pw - fm.stringWidth(titles.get(i))) / 2, top - 6);
                g.drawImage(panels.get(i), x, top, null);
            }
            // colour bar of the heatmap
            int bx = PAD + n * (pw + PAD) + 4;
            for (int y = 0; y < ph; y++) {
                g.setColor(new Color(Colormap.TURBO.rgb(1.0 - (double) y / Math.max(1, ph - 1))));
                g.drawLine(bx, top + y, bx + BAR_W, top + y);
            }
            g.setColor(Color.DARK_GRAY);
            g.drawRect(bx, top, BAR_W, ph - 1);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            g.drawString(String.format(Locale.ROOT, "%.3g", hi), bx + BAR_W + 4, top + 10);
            g.drawString(String.format(Locale.ROOT, "%.3g", lo), bx + BAR_W + 4, top + ph);
        } finally {
            g.dispose();
        }
        return out;
    }

    // ---- panels ----

    static BufferedImage toImage(ByteImage rgb) {
        BufferedImage img = new BufferedImage(rgb.width(), rgb.height(), BufferedImage.TYPE_INT_RGB);
        byte[] d = rgb.data();
        int c = rgb.channels();
        for (int y = 0; y < rgb.height(); y++)
            for (int x = 0; x < rgb.width(); x++) {
                int i = (y * rgb.width() + x) * c;
                int r = d[i] & 255, gg = c >= 3 ? d[i + 1] & 255 : r, b = c >= 3 ? d[i + 2] & 255 : r;
                img.setRGB(x, y, r << 16 | gg << 8 | b);
            }
        return img;
    }

    /** Depth through VIRIDIS, normalised over the non-zero values; zeros (no data) black. */
    static BufferedImage depthImage(float[] depth, int w, int h) {
        if (depth.length != w * h) throw new IllegalArgumentException("depth has " + depth.length + " values, expected " + w + "x" + h);
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (float v : depth) if (v != 0 && Float.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        double range = hi > lo ? hi - lo : 1;
        for (int i = 0; i < depth.length; i++) {
            float v = depth[i];
            img.setRGB(i % w, i / w, v == 0 || !Float.isFinite(v) ? 0 : Colormap.VIRIDIS.rgb((v - lo) / range));
        }
        return img;
    }

    static BufferedImage heatImage(float[] map, int w, int h, double lo, double hi) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        double range = hi > lo ? hi - lo : 1;
        for (int i = 0; i < map.length; i++) img.setRGB(i % w, i / w, Colormap.TURBO.rgb((map[i] - lo) / range));
        return img;
    }

    static BufferedImage scaled(BufferedImage src, int w, int h) {
        if (src.getWidth() == w && src.getHeight() == h) return src;
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(src, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    static boolean[] nearest(boolean[] m, int w, int h, int ow, int oh) {
        if (m.length != w * h) throw new IllegalArgumentException("gt mask has " + m.length + " values, expected " + w + "x" + h);
        boolean[] out = new boolean[ow * oh];
        for (int y = 0; y < oh; y++) {
            int sy = Math.min(h - 1, (int) ((y + 0.5) * h / oh));
            for (int x = 0; x < ow; x++) out[y * ow + x] = m[sy * w + Math.min(w - 1, (int) ((x + 0.5) * w / ow))];
        }
        return out;
    }

    /** Mask pixels with a 4-neighbour outside the mask (or on the image border). */
    static boolean[] outline(boolean[] m, int w, int h) {
        boolean[] out = new boolean[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                if (!m[i]) continue;
                out[i] = x == 0 || y == 0 || x == w - 1 || y == h - 1 || !m[i - 1] || !m[i + 1] || !m[i - w] || !m[i + w];
            }
        return out;
    }

    private static void paint(BufferedImage img, boolean[] where, int rgb) {
        int w = img.getWidth();
        for (int i = 0; i < where.length; i++) if (where[i]) img.setRGB(i % w, i / w, rgb);
    }

    private static BufferedImage blend(BufferedImage base, BufferedImage top, double alpha) {
        int w = base.getWidth(), h = base.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int a = base.getRGB(x, y), b = top.getRGB(x, y), r = 0;
                for (int sh = 0; sh <= 16; sh += 8)
                    r |= (int) Math.round((1 - alpha) * (a >> sh & 255) + alpha * (b >> sh & 255)) << sh;
                out.setRGB(x, y, r);
            }
        return out;
    }

    private static BufferedImage copy(BufferedImage src) {
        return deepCopy(src);
    }

    private static BufferedImage deepCopy(BufferedImage src) {
        BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(src, 0, 0, null);
        g.dispose();
        return out;
    }

    private static BufferedImage blank(int w, int h, int rgb) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) out.setRGB(x, y, rgb);
        return out;
    }
}
