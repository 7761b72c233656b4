package dsr3d.cuda.launch;

import dsr3d.cuda.driver.KernelArgs;

/**
 * Launcher of index.cu. A kernel cannot throw, so each takes a device int err (zeroed by the
 * caller) that it sets to 1 when it meets an index out of range; the caller checks it after the
 * launch (CudaBackend does, and then reports the bad index as the CPU reference would).
 * Accumulating kernels (scatterAdd, indexAddRows) add into their output, which the caller zeroes.
 */
public final class IndexLaunch {
    private IndexLaunch() {}

    private static void v1(String ladder, int version) {
        if (version != 1) throw Launch.badVersion(ladder, version, 1);
    }

    /** out[o, j, i] = in[o, idx[o, j, i], i]: in [outer, dimIn, inner], idx and out [outer, dimOut, inner]. */
    public static void gather(int version, int outer, int dimIn, int dimOut, int inner, long in, long idx, long out, long err) {
        v1("gather_forward", version);
        long n = (long) outer * dimOut * inner;
        if (n == 0) return;
        Launch.run1d("gather_forward_v1", n, KernelArgs.of().i32(outer).i32(dimIn).i32(dimOut).i32(inner).ptr(in).ptr(idx).ptr(out).ptr(err));
    }

    /** dIn[o, idx[o, j, i], i] += dOut[o, j, i]. */
    public static void scatterAdd(int version, int outer, int dimIn, int dimOut, int inner, long dOut, long idx, long dIn, long err) {
        v1("scatter_add_forward", version);
        long n = (long) outer * dimOut * inner;
        if (n == 0) return;
        Launch.run1d("scatter_add_forward_v1", n, KernelArgs.of().i32(outer).i32(dimIn).i32(dimOut).i32(inner).ptr(dOut).ptr(idx).ptr(dIn).ptr(err));
    }

    /** out[j, :] = table[idx[j], :]: table [rows, d], idx [n], out [n, d]. */
    public static void indexSelectRows(int version, long table, int rows, int d, long idx, int n, long out, long err) {
        v1("index_select_rows_forward", version);
        long total = (long) n * d;
        if (total == 0) return;
        Launch.run1d("index_select_rows_forward_v1", total, KernelArgs.of().ptr(table).i32(rows).i32(d).ptr(idx).i32(n).ptr(out).ptr(err));
    }

    /** dTable[idx[j], :] += dOut[j, :]: dOut [n, d], dTable [rows, d]. */
    public static void indexAddRows(int version, long dOut, long idx, int n, int d, long dTable, int rows, long err) {
        v1("index_add_rows_forward", version);
        long total = (long) n * d;
        if (total == 0) return;
        Launch.run1d("index_add_rows_forward_v1", total, KernelArgs.of().ptr(dOut).ptr(idx).i32(n).i32(d).ptr(dTable).i32(rows).ptr(err));
    }
}
