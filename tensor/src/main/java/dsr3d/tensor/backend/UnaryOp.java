package dsr3d.tensor.backend;

/** Elementwise maps y = f(x; p, q). Parameters are used only where named. */
public enum UnaryOp {
    NEG, EXP, LOG, SQRT, ABS, RELU, SIGMOID, SIGN,
    /** x^p */ POW,
    /** min(max(x, p), q) */ CLAMP,
    /** x * p + q */ AFFINE;

    /** The scalar definition, used by the reference kernels. */
    public double apply(double x, double p, double q) {
        return switch (this) {
            case NEG -> -x;
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case SQRT -> Math.sqrt(x);
            case ABS -> Math.abs(x);
            case RELU -> x > 0 ? x : 0;
            case SIGMOID -> 1 / (1 + Math.exp(-x));
            case SIGN -> Math.signum(x);
            case POW -> Math.pow(x, p);
            case CLAMP -> Math.min(Math.max(x, p), q);
            case AFFINE -> x * p + q;
        };
    }
}
