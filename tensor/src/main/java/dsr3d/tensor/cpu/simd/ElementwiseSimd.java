package dsr3d.tensor.cpu.simd;

import dsr3d.tensor.backend.BinaryOp;
import dsr3d.tensor.backend.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float32 elementwise kernels: unary maps, broadcasting binary ops, where, strided copy.
 *
 * <p>Idea: pick the loop once, outside the element loop. Every kernel switches on the op first and
 * then runs a dense loop (Vector API where the op has a vector form, scalar Math functions
 * otherwise). Strided operands are first simplified by {@link StridedLayout}: size-1 dimensions
 * dropped and adjacent dimensions merged when both operands walk them contiguously, so the
 * common layouts (same-shape contiguous, scalar operand, per-channel [1,C,1,1] against [N,C,H,W])
 * end in a long innermost run with strides 0 or 1, which has a vector loop. Big arrays are split
 * over the {@link Parallel} pool; arrays under {@link #MIN_PARALLEL} elements stay on the caller.
 *
 * <p>Results equal the reference (double then rounded) exactly for NEG, ABS, RELU, SIGN, SQRT,
 * CLAMP and the binary ADD/SUB/MUL/DIV/MAX/MIN and comparisons (rounding a double result of
 * float inputs is exact for these), and POW (computed in double). EXP, LOG and SIGMOID use the
 * Vector API's float exp/log (intrinsified, ~0.3 ns per element against ~5-10 for Math.exp;
 * measured within 0.55 ulp of the exact value), so they may differ from the reference by an ulp;
 * AFFINE uses one float fma.
 */
public final class ElementwiseSimd {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();
    /** Below this many elements a kernel runs on the calling thread (pool hand-off costs ~µs). */
    static final int MIN_PARALLEL = 1 << 15;

    private ElementwiseSimd() {}

    // ---- unary ---------------------------------------------------------------------------------

    /** out[i] = op(in[i]; p, q) for i < n. */
    public static void unary(UnaryOp op, float p, float q, float[] in, float[] out, int n) {
        checkLen("unary", "in", in, n);
        checkLen("unary", "out", out, n);
        Parallel.forRange(n, MIN_PARALLEL, (from, to) -> unaryRange(op, p, q, in, out, from, to));
    }

    private static void unaryRange(UnaryOp op, float p, float q, float[] in, float[] out, int from, int to) {
        int i = from, bound = from + F.loopBound(to - from);
        switch (op) {
            case NEG -> {
                for (; i < bound; i += L) FloatVector.fromArray(F, in, i).neg().intoArray(out, i);
                for (; i < to; i++) out[i] = -in[i];
            }
            case ABS -> {
                for (; i < bound; i += L) FloatVector.fromArray(F, in, i).abs().intoArray(out, i);
                for (; i < to; i++) out[i] = Math.abs(in[i]);
            }
            case RELU -> {   // x > 0 ? x : 0, so NaN -> 0 as in the reference
                FloatVector zero = FloatVector.zero(F);
                for (; i < bound; i += L) {
                    FloatVector x = FloatVector.fromArray(F, in, i);
                    zero.blend(x, x.compare(VectorOperators.GT, 0f)).intoArray(out, i);
                }
                for (; i < to; i++) out[i] = in[i] > 0 ? in[i] : 0f;
            }
            case SQRT -> {
                for (; i < bound; i += L) FloatVector.fromArray(F, in, i).sqrt().intoArray(out, i);
                for (; i < to; i++) out[i] = (float) Math.sqrt(in[i]);
            }
            case CLAMP -> {   // min(max(x, p), q) with Math semantics: NaN propagates
                for (; i < bound; i += L) FloatVector.fromArray(F, in, i).max(p).min(q).intoArray(out, i);
                for (; i < to; i++) out[i] = Math.min(Math.max(in[i], p), q);
            }
            case AFFINE -> {
                FloatVector vp = FloatVector.broadcast(F, p), vq = FloatVector.broadcast(F, q);
                for (; i < bound; i += L) FloatVector.fromArray(F, in, i).fma(vp, vq).intoArray(out, i);
                for (; i < to; i++) out[i] = Math.fma(in[i], p, q);
            }
            case SIGN -> { for (; i < to; i++) out[i] = Math.signum(in[i]); }
            // exp and log stay scalar: see Lanes for why the vector versions are not reproducible
            case EXP -> { for (; i < to; i++) out[i] = (float) Math.exp(in[i]); }
            case LOG -> { for (; i < to; i++) out[i] = (float) Math.log(in[i]); }
            case SIGMOID -> { for (; i < to; i++) out[i] = (float) (1 / (1 + Math.exp(-(double) in[i]))); }
            case POW -> {
                if (p == 2f) for (; i < to; i++) out[i] = (float) ((double) in[i] * in[i]);   // exact: a float square fits a double
                else for (; i < to; i++) out[i] = (float) Math.pow(in[i], p);
            }
        }
    }

    // ---- binary --------------------------------------------------------------------------------

    /** out (contiguous, outShape) = op(a, b), a and b read through (broadcast) strides. */
    public static void binary(BinaryOp op, int[] outShape, float[] a, int aOff, int[] aStrides,
                              float[] b, int bOff, int[] bStrides, float[] out) {
        StridedLayout lay = StridedLayout.of("binary", outShape, aStrides, bStrides);
        int n = lay.size;
        if (n == 0) return;
        checkLen("binary", "out", out, n);
        int inner = lay.inner, outer = n / inner;
        int sa = lay.innerStride(0), sb = lay.innerStride(1);
        if (outer == 1) {   // one long run: split the run itself over the pool
            Parallel.forRange(inner, MIN_PARALLEL, (from, to) ->
                    binaryRun(op, a, aOff + from * sa, sa, b, bOff + from * sb, sb, out, from, to - from));
            return;
        }
        Parallel.forRange(outer, Math.max(1, MIN_PARALLEL / inner), (from, to) -> {
            StridedLayout.Cursor cur = lay.cursor(from, aOff, bOff);
            for (int r = from; r < to; r++, cur.next())
                binaryRun(op, a, cur.off(0), sa, b, cur.off(1), sb, out, r * inner, inner);
        });
    }

    /** out[o + i] = op(a[ap + i*sa], b[bp + i*sb]) for i < len. */
    static void binaryRun(BinaryOp op, float[] a, int ap, int sa, float[] b, int bp, int sb, float[] out, int o, int len) {
        int done = 0;
        if ((sa | sb) >>> 1 == 0 && len >= L) done = binaryVector(op, a, ap, sa, b, bp, sb, out, o, len);
        if (done < len) binaryScalar(op, a, ap + done * sa, sa, b, bp + done * sb, sb, out, o + done, len - done);
    }

    /**
     * The vector loops for strides (1, 1), (1, 0) and (0, 1); returns how many leading elements it
     * wrote (a multiple of L, 0 for ops without a vector form).
     *
     * <p>Why one small method per op: C2 intrinsifies a Vector API call only when it compiles the
     * loop with the call inlined and its operator constant. One method holding all 36 loops (the
     * first version) was too large for that: it was deoptimised by the uncommon trap of each case
     * seen for the first time, once failed to compile ("out of virtual registers"), and ran in the
     * boxed fallback, a third of a stage-2 training step (JFR, 2026-12-03). Small methods compile
     * one by one and stay compiled.
     */
    private static int binaryVector(BinaryOp op, float[] a, int ap, int sa, float[] b, int bp, int sb, float[] out, int o, int len) {
        int n = F.loopBound(len);
        int form = sa == 1 && sb == 1 ? VV : sa == 1 ? VS : sb == 1 ? SV : -1;
        if (form < 0) return 0;   // both scalar: the scalar loop is as good
        switch (op) {
            case ADD -> add(form, a, ap, b, bp, out, o, n);
            case SUB -> sub(form, a, ap, b, bp, out, o, n);
            case MUL -> mul(form, a, ap, b, bp, out, o, n);
            case DIV -> div(form, a, ap, b, bp, out, o, n);
            case MAX -> max(form, a, ap, b, bp, out, o, n);
            case MIN -> min(form, a, ap, b, bp, out, o, n);
            case GT -> gt(form, a, ap, b, bp, out, o, n);
            case LT -> lt(form, a, ap, b, bp, out, o, n);
            case GE -> ge(form, a, ap, b, bp, out, o, n);
            case LE -> le(form, a, ap, b, bp, out, o, n);
            case EQ -> eq(form, a, ap, b, bp, out, o, n);
            case NE -> ne(form, a, ap, b, bp, out, o, n);
            default -> { return 0; }
        }
        return n;
    }

    /** Stride forms of a binary run: both operands dense, b one value, a one value. */
    private static final int VV = 0, VS = 1, SV = 2;

    private static void add(int form, float[] a, int ap, float[] b, int bp, float[] out, int o, int n) {
        if (form == VV) for (int i = 0; i < n; i += L) va(a, ap + i).add(va(b, bp + i)).intoArray(out, o + i);
        else if (form == VS) { FloatVector y = FloatVector.broadcast(F, b[bp]); for (int i = 0; i < n; i += L) va(a, ap + i).add(y).intoArray(out, o + i); }
        else { FloatVector x = FloatVector.broadcast(F, a[ap]); for (int i = 0; i < n; i += L) x.add(va(b, bp + i)).intoArray(out, o + i); }
    }

    private static void sub(int form, float[] a, int ap, float[] b, int bp, float[] out, int o, int n) {
        if (form == VV) for (int i = 0; i < n; i += L) va(a, ap + i).sub(va(b, bp + i)).intoArray(out, o + i);
        else if (form == VS) { FloatVector y = FloatVector.broadcast(F, b[bp]); for (int i = 0; i < n; i += L) va(a, ap + i).sub(y).intoArray(out, o + i); }
        else { FloatVector x = FloatVector.broadcast(F, a[ap]); for (int i = 0; i < n; i += L) x.sub(va(b, bp + i)).intoArray(out, o + i); }
    }

    private static void mul(int form, float[] a, int ap, float[] b, int bp, float[] out, int o, int n) {
        if (form == VV) for (int i = 0; i < n; i += L) va(a, ap + i).mul(va(b, bp + i)).intoArray(out, o + i);
        else if (form == VS) { FloatVector y = FloatVector.broadcast(F, b[bp]); for (int i = 0; i < n; i += L) va(a, ap + i).mul(y).intoArray(out, o + i); }
        else { FloatVector x = FloatVector.broadcast(F, a[ap]); for (int i = 0; i < n; i += L) x.mul(va(b, bp + i)).intoArray(out, o + i); }
    }

    private static void div(int form, float[] a, int ap, float[] b, int bp, float[] out, int o, int n) {
        if (form == VV) for (int i = 0; i < n; i += L) va(a, ap + i).div(va(b, bp + i)).intoArray(out, o + i);
        else if (form == VS) { FloatVector y = FloatVector.broadcast(F, b[bp]); for (int i = 0; i < n; i += L) va(a, ap + i).div(y).intoArray(out, o + i); }
        else { FloatVector x = FloatVector.broadcast(F, a[ap]); for (int i = 0; i < n; i += L) x.div(va(b, bp + i)).intoArray(out, o + i); }
    }

    private static void max(int form, float[] a, int ap, float[] b, int bp, float[] out, int o, int n) {
        if (form == VV) for (int i = 0; i < n; i += L) va(a, ap + i).max(va(b, bp + i)).intoArray(out, o + i);
        else if (form == VS) { FloatVector y = FloatVector.broadcast(F, b[bp]); for (int i = 0; i < n; i += L) va(a, ap + i).max(y).intoArray(out, o + i); }
        else { FloatVector x = FloatVector.broadcast(F, a[ap]); for (int i = 0; i < n; i += L) x.max(va(b, bp + i)).intoArray(out, o + i); }
    }

    private static void min(int form, float[] a, int ap, float[] b, int bp, float[] out, int o, int n) {
        if (form == VV) for (int i = 0; i < n; i += L) va(a, ap + i).min(va(b, bp + i)).intoArray(out, o + i);
        else if (form == VS) { FloatVector y = FloatVector.broadcast(F, b[bp]); for (int i = 0; i < n; i += L) va(a, ap + i).min(y).intoArray(out, o + i); }
        else { FloatVector x = FloatVector.broadcast(F, a[ap]); for (int i = 0; i < n; i += L) x.min(va(b, bp + i)).intoArray(out, o + i); }
    }

    private static void gt(int form, float[] a, int ap, float[] b, int bp, float[] out, int o, int n) {
        if (form == VV) for (int i = 0; i < n; i += L) ones(va(a, ap + i).compare(VectorOperators.GT, va(b, bp + i)), out, o + i);
        else if (form == VS) { FloatVector y = FloatVector.broadcast(F, b[bp]); for (int i = 0; i < n; i += L) ones(va(a, ap + i).compare(VectorOperators.GT, y), out, o + i); }
        else { FloatVector x = FloatVector.broadcast(F, a[ap]); for (int i = 0; i < n; i += L) ones(x.compare(VectorOperators.GT, va(b, bp + i)), out, o + i); }
    }

    private static void lt(int form, float[] a, int ap, float[] b, int bp, float[] out, int o, int n) {
        if (form == VV) for (int i = 0; i < n; i += L) ones(va(a, ap + i).compare(VectorOperators.LT, va(b, bp + i)), out, o + i);
        else if (form == VS) { FloatVector y = FloatVector.broadcast(F, b[bp]); for (int i = 0; i < n; i += L) ones(va(a, ap + i).compare(VectorOperators.LT, y), out, o + i); }
        else { FloatVector x = FloatVector.broadcast(F, a[ap]); for (int i = 0; i < n; i += L) ones(x.compare(VectorOperators.LT, va(b, bp + i)), out, o + i); }
    }

    private static void ge(int form, float[] a, int ap, float[] b, int bp, float[] out, int o, int n) {
        if (form == VV) for (int i = 0; i < n; i += L) ones(va(a, ap + i).compare(VectorOperators.GE, va(b, bp + i)), out, o + i);
        else if (form == VS) { FloatVector y = FloatVector.broadcast(F, b[bp]); for (int i = 0; i < n; i += L) ones(va(a, ap + i).compare(VectorOperators.GE, y), out, o + i); }
        else { FloatVector x = FloatVector.broadcast(F, a[ap]); for (int i = 0; i < n; i += L) ones(x.compare(VectorOperators.GE, va(b, bp + i)), out, o + i); }
    }

    private static void le(int form, float[] a, int ap, float[] b, int bp, float[] out, int o, int n) {
        if (form == VV) for (int i = 0; i < n; i += L) ones(va(a, ap + i).compare(VectorOperators.LE, va(b, bp + i)), out, o + i);
        else if (form == VS) { FloatVector y = FloatVector.broadcast(F, b[bp]); for (int i = 0; i < n; i += L) ones(va(a, ap + i).compare(VectorOperators.LE, y), out, o + i); }
        else { FloatVector x = FloatVector.broadcast(F, a[ap]); for (int i = 0; i < n; i += L) ones(x.compare(VectorOperators.LE, va(b, bp + i)), out, o + i); }
    }

    private static void eq(int form, float[] a, int ap, float[] b, int bp, float[] out, int o, int n) {
        if (form == VV) for (int i = 0; i < n; i += L) ones(va(a, ap + i).compare(VectorOperators.EQ, va(b, bp + i)), out, o + i);
        else if (form == VS) { FloatVector y = FloatVector.broadcast(F, b[bp]); for (int i = 0; i < n; i += L) ones(va(a, ap + i).compare(VectorOperators.EQ, y), out, o + i); }
        else { FloatVector x = FloatVector.broadcast(F, a[ap]); for (int i = 0; i < n; i += L) ones(x.compare(VectorOperators.EQ, va(b, bp + i)), out, o + i); }
    }

    private static void ne(int form, float[] a, int ap, float[] b, int bp, float[] out, int o, int n) {
        if (form == VV) for (int i = 0; i < n; i += L) ones(va(a, ap + i).compare(VectorOperators.NE, va(b, bp + i)), out, o + i);
        else if (form == VS) { FloatVector y = FloatVector.broadcast(F, b[bp]); for (int i = 0; i < n; i += L) ones(va(a, ap + i).compare(VectorOperators.NE, y), out, o + i); }
        else { FloatVector x = FloatVector.broadcast(F, a[ap]); for (int i = 0; i < n; i += L) ones(x.compare(VectorOperators.NE, va(b, bp + i)), out, o + i); }
    }

    private static FloatVector va(float[] a, int i) { return FloatVector.fromArray(F, a, i); }

    private static final FloatVector ONE = FloatVector.broadcast(F, 1f);

    /** 1.0 where the mask is set, 0.0 elsewhere. */
    private static void ones(VectorMask<Float> m, float[] out, int o) {
        FloatVector.zero(F).blend(ONE, m).intoArray(out, o);
    }

    /** The strided scalar loop of every op (switch outside the loop). */
    private static void binaryScalar(BinaryOp op, float[] a, int ap, int sa, float[] b, int bp, int sb, float[] out, int o, int len) {
        int end = o + len;
        switch (op) {
            case ADD -> { for (; o < end; o++, ap += sa, bp += sb) out[o] = a[ap] + b[bp]; }
            case SUB -> { for (; o < end; o++, ap += sa, bp += sb) out[o] = a[ap] - b[bp]; }
            case MUL -> { for (; o < end; o++, ap += sa, bp += sb) out[o] = a[ap] * b[bp]; }
            case DIV -> { for (; o < end; o++, ap += sa, bp += sb) out[o] = a[ap] / b[bp]; }
            case MAX -> { for (; o < end; o++, ap += sa, bp += sb) out[o] = Math.max(a[ap], b[bp]); }
            case MIN -> { for (; o < end; o++, ap += sa, bp += sb) out[o] = Math.min(a[ap], b[bp]); }
            case POW -> { for (; o < end; o++, ap += sa, bp += sb) out[o] = (float) Math.pow(a[ap], b[bp]); }
            case GT -> { for (; o < end; o++, ap += sa, bp += sb) out[o] = a[ap] > b[bp] ? 1f : 0f; }
            case GE -> { for (; o < end; o++, ap += sa, bp += sb) out[o] = a[ap] >= b[bp] ? 1f : 0f; }
            case LT -> { for (; o < end; o++, ap += sa, bp += sb) out[o] = a[ap] < b[bp] ? 1f : 0f; }
            case LE -> { for (; o < end; o++, ap += sa, bp += sb) out[o] = a[ap] <= b[bp] ? 1f : 0f; }
            case EQ -> { for (; o < end; o++, ap += sa, bp += sb) out[o] = a[ap] == b[bp] ? 1f : 0f; }
            case NE -> { for (; o < end; o++, ap += sa, bp += sb) out[o] = a[ap] != b[bp] ? 1f : 0f; }
        }
    }

    // ---- where ---------------------------------------------------------------------------------

    /** out[i] = cond[i] != 0 ? a[i] : b[i] (a NaN condition counts as true, as in the reference). */
    public static void where(float[] cond, float[] a, float[] b, float[] out, int n) {
        checkLen("where", "cond", cond, n);
        checkLen("where", "a", a, n);
        checkLen("where", "b", b, n);
        checkLen("where", "out", out, n);
        Parallel.forRange(n, MIN_PARALLEL, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                VectorMask<Float> take = va(cond, i).compare(VectorOperators.NE, 0f);
                va(b, i).blend(va(a, i), take).intoArray(out, i);
            }
            for (; i < to; i++) out[i] = cond[i] != 0 ? a[i] : b[i];
        });
    }

    // ---- copy ----------------------------------------------------------------------------------

    /** out[outOff + idx.outStrides] = in[inOff + idx.inStrides] for every index of shape. */
    public static void copy(int[] shape, float[] in, int inOff, int[] inStrides, float[] out, int outOff, int[] outStrides) {
        StridedLayout lay = StridedLayout.of("copy", shape, inStrides, outStrides);
        int n = lay.size;
        if (n == 0) return;
        int inner = lay.inner, outer = n / inner;
        int si = lay.innerStride(0), so = lay.innerStride(1);
        Parallel.forRange(outer, Math.max(1, MIN_PARALLEL / inner), (from, to) -> {
            StridedLayout.Cursor cur = lay.cursor(from, inOff, outOff);
            for (int r = from; r < to; r++, cur.next()) {
                int ip = cur.off(0), op = cur.off(1);
                if (si == 1 && so == 1) System.arraycopy(in, ip, out, op, inner);
                else for (int e = 0; e < inner; e++, ip += si, op += so) out[op] = in[ip];
            }
        });
    }

    static void checkLen(String kernel, String name, float[] a, int n) {
        if (a.length < n) throw new IllegalArgumentException(kernel + ": " + name + " must hold " + n + " floats, has " + a.length);
    }
}
