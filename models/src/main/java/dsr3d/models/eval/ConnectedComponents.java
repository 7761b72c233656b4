package dsr3d.models.eval;

/**
 * Connected-component labelling of a binary mask with 8-connectivity (the 3x3 all-ones
 * structuring element of scipy.ndimage.label, used by the official AU-PRO): two foreground
 * pixels touching by an edge or only by a corner are in the same component.
 *
 * <p>Iterative flood fill with an explicit int queue (no recursion, so a 10^6-pixel blob
 * cannot overflow the stack). Seeds are taken in raster order, so labels 1..n are numbered by
 * the raster position of each component's first pixel, as scipy numbers them.
 */
public final class ConnectedComponents {
    private ConnectedComponents() {}

    /**
     * Labels {@code mask} ([H][W] row-major, true = foreground) into {@code labels}
     * (0 = background, 1..n = component), returns n.
     */
    public static int label8(boolean[] mask, int width, int height, int[] labels) {
        int n = width * height;
        if (width <= 0 || height <= 0 || mask.length != n || labels.length != n)
            throw new IllegalArgumentException("label8: mask of length " + mask.length + " and labels of length " + labels.length
                    + " do not match width x height = " + width + "x" + height);
        java.util.Arrays.fill(labels, 0);
        int[] queue = new int[n];
        int count = 0;
        for (int seed = 0; seed < n; seed++) {
            if (!mask[seed] || labels[seed] != 0) continue;
            int label = ++count;
            int head = 0, tail = 0;
            queue[tail++] = seed;
            labels[seed] = label;
            while (head < tail) {
                int p = queue[head++];
                int py = p / width, px = p - py * width;
                int y0 = Math.max(0, py - 1), y1 = Math.min(height - 1, py + 1);
                int x0 = Math.max(0, px - 1), x1 = Math.min(width - 1, px + 1);
                for (int y = y0; y <= y1; y++) {
                    for (int x = x0, q = y * width + x0; x <= x1; x++, q++) {
                        if (mask[q] && labels[q] == 0) {
                            labels[q] = label;
                            queue[tail++] = q; // each pixel enters once: tail <= n
                        }
                    }
                }
            }
        }
        return count;
    }
}
