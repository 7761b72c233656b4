package dsr3d.simulate.synth;

import dsr3d.simulate.Rng;
import dsr3d.simulate.io.ByteImage;
import dsr3d.simulate.io.FloatImage;

/**
 * Renders an object on a tilted background plane into what an RGB-D sensor such as MVTec
 * 3D-AD's delivers: an 8-bit RGB image and a pixel-aligned organised point cloud in metres.
 *
 * <p>Geometry. A pinhole camera (focal length {@link #FOCAL_PER_SIDE} x image side, principal
 * point at the image centre) looks at a plane about 0.5 m away, tilted 3-10 degrees about both
 * axes (exact ray-plane intersection, so the 3DSR corner plane fit has a true plane). The object
 * height h (metres) is subtracted from the plane depth along the view axis; x and y follow from
 * the pinhole model, x = z (u - cx) / f.
 *
 * <p>Appearance. Lambert + a little Blinn-Phong specular under one directional light 30-65
 * degrees above the plane, ambient term, cast shadows (march towards the light over the
 * height field, then a 3x3 blur for soft edges), sensor noise, 8-bit quantisation. Albedo
 * texture makes RGB vary strongly where depth does not. Geometric defects are shaded with only
 * {@link #DEFECT_SHADING} of their relief, so they stay nearly invisible in RGB.
 *
 * <p>Sensor. Gaussian depth noise (0.1-0.2 mm), points lost where the surface is steeper than
 * {@link #MAX_VIEW_ANGLE_DEG} to the line of sight (object sides, edges), a one-pixel fringe
 * lost with probability 0.5 around those, and sparse random dropouts; lost points are (0,0,0).
 */
final class SceneRenderer {
    static final double FOCAL_PER_SIDE = 3.3;
    static final double MAX_VIEW_ANGLE_DEG = 72;
    static final double DEFECT_SHADING = 0.08;

    /** The pixel size on the plane at the nominal distance, for generators that think in pixels. */
    static double nominalPixelMetres(int size) { return 0.5 / (FOCAL_PER_SIDE * size); }

    record Rendered(ByteImage rgb, FloatImage xyz) {}

    /**
     * @param clean   defect-free object (its height is used for the shading of geometric defects)
     * @param height  final height [H][W] in metres (with geometric defects)
     * @param albedo  final albedo [3][H][W] (with colour defects)
     */
    static Rendered render(ObjectModel clean, float[] height, float[] albedo, Rng rng) {
        int size = clean.size(), n = size * size;
        double f = FOCAL_PER_SIDE * size, c = size / 2.0;
        // Plane z = z0 + gx X + gy Y; along the ray (a, b, 1): z = z0 / (1 - gx a - gy b).
        double z0 = rng.uniform(0.48, 0.52);
        double gx = Math.tan(Math.toRadians(rng.uniform(3, 10) * (rng.chance(0.5) ? 1 : -1)));
        double gy = Math.tan(Math.toRadians(rng.uniform(3, 10) * (rng.chance(0.5) ? 1 : -1)));
        float[] z = new float[n], zShade = new float[n], hShade = new float[n];
        float[] cleanH = clean.height();
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++) {
                int i = y * size + x;
                double a = (x + 0.5 - c) / f, b = (y + 0.5 - c) / f;
                double plane = z0 / (1 - gx * a - gy * b);
                hShade[i] = (float) (cleanH[i] + DEFECT_SHADING * (height[i] - cleanH[i]));
                z[i] = (float) (plane - height[i]);
                zShade[i] = (float) (plane - hShade[i]);
            }

        // Light: azimuth anywhere, elevation 30-65 degrees above the plane; direction towards the light.
        double az = rng.uniform(0, 2 * Math.PI), el = Math.toRadians(rng.uniform(30, 65));
        double lx = Math.cos(el) * Math.cos(az), ly = Math.cos(el) * Math.sin(az), lz = -Math.sin(el);
        float[] shadow = shadows(hShade, size, Math.cos(az), Math.sin(az), Math.tan(el), z0 / f);
        double ambient = rng.uniform(0.25, 0.4), gain = rng.uniform(0.85, 1.1), spec = rng.uniform(0.03, 0.12);

        byte[] rgb = new byte[3 * n];
        float[] xyz = new float[3 * n];
        double cosMax = Math.cos(Math.toRadians(MAX_VIEW_ANGLE_DEG));
        boolean[] steep = new boolean[n];
        double[] nrm = new double[3];
        double rgbNoise = rng.uniform(0.004, 0.01), depthNoise = rng.uniform(0.0001, 0.0002);
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++) {
                int i = y * size + x;
                normal(zShade, size, x, y, f, nrm);
                double ndl = Math.max(0, nrm[0] * lx + nrm[1] * ly + nrm[2] * lz);
                // Half vector between the light and the view direction (camera at the origin, looking +z).
                double vx = -(x + 0.5 - c) / f, vy = -(y + 0.5 - c) / f, vz = -1, vl = Math.sqrt(vx * vx + vy * vy + 1);
                vx /= vl; vy /= vl; vz /= vl;
                double hx = lx + vx, hy = ly + vy, hz = lz + vz, hl = Math.sqrt(hx * hx + hy * hy + hz * hz);
                double ndh = Math.max(0, (nrm[0] * hx + nrm[1] * hy + nrm[2] * hz) / hl);
                double lit = ambient + (1 - ambient) * ndl * shadow[i];
                double p8 = ndh * ndh; p8 *= p8; p8 *= p8;                 // ndh^40 = ndh^8 * ndh^32
                double p32 = p8 * p8; p32 *= p32;
                double highlight = spec * p8 * p32 * shadow[i];
                for (int ch = 0; ch < 3; ch++) {
                    double v = gain * (albedo[ch * n + i] * lit + highlight) + rgbNoise * rng.noise();
                    rgb[3 * i + ch] = (byte) Math.max(0, Math.min(255, Math.round(v * 255)));
                }
                // Sensor: view angle of the true surface (with defects).
                normal(z, size, x, y, f, nrm);
                double cosView = Math.abs(nrm[0] * vx + nrm[1] * vy + nrm[2] * vz);
                steep[i] = cosView < cosMax;
            }
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++) {
                int i = y * size + x;
                boolean lost = steep[i] || rng.chance(0.0015)
                        || (nearSteep(steep, size, x, y) && rng.chance(0.5));
                double zi = z[i] + depthNoise * rng.noise();
                if (lost || zi <= 0) continue;        // (0,0,0) marks a missing point
                xyz[3 * i] = (float) (zi * (x + 0.5 - c) / f);
                xyz[3 * i + 1] = (float) (zi * (y + 0.5 - c) / f);
                xyz[3 * i + 2] = (float) zi;
            }
        return new Rendered(new ByteImage(size, size, 3, rgb), new FloatImage(size, size, 3, xyz));
    }

    /** Unit surface normal at (x, y) of the depth map z (towards the camera, -z), by central differences. */
    private static void normal(float[] z, int size, int x, int y, double f, double[] out) {
        int xl = Math.max(0, x - 1), xr = Math.min(size - 1, x + 1), yu = Math.max(0, y - 1), yd = Math.min(size - 1, y + 1);
        double dzdx = (z[y * size + xr] - z[y * size + xl]) / (xr - xl);
        double dzdy = (z[yd * size + x] - z[yu * size + x]) / (yd - yu);
        double s = z[y * size + x] / f;               // metres per pixel at this depth
        double nx = dzdx / s, ny = dzdy / s, nz = -1, len = Math.sqrt(nx * nx + ny * ny + 1);
        out[0] = nx / len;
        out[1] = ny / len;
        out[2] = nz / len;
    }

    private static boolean nearSteep(boolean[] steep, int size, int x, int y) {
        for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++) {
                int xx = x + dx, yy = y + dy;
                if (xx >= 0 && yy >= 0 && xx < size && yy < size && steep[yy * size + xx]) return true;
            }
        return false;
    }

    /**
     * Cast shadows on a height field: a pixel is in shadow when, marching towards the light
     * (image direction (dx, dy), rising tan(elevation) per unit of ground distance), some height
     * is above the ray. Returns 1 lit, 0 shadowed, softened by a 3x3 box blur.
     */
    static float[] shadows(float[] h, int size, double dx, double dy, double tanEl, double pixelMetres) {
        int n = size * size;
        float maxH = 0;
        for (float v : h) maxH = Math.max(maxH, v);
        float[] lit = new float[n];
        java.util.Arrays.fill(lit, 1f);
        // Bounding box of everything above the plane: only rays that cross it can be blocked.
        int bx0 = size, by0 = size, bx1 = -1, by1 = -1;
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
                if (h[y * size + x] > 0) { bx0 = Math.min(bx0, x); bx1 = Math.max(bx1, x); by0 = Math.min(by0, y); by1 = Math.max(by1, y); }
        if (bx1 < 0) return lit;
        double rise = tanEl * pixelMetres;          // ray height gained per pixel step
        int maxSteps = (int) Math.ceil(maxH / rise) + 1;
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++) {
                int i = y * size + x;
                double h0 = h[i];
                // Steps k for which (x + k dx, y + k dy) lies in the box (slab test, half a pixel margin).
                double kLo = 1, kHi = Math.min(maxSteps, (maxH - h0) / rise);
                double[] lim = {bx0 - 0.5 - x, bx1 + 0.5 - x, by0 - 0.5 - y, by1 + 0.5 - y};
                double[] dir = {dx, dy};
                for (int a = 0; a < 2 && kLo <= kHi; a++) {
                    double d = dir[a], lo = lim[2 * a], hi = lim[2 * a + 1];
                    if (Math.abs(d) < 1e-12) { if (lo > 0 || hi < 0) kHi = -1; continue; }
                    double k1 = lo / d, k2 = hi / d;
                    kLo = Math.max(kLo, Math.min(k1, k2));
                    kHi = Math.min(kHi, Math.max(k1, k2));
                }
                for (int k = (int) Math.ceil(kLo); k <= kHi; k++) {
                    int sx = (int) Math.round(x + k * dx), sy = (int) Math.round(y + k * dy);
                    if (sx < 0 || sy < 0 || sx >= size || sy >= size) break;
                    if (h[sy * size + sx] > h0 + k * rise + 1e-5) { lit[i] = 0f; break; }
                }
            }
        float[] soft = new float[n];
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++) {
                float s = 0;
                int cnt = 0;
                for (int yy = Math.max(0, y - 1); yy <= Math.min(size - 1, y + 1); yy++)
                    for (int xx = Math.max(0, x - 1); xx <= Math.min(size - 1, x + 1); xx++) { s += lit[yy * size + xx]; cnt++; }
                soft[y * size + x] = s / cnt;
            }
        return soft;
    }
}
