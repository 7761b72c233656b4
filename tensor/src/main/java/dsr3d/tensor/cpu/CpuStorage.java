package dsr3d.tensor.cpu;

import dsr3d.tensor.DType;
import dsr3d.tensor.Storage;
import dsr3d.tensor.backend.Backend;

/** CPU storage: exactly one of the three arrays is set, according to {@link #dtype}. */
public final class CpuStorage implements Storage {
    public final DType dtype;
    public final float[] f;
    public final double[] d;
    public final int[] i;

    private CpuStorage(DType dtype, float[] f, double[] d, int[] i) {
        this.dtype = dtype; this.f = f; this.d = d; this.i = i;
    }

    public static CpuStorage of(float[] a) { return new CpuStorage(DType.F32, a, null, null); }
    public static CpuStorage of(double[] a) { return new CpuStorage(DType.F64, null, a, null); }
    public static CpuStorage of(int[] a) { return new CpuStorage(DType.I32, null, null, a); }

    public static CpuStorage allocate(DType dt, int n) {
        return switch (dt) {
            case F32 -> of(new float[n]);
            case F64 -> of(new double[n]);
            case I32 -> of(new int[n]);
        };
    }

    @Override public DType dtype() { return dtype; }
    @Override public int length() { return f != null ? f.length : d != null ? d.length : i.length; }
    @Override public Backend backend() { return CpuBackend.INSTANCE; }

    public double get(int k) { return f != null ? f[k] : d != null ? d[k] : i[k]; }

    public void set(int k, double v) {
        if (f != null) f[k] = (float) v;
        else if (d != null) d[k] = v;
        else i[k] = (int) v;
    }

    /** A double copy of elements [off, off+n): how F32 data reaches the reference kernels. */
    public double[] toDoubles(int off, int n) {
        double[] out = new double[n];
        if (d != null) System.arraycopy(d, off, out, 0, n);
        else for (int k = 0; k < n; k++) out[k] = get(off + k);
        return out;
    }

    public static CpuStorage cast(Storage s) {
        if (s instanceof CpuStorage c) return c;
        throw new IllegalArgumentException("expected a CPU storage, got " + s.getClass().getSimpleName()
                + " of backend " + s.backend().name());
    }
}
