package dsr3d.tensor.ops;

import dsr3d.tensor.DType;
import dsr3d.tensor.Shape;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.autograd.Autograd;
import dsr3d.tensor.backend.BinaryOp;
import dsr3d.tensor.backend.UnaryOp;

/**
 * Elementwise ops: y = f(x; p, q) and z = f(x, y) with NumPy broadcasting, and where().
 * Backward rules (g = dL/d output):
 * <pre>
 *   neg: -g        exp: g*y          log: g/x          sqrt: g/(2y)      abs: g*sign(x)
 *   relu: g*(x>0)  sigmoid: g*y*(1-y) pow p: g*p*x^(p-1) clamp: g*(lo<=x<=hi) affine: g*p
 *   add: g, g      sub: g, -g        mul: g*b, g*a     div: g/b, -g*a/b^2
 *   max/min: g to the larger/smaller side, split 1/2 each on ties (as torch.maximum)
 *   pow: g*b*a^(b-1), g*a^b*ln(a)    comparisons: no gradient
 * </pre>
 * Broadcast inputs receive gradients summed back to their own shape ({@link #sumToShape}).
 */
public final class Elementwise {
    private Elementwise() {}

    public static Tensor scalarLike(Tensor t, double v) {
        Tensor s = Tensor.zeros(t.backend(), t.dtype());
        t.backend().fill(s.storage(), v);
        return s;
    }

    public static Tensor unary(UnaryOp op, Tensor x, double p, double q) {
        requireFloating(x, op.name().toLowerCase());
        Tensor xd = x.contiguous();
        Tensor y = Tensor.zeros(x.backend(), x.dtype(), x.shape());
        x.backend().unary(op, p, q, xd.storage(), y.storage(), y.numel());
        return Autograd.record(op.name().toLowerCase(), y, g -> new Tensor[]{switch (op) {
            case NEG -> g.neg();
            case EXP -> g.mul(y);
            case LOG -> g.div(xd);
            case SQRT -> g.div(y.mul(2));
            case ABS -> g.mul(unary(UnaryOp.SIGN, xd, 0, 0));
            case RELU -> g.mul(xd.gt(0));
            case SIGMOID -> g.mul(y).mul(y.mul(-1).add(1));
            case SIGN -> Tensor.zeros(x.backend(), x.dtype(), x.shape());
            case POW -> p == 0 ? Tensor.zeros(x.backend(), x.dtype(), x.shape())   // x^0 = 1: not 0 * x^-1 = NaN at 0
                    : g.mul(xd.pow(p - 1).mul(p));
            case CLAMP -> g.mul(xd.ge(scalarLike(xd, p)).mul(xd.le(scalarLike(xd, q))));
            case AFFINE -> g.mul(p);
        }}, x);
    }

    public static Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        if (a.dtype() != b.dtype())
            throw new IllegalArgumentException(op.name().toLowerCase() + ": dtypes differ (" + a.dtype() + " vs " + b.dtype() + "); convert one with to()");
        if (a.backend() != b.backend())
            throw new IllegalArgumentException(op.name().toLowerCase() + ": operands live on different backends (" + a.backend().name() + ", " + b.backend().name() + ")");
        int[] outShape = broadcastShape(op.name().toLowerCase(), a.shape(), b.shape());
        Tensor out = Tensor.zeros(a.backend(), a.dtype(), outShape);
        a.backend().binary(op, outShape, a.storage(), a.offset(), Shape.broadcastStrides(a.shape(), a.strides(), outShape),
                b.storage(), b.offset(), Shape.broadcastStrides(b.shape(), b.strides(), outShape), out.storage());
        if (op.isComparison()) return out;
        return Autograd.record(op.name().toLowerCase(), out, g -> {
            Tensor ga, gb;
            switch (op) {
                case ADD -> { ga = g; gb = g; }
                case SUB -> { ga = g; gb = g.neg(); }
                case MUL -> { ga = g.mul(b); gb = g.mul(a); }
                case DIV -> { ga = g.div(b); gb = g.mul(a).div(b.mul(b)).neg(); }
                case MAX, MIN -> {
                    Tensor win = op == BinaryOp.MAX ? a.gt(b) : a.lt(b);
                    Tensor shareA = win.add(a.eq(b).mul(0.5));   // 1 where a wins, 1/2 on ties
                    ga = g.mul(shareA);
                    gb = g.mul(shareA.neg().add(1));
                }
                case POW -> {
                    // as torch: d/da is 0 where b == 0 (not 0 * a^-1 = NaN at a = 0), and d/db is 0
                    // where a == 0 and b >= 0 (the limit of a^b ln a), not 0 * -inf = NaN
                    Tensor zero = scalarLike(a, 0);
                    Tensor bIsZero = b.eq(zero), aZeroBNonNeg = a.eq(zero).mul(b.ge(zero));
                    Tensor dadx = b.mul(a.pow(b.sub(1)));
                    Tensor dbdx = out.mul(a.log());
                    ga = g.mul(where(bIsZero, zero, dadx));
                    gb = g.mul(where(aZeroBNonNeg, zero, dbdx));
                }
                default -> throw new AssertionError(op);
            }
            return new Tensor[]{sumToShape(ga, a.shape()), sumToShape(gb, b.shape())};
        }, a, b);
    }

    /** cond != 0 ? a : b with broadcasting; gradients flow to a where cond holds, to b elsewhere. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        if (a.dtype() != b.dtype())
            throw new IllegalArgumentException("where: dtypes of a and b differ (" + a.dtype() + " vs " + b.dtype() + ")");
        int[] shape;
        try {
            shape = Shape.broadcast(Shape.broadcast(cond.shape(), a.shape()), b.shape());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("where: cond " + Shape.str(cond.shape()) + ", a " + Shape.str(a.shape())
                    + " and b " + Shape.str(b.shape()) + " cannot be broadcast together", e);
        }
        Tensor c = cond.to(a.dtype()).expand(shape).contiguous();
        Tensor ad = a.expand(shape).contiguous(), bd = b.expand(shape).contiguous();
        Tensor out = Tensor.zeros(a.backend(), a.dtype(), shape);
        a.backend().where(c.storage(), ad.storage(), bd.storage(), out.storage(), out.numel());
        return Autograd.record("where", out, g -> {
            Tensor zero = Tensor.zeros(g.backend(), g.dtype(), shape);
            return new Tensor[]{null, sumToShape(where(c, g, zero), a.shape()), sumToShape(where(c, zero, g), b.shape())};
        }, cond, a, b);
    }

    /** The broadcast shape, or an error that names the op as well as both shapes. */
    private static int[] broadcastShape(String op, int[] a, int[] b) {
        try {
            return Shape.broadcast(a, b);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(op + ": " + e.getMessage(), e);
        }
    }

    /** Sums a broadcast gradient back to the shape of the input it came from. */
    public static Tensor sumToShape(Tensor g, int[] shape) {
        int[] gs = g.shape();
        if (java.util.Arrays.equals(gs, shape)) return g;
        int lead = gs.length - shape.length;
        java.util.List<Integer> dims = new java.util.ArrayList<>();
        for (int i = 0; i < gs.length; i++)
            if (i < lead || (shape[i - lead] == 1 && gs[i] != 1)) dims.add(i);
        Tensor s = g.sum(dims.stream().mapToInt(Integer::intValue).toArray(), true);
        return s.reshape(shape);
    }

    static void requireFloating(Tensor t, String op) {
        if (t.dtype() == DType.I32) throw new IllegalArgumentException(op + " needs a floating-point tensor, got I32; convert with to(DType.F32)");
    }
}
