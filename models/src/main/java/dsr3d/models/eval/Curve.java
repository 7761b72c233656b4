package dsr3d.models.eval;

/**
 * A metric curve for plotting and inspection: points (x[i], y[i]) in increasing x, plus the
 * area the metric reports for it. For PRO curves {@code limit} is the FPR integration limit
 * (NaN for ROC curves, integrated over [0, 1]). Curves of pixel metrics are thinned (a point
 * every ~1/1000 of movement), the area is always computed on the full curve.
 */
public record Curve(String name, double[] x, double[] y, double area, double limit) {
    public Curve {
        if (x.length != y.length)
            throw new IllegalArgumentException("curve '" + name + "': x has " + x.length + " points, y has " + y.length);
    }

    public int size() { return x.length; }
}
