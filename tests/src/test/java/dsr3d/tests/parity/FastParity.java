package dsr3d.tests.parity;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Shared helpers of the fast-kernel parity tests: data, conversions, tolerant comparison. */
final class FastParity {
    private FastParity() {}

    static float[] gaussian(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextGaussian();
        return a;
    }

    static float[] uniform(Random rnd, int n, float lo, float hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = lo + (hi - lo) * rnd.nextFloat();
        return a;
    }

    static double[] d(float[] a) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) r[i] = a[i];
        return r;
    }

    /** The reference output must carry information: not all equal (a constant output would let a
     *  kernel that writes nothing useful pass). */
    static void assertNonTrivial(double[] ref, String what) {
        if (ref.length < 2) return;
        boolean varies = false;
        for (int i = 1; i < ref.length && !varies; i++) varies = Double.compare(ref[i], ref[0]) != 0;
        assertTrue(varies, what + ": reference output is constant, the test would prove nothing");
    }

    /** |fast - ref| <= relTol * (max|ref| + 1e-30) per element; NaN must match NaN. */
    static void assertClose(double[] ref, float[] fast, double relTol, String what) {
        assertTrue(fast.length >= ref.length, what + ": fast output too short");
        double scale = 0;
        for (double v : ref) if (Double.isFinite(v)) scale = Math.max(scale, Math.abs(v));
        double tol = relTol * Math.max(scale, 1e-30);
        for (int i = 0; i < ref.length; i++) {
            if (Double.isNaN(ref[i])) { assertTrue(Float.isNaN(fast[i]), what + " [" + i + "]: expected NaN, got " + fast[i]); continue; }
            if (Double.isInfinite(ref[i])) { assertEquals(ref[i], fast[i], 0.0, what + " [" + i + "]"); continue; }
            assertEquals(ref[i], fast[i], tol, what + " [" + i + "]");
        }
    }

    /** Bit-for-bit the reference rounded to float (for ops where float arithmetic is exact). */
    static void assertExact(double[] ref, float[] fast, String what) {
        for (int i = 0; i < ref.length; i++)
            assertEquals((float) ref[i], fast[i], 0f, what + " [" + i + "]");
    }
}
