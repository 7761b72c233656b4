package dsr3d.models.viz;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Pictures side by side in rows, each with a title above it, all scaled to one panel side (nearest
 * neighbour for maps whose cells must stay sharp, bilinear for images), on white; an optional
 * label at the left of each row. Plus the conversions of model tensors to panels: RGB channels
 * and depth (VIRIDIS on [0, 1], the range of the preprocessed depth) of planar [C][H][W] values.
 */
public final class PanelGrid {
    static { PngOut.headless(); }

    /** One picture and its title; {@code sharp}: scale with nearest neighbour. */
    public record Panel(String title, BufferedImage image, boolean sharp) {}

    private static final int PAD = 10, TITLE_H = 22, LABEL_W = 70;

    private PanelGrid() {}

    /** rowLabels: one per row, or null for none. */
    public static BufferedImage render(List<List<Panel>> rows, List<String> rowLabels, int side) {
        int cols = rows.stream().mapToInt(List::size).max().orElse(1);
        int left = rowLabels == null ? PAD : LABEL_W;
        int w = left + cols * (side + PAD), h = PAD + rows.size() * (TITLE_H + side + PAD);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
            for (int r = 0; r < rows.size(); r++) {
                int y = PAD + r * (TITLE_H + side + PAD);
                if (rowLabels != null) {
                    g.setColor(Color.BLACK);
                    g.setFont(font.deriveFont(Font.BOLD));
                    g.drawString(rowLabels.get(r), PAD, y + TITLE_H + side / 2);
                }
                for (int c = 0; c < rows.get(r).size(); c++) {
                    Panel p = rows.get(r).get(c);
                    int x = left + c * (side + PAD);
                    g.setFont(font);
                    FontMetrics fm = g.getFontMetrics();
                    String t = fit(p.title(), fm, side);
                    g.setColor(Color.BLACK);
                    g.drawString(t, x + (side - fm.stringWidth(t)) / 2, y + TITLE_H - 7);
                    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, p.sharp() ? RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR
                            : RenderingHints.VALUE_INTERPOLATION_BILINEAR);
                    g.drawImage(p.image(), x, y + TITLE_H, side, side, null);
                    g.setColor(Color.LIGHT_GRAY);
                    g.drawRect(x - 1, y + TITLE_H - 1, side + 1, side + 1);
                }
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /** The title, shortened with an ellipsis to fit the panel width. */
    private static String fit(String s, FontMetrics fm, int width) {
        if (fm.stringWidth(s) <= width) return s;
        while (s.length() > 1 && fm.stringWidth(s + "…") > width) s = s.substring(0, s.length() - 1);
        return s + "…";
    }

    /** Channels first..first+2 of planar [C][h][w] values as RGB, clamped to [0, 1]. */
    public static BufferedImage rgb(float[] chw, int first, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int n = w * h;
        for (int i = 0; i < n; i++)
            img.setRGB(i % w, i / w, byteOf(chw[first * n + i]) << 16 | byteOf(chw[(first + 1) * n + i]) << 8 | byteOf(chw[(first + 2) * n + i]));
        return img;
    }

    /** Channel ch of planar values through VIRIDIS on [0, 1] (preprocessed depth: object in [0.1, 0.9], background 0). */
    public static BufferedImage depth(float[] chw, int ch, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int n = w * h;
        for (int i = 0; i < n; i++) img.setRGB(i % w, i / w, Colormap.VIRIDIS.rgb(chw[ch * n + i]));
        return img;
    }

    /** A 0/1 (or probability) map [h*w] in gray: 0 black, 1 white. */
    public static BufferedImage gray(float[] v, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < w * h; i++) { int b = byteOf(v[i]); img.setRGB(i % w, i / w, b << 16 | b << 8 | b); }
        return img;
    }

    /** A probability map [h*w] through TURBO on [0, 1]. */
    public static BufferedImage heat(float[] v, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < w * h; i++) img.setRGB(i % w, i / w, Colormap.TURBO.rgb(v[i]));
        return img;
    }

    /** base with the pixels where mask > 0.5 tinted red (alpha 0.5). Same size. */
    public static BufferedImage tint(BufferedImage base, float[] mask) {
        int w = base.getWidth(), h = base.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < w * h; i++) {
            int c = base.getRGB(i % w, i / w);
            if (mask[i] > 0.5f) c = ((c >> 16 & 255) + 255) / 2 << 16 | (c >> 8 & 255) / 2 << 8 | (c & 255) / 2;
            out.setRGB(i % w, i / w, c & 0xffffff);
        }
        return out;
    }

    private static int byteOf(float f) { return (int) Math.round(Math.max(0, Math.min(1, Float.isNaN(f) ? 0 : f)) * 255); }
}
