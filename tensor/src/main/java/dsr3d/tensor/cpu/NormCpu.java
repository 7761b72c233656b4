package dsr3d.tensor.cpu;

/** Reference instance normalisation over planes [nc, hw], double precision. */
public final class NormCpu {
    private NormCpu() {}

    /** y = (x - mean) / sqrt(var + eps), biased variance (divide by hw), as nn.InstanceNorm2d. */
    public static void instanceNorm(int nc, int hw, double eps, double[] x, double[] y, double[] mean, double[] rstd) {
        for (int c = 0; c < nc; c++) {
            int base = c * hw;
            double m = 0;
            for (int i = 0; i < hw; i++) m += x[base + i];
            m /= hw;
            double v = 0;
            for (int i = 0; i < hw; i++) v += (x[base + i] - m) * (x[base + i] - m);
            v /= hw;
            double r = 1 / Math.sqrt(v + eps);
            for (int i = 0; i < hw; i++) y[base + i] = (x[base + i] - m) * r;
            mean[c] = m;
            rstd[c] = r;
        }
    }

    /** With y the normalised output: dx = rstd * (dy - mean(dy) - y * mean(dy * y)). */
    public static void instanceNormBackward(int nc, int hw, double[] y, double[] rstd, double[] dy, double[] dx) {
        for (int c = 0; c < nc; c++) {
            int base = c * hw;
            double mdy = 0, mdyy = 0;
            for (int i = 0; i < hw; i++) { mdy += dy[base + i]; mdyy += dy[base + i] * y[base + i]; }
            mdy /= hw;
            mdyy /= hw;
            for (int i = 0; i < hw; i++) dx[base + i] = rstd[c] * (dy[base + i] - mdy - y[base + i] * mdyy);
        }
    }
}
