package dsr3d.models.data;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * DBSCAN on 3-D points in the order and with the conventions of Open3D's
 * {@code cluster_dbscan(eps, min_points)}: neighbourhoods are the points at squared distance
 * &lt; eps^2 (the point itself included), a point is core with at least min_points neighbours,
 * points are visited in index order, a noise point reached from a cluster becomes a border
 * point of it, labels are 0, 1, ... and -1 for noise. Neighbours are found with a uniform grid
 * of cell eps.
 */
public final class Dbscan {
    private Dbscan() {}

    /** @param pts [n][3] flat @return [n] labels */
    public static int[] labels(double[] pts, double eps, int minPoints) {
        int n = pts.length / 3;
        Map<Long, List<Integer>> grid = new HashMap<>();
        for (int i = 0; i < n; i++) grid.computeIfAbsent(cell(pts, i, eps), k -> new ArrayList<>()).add(i);
        final int unvisited = -2, noise = -1;
        int[] label = new int[n];
        java.util.Arrays.fill(label, unvisited);
        int cluster = -1;
        for (int i = 0; i < n; i++) {
            if (label[i] != unvisited) continue;
            int[] nb = neighbours(pts, i, eps, grid);
            if (nb.length < minPoints) { label[i] = noise; continue; }
            cluster++;
            label[i] = cluster;
            ArrayDeque<Integer> queue = new ArrayDeque<>();
            for (int j : nb) queue.add(j);
            while (!queue.isEmpty()) {
                int j = queue.poll();
                if (label[j] == noise) label[j] = cluster;     // border point
                if (label[j] != unvisited) continue;
                label[j] = cluster;
                int[] nbj = neighbours(pts, j, eps, grid);
                if (nbj.length >= minPoints) for (int k : nbj) queue.add(k);
            }
        }
        return label;
    }

    private static long cell(double[] p, int i, double eps) {
        return key((long) Math.floor(p[3 * i] / eps), (long) Math.floor(p[3 * i + 1] / eps), (long) Math.floor(p[3 * i + 2] / eps));
    }

    private static long key(long x, long y, long z) { return ((x & 0x1FFFFF) << 42) | ((y & 0x1FFFFF) << 21) | (z & 0x1FFFFF); }

    private static int[] neighbours(double[] p, int i, double eps, Map<Long, List<Integer>> grid) {
        long cx = (long) Math.floor(p[3 * i] / eps), cy = (long) Math.floor(p[3 * i + 1] / eps), cz = (long) Math.floor(p[3 * i + 2] / eps);
        double e2 = eps * eps;
        List<Integer> out = new ArrayList<>();
        for (long dx = -1; dx <= 1; dx++)
            for (long dy = -1; dy <= 1; dy++)
                for (long dz = -1; dz <= 1; dz++) {
                    List<Integer> c = grid.get(key(cx + dx, cy + dy, cz + dz));
                    if (c == null) continue;
                    for (int j : c) {
                        double ddx = p[3 * j] - p[3 * i], ddy = p[3 * j + 1] - p[3 * i + 1], ddz = p[3 * j + 2] - p[3 * i + 2];
                        if (ddx * ddx + ddy * ddy + ddz * ddz < e2) out.add(j);
                    }
                }
        out.sort(null);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
