package dsr3d.models.viz;

/**
 * Perceptual colour maps as small tables of 11 evenly spaced stops (t = 0, 0.1, ..., 1),
 * linearly interpolated in RGB. VIRIDIS (matplotlib's, for depth: monotone lightness) and a
 * TURBO-like rainbow (for anomaly heatmaps: dark blue = normal, dark red = anomalous).
 */
public enum Colormap {
    VIRIDIS(new int[]{0x440154, 0x482475, 0x414487, 0x355f8d, 0x2a788e, 0x21918c, 0x22a884, 0x44bf70, 0x7ad151, 0xbddf26, 0xfde725}),
    TURBO(new int[]{0x30123b, 0x4145ab, 0x4675ed, 0x39a2fc, 0x1bcfd4, 0x24eca6, 0x61fc6c, 0xa4fc3b, 0xd1e834, 0xf3c63a, 0x7a0403}),
    ;

    private final int[] stops;

    Colormap(int[] stops) { this.stops = stops; }

    /** 0xRRGGBB for t in [0, 1] (clamped; NaN -> the colour of 0). */
    public int rgb(double t) {
        if (!(t > 0)) return stops[0];
        if (t >= 1) return stops[stops.length - 1];
        double pos = t * (stops.length - 1);
        int i = (int) pos;
        double f = pos - i;
        int a = stops[i], b = stops[i + 1];
        return mix(a >> 16 & 255, b >> 16 & 255, f) << 16 | mix(a >> 8 & 255, b >> 8 & 255, f) << 8 | mix(a & 255, b & 255, f);
    }

    private static int mix(int a, int b, double f) {
        return (int) Math.round(a + (b - a) * f);
    }
}
