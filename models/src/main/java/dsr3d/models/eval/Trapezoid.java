package dsr3d.models.eval;

/**
 * The trapezoid rule with an optional upper integration limit, exactly as the official
 * MVTec 3D-AD utility (generic_util.trapezoid) defines it.
 *
 * <p>Points must come in non-decreasing x. Non-finite pairs are dropped. With a limit L:
 * the points with x <= L are integrated; if L is not exactly one of the x values, the
 * segment from the last point before L to the first point after it is cut at L, with y
 * interpolated linearly there (the "correction" term). A limit before the first finite x or
 * after the last one is an error, as in the official code (its assertion 0 < ins < len).
 *
 * <p>Also usable as a streaming accumulator ({@link #add}), so curves with millions of points
 * (the exact AU-PRO) never need to be stored.
 */
public final class Trapezoid {
    private final double limit; // +Infinity = no limit
    private boolean hasPoint;
    private double lastX, lastY;
    private double sum;
    private boolean closed;      // a point beyond the limit has been seen (the rest are ignored)
    private double correction;

    /** An accumulator integrating up to {@code limit} (use Double.POSITIVE_INFINITY for none). */
    public Trapezoid(double limit) {
        if (Double.isNaN(limit)) throw new IllegalArgumentException("integration limit is NaN");
        this.limit = limit;
    }

    /** Adds the next point; x must not decrease. Non-finite points are skipped. */
    public void add(double x, double y) {
        if (!Double.isFinite(x) || !Double.isFinite(y) || closed) return;
        if (hasPoint && x < lastX)
            throw new IllegalArgumentException("trapezoid: x must be non-decreasing, got " + x + " after " + lastX);
        if (x > limit) {
            if (!hasPoint)
                throw new IllegalArgumentException("trapezoid: integration limit " + limit + " lies before the first x " + x);
            // lastX <= limit < x here; lastX == limit means the limit is one of the x values: no correction.
            if (lastX != limit) {
                double yAtLimit = lastY + (y - lastY) * (limit - lastX) / (x - lastX);
                correction = 0.5 * (yAtLimit + lastY) * (limit - lastX);
            }
            closed = true;
            return;
        }
        if (hasPoint) sum += 0.5 * (y + lastY) * (x - lastX);
        hasPoint = true;
        lastX = x;
        lastY = y;
    }

    /** The integral of the points added so far. */
    public double area() {
        if (!hasPoint) throw new IllegalStateException("trapezoid: no finite point");
        if (!closed && Double.isFinite(limit) && lastX != limit)
            throw new IllegalStateException("trapezoid: integration limit " + limit + " lies beyond the last x " + lastX);
        return sum + correction;
    }

    /** Plain trapezoid over all points (numpy.trapz on the finite points). */
    public static double area(double[] x, double[] y) {
        return limited(x, y, Double.POSITIVE_INFINITY);
    }

    /** Trapezoid up to {@code limit}, with linear interpolation at the limit (see class comment). */
    public static double limited(double[] x, double[] y, double limit) {
        if (x.length != y.length)
            throw new IllegalArgumentException("trapezoid: x has " + x.length + " values, y has " + y.length);
        Trapezoid t = new Trapezoid(limit);
        for (int i = 0; i < x.length; i++) t.add(x[i], y[i]);
        return t.area();
    }
}
