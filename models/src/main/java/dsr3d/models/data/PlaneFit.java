package dsr3d.models.data;

import java.util.Random;

/**
 * Plane fitting for the BTF/M3DM preprocessing: least squares through a point set and RANSAC in
 * the manner of Open3D's {@code segment_plane} (sample ransac_n distinct points, least-squares
 * plane through them, count inliers with distance &lt; threshold, keep the best by inlier count
 * then RMSE, finally refit on the inliers of the best). Planes are {a, b, c, d} with a unit
 * normal and a x + b y + c z + d = 0, Open3D's convention.
 */
public final class PlaneFit {
    private PlaneFit() {}

    /**
     * Least-squares plane: through the centroid, normal = eigenvector of the smallest eigenvalue of
     * the covariance.
     *
     * @param pts [n][3] flat; idx which points to use (null = all)
     */
    public static double[] leastSquares(double[] pts, int[] idx) {
        int n = idx == null ? pts.length / 3 : idx.length;
        if (n < 3) throw new IllegalArgumentException("a plane needs at least 3 points, got " + n);
        double cx = 0, cy = 0, cz = 0;
        for (int k = 0; k < n; k++) {
            int i = idx == null ? k : idx[k];
            cx += pts[3 * i]; cy += pts[3 * i + 1]; cz += pts[3 * i + 2];
        }
        cx /= n; cy /= n; cz /= n;
        double[] cov = new double[9];
        for (int k = 0; k < n; k++) {
            int i = idx == null ? k : idx[k];
            double dx = pts[3 * i] - cx, dy = pts[3 * i + 1] - cy, dz = pts[3 * i + 2] - cz;
            cov[0] += dx * dx; cov[1] += dx * dy; cov[2] += dx * dz;
            cov[4] += dy * dy; cov[5] += dy * dz; cov[8] += dz * dz;
        }
        cov[3] = cov[1]; cov[6] = cov[2]; cov[7] = cov[5];
        double[] nrm = smallestEigenvector(cov);
        return new double[]{nrm[0], nrm[1], nrm[2], -(nrm[0] * cx + nrm[1] * cy + nrm[2] * cz)};
    }

    /** Point-to-plane distance for a plane with unit normal. */
    public static double distance(double[] plane, double x, double y, double z) {
        return Math.abs(plane[0] * x + plane[1] * y + plane[2] * z + plane[3]);
    }

    /**
     * RANSAC plane as Open3D segment_plane(distance_threshold, ransac_n, num_iterations).
     * Random, like the original: seed the generator for reproducible output.
     */
    public static double[] ransac(double[] pts, double threshold, int ransacN, int iterations, Random rng) {
        int n = pts.length / 3;
        if (n < ransacN) throw new IllegalArgumentException("RANSAC needs at least ransac_n = " + ransacN + " points, got " + n);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        int bestInliers = -1;
        double bestRmse = Double.POSITIVE_INFINITY;
        double[] best = null;
        int[] sample = new int[ransacN];
        for (int it = 0; it < iterations; it++) {
            for (int k = 0; k < ransacN; k++) {            // partial Fisher-Yates: ransac_n distinct points
                int j = k + rng.nextInt(n - k);
                int t = order[k]; order[k] = order[j]; order[j] = t;
                sample[k] = order[k];
            }
            double[] plane = leastSquares(pts, sample);
            int inl = 0;
            double se = 0;
            for (int i = 0; i < n; i++) {
                double d = distance(plane, pts[3 * i], pts[3 * i + 1], pts[3 * i + 2]);
                if (d < threshold) { inl++; se += d * d; }
            }
            double rmse = inl == 0 ? Double.POSITIVE_INFINITY : Math.sqrt(se / inl);
            if (inl > bestInliers || (inl == bestInliers && rmse < bestRmse)) {
                bestInliers = inl; bestRmse = rmse; best = plane;
            }
        }
        int[] inliers = new int[bestInliers];
        for (int i = 0, k = 0; i < n; i++)
            if (distance(best, pts[3 * i], pts[3 * i + 1], pts[3 * i + 2]) < threshold) inliers[k++] = i;
        return inliers.length >= 3 ? leastSquares(pts, inliers) : best;
    }

    /** Unit eigenvector of the smallest eigenvalue of a symmetric 3x3 matrix (cyclic Jacobi). */
    static double[] smallestEigenvector(double[] m) {
        double[] a = m.clone();
        double[] v = {1, 0, 0, 0, 1, 0, 0, 0, 1};
        for (int sweep = 0; sweep < 50; sweep++) {
            double off = a[1] * a[1] + a[2] * a[2] + a[5] * a[5];
            if (off < 1e-300) break;
            for (int p = 0; p < 2; p++)
                for (int q = p + 1; q < 3; q++) {
                    double apq = a[p * 3 + q];
                    if (apq == 0) continue;
                    double theta = (a[q * 3 + q] - a[p * 3 + p]) / (2 * apq);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    double c = 1 / Math.sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < 3; k++) {           // A = J^T A J
                        double akp = a[k * 3 + p], akq = a[k * 3 + q];
                        a[k * 3 + p] = c * akp - s * akq;
                        a[k * 3 + q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < 3; k++) {
                        double apk = a[p * 3 + k], aqk = a[q * 3 + k];
                        a[p * 3 + k] = c * apk - s * aqk;
                        a[q * 3 + k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < 3; k++) {
                        double vkp = v[k * 3 + p], vkq = v[k * 3 + q];
                        v[k * 3 + p] = c * vkp - s * vkq;
                        v[k * 3 + q] = s * vkp + c * vkq;
                    }
                }
        }
        int min = 0;
        for (int i = 1; i < 3; i++) if (a[i * 4] < a[min * 4]) min = i;
        double x = v[min], y = v[3 + min], z = v[6 + min];
        double len = Math.sqrt(x * x + y * y + z * z);
        return new double[]{x / len, y / len, z / len};
    }
}
