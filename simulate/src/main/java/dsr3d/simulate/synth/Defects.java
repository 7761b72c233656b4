package dsr3d.simulate.synth;

import dsr3d.simulate.Rng;
import dsr3d.simulate.noise.Perlin;

/**
 * Puts one defect on an object: geometric ones change {@code height} (metres), the colour one
 * changes {@code albedo}; each writes its class id into {@code gt} where it made a visible
 * change on the object. Defects are centred at a random "core" pixel of the object, and sized in
 * fractions of the image side so they look the same at any resolution; {@code scale} multiplies
 * those fractions (1 = the benchmark; larger for small images, where a defect of a few pixels is
 * smaller than one 4 x 4 code cell of the DADA's hi level); {@code relief} multiplies the depth of
 * the geometric ones (1 = the benchmark's 2.5-4 mm).
 */
final class Defects {
    private Defects() {}

    /** Relief below this (metres) is not counted as defective in the ground truth. */
    static final double GT_RELIEF = 0.0004;

    /** Applies {@code type} at size {@code scale} and depth {@code relief}; returns the number of gt pixels written (> 0 when the object has a core). */
    static int apply(DefectType type, ObjectModel obj, float[] height, float[] albedo, byte[] gt, Rng rng, double scale, double relief) {
        int size = obj.size();
        int centre = pickCore(obj, rng);
        double cx = centre % size, cy = centre / size;
        float[] before = height.clone();
        switch (type) {
            case BUMP, DENT -> blob(height, size * scale, size, cx, cy, rng, type == DefectType.BUMP ? 1 : -1, relief);
            case CRACK -> crack(height, size * scale, size, cx, cy, rng, relief);
            case COLOR -> { return stain(albedo, obj, gt, size * scale, cx, cy, rng, type.classId()); }
        }
        int count = 0;
        for (int i = 0; i < gt.length; i++)
            if (obj.height()[i] > 0 && Math.abs(height[i] - before[i]) > GT_RELIEF) { gt[i] = (byte) type.classId(); count++; }
        return count;
    }

    static int pickCore(ObjectModel obj, Rng rng) {
        boolean[] core = obj.core();
        int count = 0;
        for (boolean b : core) if (b) count++;
        if (count == 0) throw new IllegalStateException("object has no core pixels to place a defect (image too small?)");
        int k = rng.nextInt(count);
        for (int i = 0; i < core.length; i++) if (core[i] && k-- == 0) return i;
        throw new AssertionError();
    }

    /** A smooth round bump (sign +1) or dent (-1), relief x 2.5-4 mm deep, radius 4-7 % of {@code extent} (the scaled image side). */
    private static void blob(float[] height, double extent, int size, double cx, double cy, Rng rng, int sign, double relief) {
        double r = extent * rng.uniform(0.04, 0.07), depth = rng.uniform(0.0025, 0.004);
        double aspect = rng.uniform(0.6, 1), ang = rng.uniform(0, Math.PI), ca = Math.cos(ang), sa = Math.sin(ang);
        for (int y = (int) Math.max(0, cy - r - 1); y <= Math.min(size - 1, cy + r + 1); y++)
            for (int x = (int) Math.max(0, cx - r - 1); x <= Math.min(size - 1, cx + r + 1); x++) {
                int i = y * size + x;
                if (height[i] <= 0) continue;
                double u = ((x - cx) * ca + (y - cy) * sa) / r, v = (-(x - cx) * sa + (y - cy) * ca) / (r * aspect);
                double d2 = u * u + v * v;
                if (d2 >= 1) continue;
                double f = (1 - d2) * (1 - d2);
                height[i] = (float) Math.max(0.0002, height[i] + sign * relief * depth * f);
            }
    }

    /** A random-walk crack: a polyline of 4-8 segments, a V-groove 1.5-3 px wide (at 384) and relief x 2.5-4 mm deep. */
    private static void crack(float[] height, double extent, int size, double cx, double cy, Rng rng, double relief) {
        int segments = rng.intBetween(4, 8);
        double[] px = new double[segments + 1], py = new double[segments + 1];
        px[0] = cx;
        py[0] = cy;
        double heading = rng.uniform(0, 2 * Math.PI);
        for (int s = 1; s <= segments; s++) {
            heading += rng.uniform(-0.7, 0.7);
            double len = extent * rng.uniform(0.025, 0.05);
            px[s] = px[s - 1] + len * Math.cos(heading);
            py[s] = py[s - 1] + len * Math.sin(heading);
        }
        double halfWidth = Math.max(1.0, extent * rng.uniform(0.002, 0.004)), depth = rng.uniform(0.0025, 0.004);
        double minX = Double.MAX_VALUE, maxX = -1, minY = Double.MAX_VALUE, maxY = -1;
        for (int s = 0; s <= segments; s++) { minX = Math.min(minX, px[s]); maxX = Math.max(maxX, px[s]); minY = Math.min(minY, py[s]); maxY = Math.max(maxY, py[s]); }
        for (int y = (int) Math.max(0, minY - halfWidth - 1); y <= Math.min(size - 1, maxY + halfWidth + 1); y++)
            for (int x = (int) Math.max(0, minX - halfWidth - 1); x <= Math.min(size - 1, maxX + halfWidth + 1); x++) {
                int i = y * size + x;
                if (height[i] <= 0) continue;
                double d = Double.MAX_VALUE;
                for (int s = 0; s < segments; s++) d = Math.min(d, Fields.segmentDistance(x, y, px[s], py[s], px[s + 1], py[s + 1]));
                if (d >= halfWidth + 0.5) continue;
                double f = Math.min(1, 1 - (d - 0.5) / halfWidth);   // V profile, full depth on the centre line
                height[i] = (float) Math.max(0.0002, height[i] - relief * depth * f);
            }
    }

    /** Stain colours: soot, rust, blue ink, green, red, white powder. */
    private static final float[][] STAIN_COLOURS = {{0.08f, 0.07f, 0.06f}, {0.55f, 0.2f, 0.08f}, {0.15f, 0.25f, 0.6f},
            {0.2f, 0.45f, 0.15f}, {0.75f, 0.15f, 0.2f}, {0.9f, 0.9f, 0.85f}};

    /** A random stain colour that differs clearly from the surface at pixel i (so a stain on black rubber is not black). */
    private static float[] stainColour(float[] albedo, int n, int i, Rng rng) {
        double[] difference = new double[STAIN_COLOURS.length];
        int[] ok = new int[STAIN_COLOURS.length];
        int k = 0;
        for (int c = 0; c < STAIN_COLOURS.length; c++) {
            double diff = 0;
            for (int ch = 0; ch < 3; ch++) diff += Math.abs(STAIN_COLOURS[c][ch] - albedo[ch * n + i]);
            difference[c] = diff;
            if (diff > 0.6) ok[k++] = c;
        }
        if (k > 0) return STAIN_COLOURS[ok[rng.nextInt(k)]];
        int best = 0;
        for (int c = 1; c < difference.length; c++) if (difference[c] > difference[best]) best = c;
        return STAIN_COLOURS[best];
    }

    /** A stain: a noisy blob of a foreign colour (dark, rust, blue or green), albedo only. */
    private static int stain(float[] albedo, ObjectModel obj, byte[] gt, double extent, double cx, double cy, Rng rng, int classId) {
        int size = obj.size(), n = size * size;
        double r = extent * rng.uniform(0.045, 0.08);
        float[] colour = stainColour(albedo, n, (int) cy * size + (int) cx, rng);
        double opacity = rng.uniform(0.65, 0.9);
        int box = (int) Math.ceil(2 * r) + 2;
        int boxSize = box * 2;
        float[] edge = Perlin.fractal(boxSize, boxSize, 2, 3, rng);
        int count = 0;
        for (int y = (int) Math.max(0, cy - box); y < Math.min(size, cy + box); y++)
            for (int x = (int) Math.max(0, cx - box); x < Math.min(size, cx + box); x++) {
                int i = y * size + x;
                if (obj.height()[i] <= 0) continue;
                int by = (int) (y - cy + box), bx = (int) (x - cx + box);
                double d = Math.hypot(x - cx, y - cy) / r + 0.6 * edge[Math.min(boxSize - 1, by) * boxSize + Math.min(boxSize - 1, bx)];
                if (d >= 1) continue;
                double a = opacity * Fields.smoothstep((1 - d) * 4);
                Fields.paint(albedo, n, i, colour, 1, a);
                if (a > 0.3) { gt[i] = (byte) classId; count++; }
            }
        if (count == 0) { // noise ate the whole blob: paint the centre pixel so the label is honest
            int i = (int) cy * size + (int) cx;
            Fields.paint(albedo, n, i, colour, 1, opacity);
            gt[i] = (byte) classId;
            count = 1;
        }
        return count;
    }
}
