package dsr3d.tensor.backend;

/** Elementwise z = f(x, y) with broadcasting. Comparisons give 1.0 or 0.0. */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, MAX, MIN, POW, GT, GE, LT, LE, EQ, NE;

    public double apply(double x, double y) {
        return switch (this) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
            case MAX -> Math.max(x, y);
            case MIN -> Math.min(x, y);
            case POW -> Math.pow(x, y);
            case GT -> x > y ? 1 : 0;
            case GE -> x >= y ? 1 : 0;
            case LT -> x < y ? 1 : 0;
            case LE -> x <= y ? 1 : 0;
            case EQ -> x == y ? 1 : 0;
            case NE -> x != y ? 1 : 0;
        };
    }

    public boolean isComparison() { return ordinal() >= GT.ordinal(); }
}
