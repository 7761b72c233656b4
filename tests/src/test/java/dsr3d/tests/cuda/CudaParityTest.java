package dsr3d.tests.cuda;

import dsr3d.cuda.CudaBackend;
import dsr3d.cuda.CudaStorage;
import dsr3d.cuda.KernelCatalog;
import dsr3d.cuda.driver.Cublas;
import dsr3d.cuda.driver.Cudnn;
import dsr3d.cuda.launch.Conv2dLaunch;
import dsr3d.cuda.launch.ElementwiseLaunch;
import dsr3d.cuda.launch.IndexLaunch;
import dsr3d.cuda.launch.InstanceNormLaunch;
import dsr3d.cuda.launch.MatMulLaunch;
import dsr3d.cuda.launch.Pool2dLaunch;
import dsr3d.cuda.launch.ReduceLaunch;
import dsr3d.cuda.launch.SoftmaxLaunch;
import dsr3d.cuda.launch.UpsampleLaunch;
import dsr3d.cuda.launch.VqEmaLaunch;
import dsr3d.cuda.launch.VqNearestLaunch;
import dsr3d.tensor.DType;
import dsr3d.tensor.Storage;
import dsr3d.tensor.backend.BinaryOp;
import dsr3d.tensor.backend.ConvGeom;
import dsr3d.tensor.backend.PoolGeom;
import dsr3d.tensor.backend.ReduceOp;
import dsr3d.tensor.backend.UnaryOp;
import dsr3d.tensor.cpu.Conv2dCpu;
import dsr3d.tensor.cpu.CpuStorage;
import dsr3d.tensor.cpu.ElementwiseCpu;
import dsr3d.tensor.cpu.IndexCpu;
import dsr3d.tensor.cpu.MatMulCpu;
import dsr3d.tensor.cpu.NormCpu;
import dsr3d.tensor.cpu.Pool2dCpu;
import dsr3d.tensor.cpu.ReduceCpu;
import dsr3d.tensor.cpu.UpsampleCpu;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every catalogued CUDA kernel version against the CPU reference kernels (tensor/cpu/*Cpu, in
 * double) on awkward shapes: odd sizes, sizes that are not multiples of the tiles, groups 2,
 * stride 2, 1x1 and 4x4 kernels, broadcasting, ties and NaN. Forward and backward. Also the
 * cuBLAS and cuDNN paths, and the CudaBackend SPI with its default versions.
 *
 * <p>Tolerance per element: |gpu - ref| <= 1e-5 + rel(L) * mag, where mag is the magnitude of
 * the terms (the reference run on |inputs| for sums of products, |ref| otherwise) and rel grows
 * with the reduction length L as 1e-6 * (1 + sqrt(L)) in fp32; TF32 paths use 2e-3 (its
 * rounding bound). A failure names kernel, shape and seed and lists the first mismatches; every
 * reference output is checked to be non-constant first.
 *
 * <p>Needs a GPU (@Tag("gpu"), excluded from the default run): run with
 * {@code mvn -pl tests -am test -Ddsr3d.test.groups=gpu -Ddsr3d.test.excludedGroups= -Dtest=CudaParityTest}.
 * Without one every test is skipped with the driver's reason.
 */
@Tag("gpu")
class CudaParityTest {
    // ---- the case lists (ladder versions); CatalogCoverageTest checks they cover the catalogue ----
    static final List<String> ELEMENTWISE = List.of("unary_forward_v1", "unary_forward_v2", "binary_forward_v1",
            "where_forward_v1", "copy_strided_forward_v1", "fill_forward_v1");
    static final List<String> ROWS = List.of("reduce_rows_forward_v1", "reduce_rows_forward_v2",
            "softmax_forward_v1", "softmax_forward_v2", "softmax_backward_v1", "softmax_backward_v2",
            "instance_norm_forward_v1", "instance_norm_forward_v2", "instance_norm_backward_v1", "instance_norm_backward_v2");
    static final List<String> POOL_UPSAMPLE = List.of("max_pool2d_forward_v1", "max_pool2d_backward_v1",
            "avg_pool2d_forward_v1", "avg_pool2d_backward_v1", "upsample_bilinear_forward_v1", "upsample_bilinear_backward_v1",
            "upsample_nearest_forward_v1", "upsample_nearest_backward_v1");
    static final List<String> MATMUL = List.of("matmul_forward_v1", "matmul_forward_v2", "matmul_forward_v3", "matmul_forward_v4");
    static final List<String> CONV = List.of("conv2d_forward_v1", "conv2d_forward_v2", "conv2d_backward_input_v1",
            "conv2d_backward_input_v2", "conv2d_backward_weight_v1", "conv2d_backward_weight_v2");
    static final List<String> VQ = List.of("vq_nearest_forward_v1", "vq_nearest_forward_v2", "vq_ema_forward_v1");
    static final List<String> INDEX = List.of("gather_forward_v1", "scatter_add_forward_v1",
            "index_select_rows_forward_v1", "index_add_rows_forward_v1");

    /** Every ladder version with a parity case here. */
    static final List<String> TESTED = Stream.of(ELEMENTWISE, ROWS, POOL_UPSAMPLE, MATMUL, CONV, VQ, INDEX)
            .flatMap(List::stream).toList();

    static CudaBackend gpu;
    static final CudaBackend CANDIDATE = new CudaBackend();

    /** Per test (not @BeforeAll) so each case is reported as skipped, with the reason. */
    @BeforeEach
    void needsGpu() {
        assumeTrue(CANDIDATE.available(), () -> "no usable GPU: " + CANDIDATE.unavailableReason());
        gpu = CANDIDATE;
    }

    // ---- helpers -------------------------------------------------------------------------------
    static int version(String ladderVersion) {
        return Integer.parseInt(ladderVersion.substring(ladderVersion.lastIndexOf("_v") + 2));
    }

    static String ladder(String ladderVersion) {
        return ladderVersion.substring(0, ladderVersion.lastIndexOf("_v"));
    }

    static float[] gaussian(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }

    static float[] uniform(Random r, int n, float lo, float hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = lo + (hi - lo) * r.nextFloat();
        return a;
    }

    /** Small integers: many exact ties and equal values (argmax, max pooling, EQ). */
    static float[] ties(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = r.nextInt(4);
        return a;
    }

    static double[] d(float[] a) {
        double[] o = new double[a.length];
        for (int i = 0; i < a.length; i++) o[i] = a[i];
        return o;
    }

    static double[] abs(double[] a) {
        double[] o = new double[a.length];
        for (int i = 0; i < a.length; i++) o[i] = Math.abs(a[i]);
        return o;
    }

    static long p(Storage s) { return ((CudaStorage) s).devicePointer(); }

    static Storage up(float[] a) { return gpu.upload(a); }

    static Storage upI(int[] a) { return gpu.upload(a); }

    static Storage zeros(int n) { return gpu.allocate(DType.F32, n); }

    static Storage zerosI(int n) { return gpu.allocate(DType.I32, n); }

    static double[] down(Storage s) { return gpu.download(s, 0, s.length()); }

    static double fp32Rel(long reductionLength) { return 1e-6 * (1 + Math.sqrt(reductionLength)); }

    static final double TF32_REL = 2e-3;

    static void assertNonConstant(String what, double[] ref) {
        if (ref.length < 2) return;
        for (double v : ref) if (Double.compare(v, ref[0]) != 0) return;
        fail(what + ": the reference output is constant (" + ref[0] + "), the comparison would prove nothing");
    }

    /** |got - ref| <= 1e-5 + rel * mag per element (mag = term magnitudes); NaN must match NaN. */
    static void close(String what, double[] ref, double[] mag, double[] got, double rel) {
        assertEquals(ref.length, got.length, what + ": length");
        assertNonConstant(what, ref);
        List<String> bad = new ArrayList<>();
        int count = 0;
        for (int i = 0; i < ref.length; i++) {
            double e = ref[i], a = got[i];
            boolean ok = Double.isNaN(e) ? Double.isNaN(a) : (e == a || Math.abs(a - e) <= 1e-5 + rel * Math.abs(mag[i]));
            if (!ok && count++ < 8) bad.add("[" + i + "] expected " + e + " got " + a);
        }
        if (count > 0) fail(what + ": " + count + " of " + ref.length + " elements differ (rel " + rel + "); first: " + bad);
    }

    static void close(String what, double[] ref, double[] got, double rel) { close(what, ref, abs(ref), got, rel); }

    static void exact(String what, double[] ref, double[] got) {
        assertNonConstant(what, ref);
        for (int i = 0; i < ref.length; i++)
            if (!(Double.compare(ref[i], got[i]) == 0 || (ref[i] == 0 && got[i] == 0)))
                fail(what + ": element " + i + " expected " + ref[i] + " got " + got[i]);
    }

    static List<String> only(List<String> list, String ladder) {
        return list.stream().filter(s -> ladder(s).equals(ladder)).toList();
    }

    // ---- elementwise ---------------------------------------------------------------------------
    static Stream<String> unaryVersions() { return only(ELEMENTWISE, "unary_forward").stream(); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unaryVersions")
    void unaryEveryOp(String kernel) {
        int v = version(kernel);
        for (int n : new int[]{1, 3, 1037}) {
            for (UnaryOp op : UnaryOp.values()) {
                Random r = new Random(11 + n + op.ordinal());
                boolean positive = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.POW;
                float[] x = positive ? uniform(r, n, 0.1f, 3f) : gaussian(r, n);
                if (n > 2 && !positive) { x[0] = 1.25f; x[1] = 0f; x[2] = -0.75f; }   // both signs and zero, never a constant output
                double p = op == UnaryOp.CLAMP ? -0.5 : 1.7, q = op == UnaryOp.CLAMP ? 0.7 : -0.3;
                double[] ref = new double[n];
                ElementwiseCpu.unary(op, (float) p, (float) q, d(x), ref, n);
                Storage in = up(x), out = zeros(n);
                ElementwiseLaunch.unary(v, op, (float) p, (float) q, p(in), p(out), n);
                if (n > 1) close(kernel + " " + op + " n=" + n, ref, down(out), 4e-6);
            }
        }
    }

    static Stream<String> binaryVersions() { return only(ELEMENTWISE, "binary_forward").stream(); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("binaryVersions")
    void binaryBroadcastEveryOp(String kernel) {
        int v = version(kernel);
        // out [3, 5, 7]; a is [3, 1, 7] (stride 0 on dim 1) at offset 2; b is a transposed [7, 5] view read as [5, 7]^T... broadcast over dim 0
        int[] shape = {3, 5, 7};
        int[][] aStrides = {{7, 0, 1}}, bStrides = {{0, 1, 5}};
        int aOff = 2, bOff = 1;
        Random r = new Random(5);
        float[] a = ties(r, 2 + 21), b = ties(r, 1 + 35);
        for (int i = 0; i < a.length; i++) a[i] += 0.5f * (i % 2);
        for (BinaryOp op : BinaryOp.values()) {
            float[] aa = a.clone(), bb = b.clone();
            if (op == BinaryOp.POW || op == BinaryOp.DIV) for (int i = 0; i < bb.length; i++) bb[i] += 1f;
            double[] ref = new double[105];
            ElementwiseCpu.binary(op, shape, d(aa), aOff, aStrides[0], d(bb), bOff, bStrides[0], ref);
            Storage sa = up(aa), sb = up(bb), out = zeros(105);
            ElementwiseLaunch.binary(v, op, shape, p(sa), aOff, aStrides[0], p(sb), bOff, bStrides[0], p(out));
            close(kernel + " " + op + " shape " + Arrays.toString(shape), ref, down(out), 4e-6);
        }
        // 7 dimensions that coalesce to fewer than 6 (contiguous operands)
        int[] big = {2, 1, 3, 2, 1, 2, 3};
        int[] st = {36, 36, 12, 6, 6, 3, 1};
        float[] x = gaussian(r, 72), y = gaussian(r, 72);
        double[] ref = new double[72];
        ElementwiseCpu.binary(BinaryOp.MUL, big, d(x), 0, st, d(y), 0, st, ref);
        Storage out = zeros(72);
        ElementwiseLaunch.binary(v, BinaryOp.MUL, big, p(up(x)), 0, st, p(up(y)), 0, st, p(out));
        close(kernel + " MUL 7-d", ref, down(out), 4e-6);
    }

    @Test
    void whereCopyFill() {
        assertEquals(List.of("where_forward_v1", "copy_strided_forward_v1", "fill_forward_v1"),
                ELEMENTWISE.stream().filter(s -> !s.startsWith("unary") && !s.startsWith("binary")).toList());
        Random r = new Random(9);
        int n = 1001;
        float[] c = ties(r, n), a = gaussian(r, n), b = gaussian(r, n);
        double[] ref = new double[n];
        ElementwiseCpu.where(d(c), d(a), d(b), ref, n);
        Storage out = zeros(n);
        ElementwiseLaunch.where(1, p(up(c)), p(up(a)), p(up(b)), p(out), n);
        exact("where_forward_v1", ref, down(out));

        // transpose [4, 6] -> [6, 4] at offsets, F32 -> F32, F32 -> I32 (truncation), I32 -> F32
        float[] src = gaussian(r, 30);
        for (int i = 0; i < src.length; i++) src[i] *= 5;
        int[] shape = {6, 4};
        int[] inSt = {1, 6}, outSt = {4, 1};
        for (int[] types : new int[][]{{0, 0}, {0, 1}, {1, 0}}) {
            CpuStorage cin = types[0] == 0 ? CpuStorage.of(src.clone()) : CpuStorage.of(toInts(src));
            CpuStorage cout = types[1] == 0 ? CpuStorage.of(new float[27]) : CpuStorage.of(new int[27]);
            ElementwiseCpu.copy(shape, cin, 3, inSt, cout, 2, outSt);
            Storage gin = types[0] == 0 ? up(src) : upI(toInts(src));
            Storage gout = types[1] == 0 ? zeros(27) : zerosI(27);
            ElementwiseLaunch.copy(1, shape, p(gin), types[0], 3, inSt, p(gout), types[1], 2, outSt);
            exact("copy_strided_forward_v1 types " + Arrays.toString(types), cout.toDoubles(0, 27), down(gout));
        }
        Storage f = zeros(77);
        ElementwiseLaunch.fill(1, p(f), Float.floatToRawIntBits(-2.5f), 76);   // leaves the last element 0
        double[] expect = new double[77];
        Arrays.fill(expect, 0, 76, -2.5);
        exact("fill_forward_v1 F32", expect, down(f));
        Storage fi = zerosI(5);
        gpu.fill(fi, 7);   // I32 through the backend
        assertArrayEquals(new double[]{7, 7, 7, 7, 7}, down(fi), "fill_forward_v1 I32 via CudaBackend.fill");
    }

    static int[] toInts(float[] a) {
        int[] o = new int[a.length];
        for (int i = 0; i < a.length; i++) o[i] = (int) a[i];
        return o;
    }

    // ---- rows: reduce, softmax, instance norm -----------------------------------------------------
    static final int[][] ROW_SHAPES = {{7, 1}, {13, 33}, {5, 1000}, {3, 4097}};

    static Stream<String> rowVersions() { return ROWS.stream(); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rowVersions")
    void rowKernels(String kernel) {
        int v = version(kernel);
        String ladder = ladder(kernel);
        for (int[] rc : ROW_SHAPES) {
            int rows = rc[0], cols = rc[1], n = rows * cols;
            Random r = new Random(rows * 31L + cols);
            String what = kernel + " rows=" + rows + " cols=" + cols;
            switch (ladder) {
                case "reduce_rows_forward" -> {
                    for (ReduceOp op : ReduceOp.values()) {
                        if (cols == 1 && op.isArg()) continue;   // every index would be 0
                        float[] x = cols > 1 ? ties(r, n) : gaussian(r, n);
                        if (cols > 3) x[cols + 2] = Float.NaN;   // row 1 has a NaN: NaN wins max/min
                        double[] ref = new double[rows];
                        ReduceCpu.reduceRows(op, d(x), rows, cols, ref);
                        Storage out = op.isArg() ? zerosI(rows) : zeros(rows);
                        ReduceLaunch.reduceRows(v, op, p(up(x)), rows, cols, p(out));
                        if (op.isArg()) exact(what + " " + op, ref, down(out));
                        else close(what + " " + op, ref, ReduceCpuAbs.sum(op, d(x), rows, cols, ref), down(out), fp32Rel(cols));
                    }
                }
                case "softmax_forward", "softmax_backward" -> {
                    for (boolean log : new boolean[]{false, true}) {
                        float[] x = gaussian(r, n);
                        double[] y = new double[n];
                        ReduceCpu.softmaxRows(log, d(x), rows, cols, y);
                        if (ladder.equals("softmax_forward")) {
                            if (cols == 1) continue;   // softmax of one element is the constant 1 (log: 0)
                            Storage out = zeros(n);
                            SoftmaxLaunch.forward(v, log, p(up(x)), rows, cols, p(out));
                            close(what + " log=" + log, y, down(out), fp32Rel(cols));
                        } else {
                            float[] yf = new float[n], dy = gaussian(r, n);
                            for (int i = 0; i < n; i++) yf[i] = (float) y[i];
                            double[] ref = new double[n], mag = new double[n];
                            ReduceCpu.softmaxRowsBackward(log, d(yf), d(dy), rows, cols, ref);
                            for (int row = 0; row < rows; row++) {   // term magnitudes of dx = y (dy - sum dy y) / dy - exp(y) sum dy
                                double s = 0;
                                for (int c = 0; c < cols; c++) s += Math.abs(dy[row * cols + c]) * (log ? 1 : Math.abs(yf[row * cols + c]));
                                for (int c = 0; c < cols; c++) {
                                    int i = row * cols + c;
                                    mag[i] = log ? Math.abs(dy[i]) + Math.exp(yf[i]) * s : Math.abs(yf[i]) * (Math.abs(dy[i]) + s);
                                }
                            }
                            Storage out = zeros(n);
                            SoftmaxLaunch.backward(v, log, p(up(yf)), p(up(dy)), rows, cols, p(out));
                            if (cols > 1) close(what + " log=" + log, ref, mag, down(out), fp32Rel(cols));
                        }
                    }
                }
                case "instance_norm_forward", "instance_norm_backward" -> {
                    if (cols == 1) continue;   // a one-element plane normalises to 0
                    float[] x = gaussian(r, n);
                    for (int i = 0; i < n; i++) x[i] = 3 + 2 * x[i];
                    double[] y = new double[n], mean = new double[rows], rstd = new double[rows];
                    NormCpu.instanceNorm(rows, cols, 1e-5, d(x), y, mean, rstd);
                    if (ladder.equals("instance_norm_forward")) {
                        Storage gy = zeros(n), gm = zeros(rows), gr = zeros(rows);
                        InstanceNormLaunch.forward(v, rows, cols, 1e-5f, p(up(x)), p(gy), p(gm), p(gr));
                        close(what + " y", y, plusOne(y), down(gy), fp32Rel(cols) * 4);
                        close(what + " mean", mean, plusOne(mean), down(gm), fp32Rel(cols));
                        if (rows > 1) close(what + " rstd", rstd, down(gr), fp32Rel(cols) * 4);
                    } else {
                        float[] yf = new float[n], rs = new float[rows], dy = gaussian(r, n);
                        for (int i = 0; i < n; i++) yf[i] = (float) y[i];
                        for (int i = 0; i < rows; i++) rs[i] = (float) rstd[i];
                        double[] ref = new double[n];
                        NormCpu.instanceNormBackward(rows, cols, d(yf), d(rs), d(dy), ref);
                        Storage out = zeros(n);
                        InstanceNormLaunch.backward(v, rows, cols, p(up(yf)), p(up(rs)), p(up(dy)), p(out));
                        double[] mag = new double[n];
                        for (int i = 0; i < n; i++) mag[i] = rs[i / cols] * (Math.abs(dy[i]) + 4 + 4 * Math.abs(yf[i]));
                        close(what, ref, mag, down(out), fp32Rel(cols));
                    }
                }
                default -> fail("no parity case for " + kernel);
            }
        }
    }

    static double[] plusOne(double[] a) {
        double[] o = abs(a);
        for (int i = 0; i < o.length; i++) o[i] += 1;
        return o;
    }

    /** Magnitudes for row sums: the sum of |x| per row (other ops: |ref|). */
    static final class ReduceCpuAbs {
        static double[] sum(ReduceOp op, double[] x, int rows, int cols, double[] ref) {
            if (op != ReduceOp.SUM) return abs(ref);
            double[] m = new double[rows];
            ReduceCpu.reduceRows(ReduceOp.SUM, abs(x), rows, cols, m);
            return m;
        }
    }

    // ---- pooling and upsampling ------------------------------------------------------------------
    static final PoolGeom[] POOLS = {
            new PoolGeom(3, 7, 9, 3, 3, 2, 2, 1, 1),      // stride 2, padding, odd sizes
            new PoolGeom(2, 8, 8, 2, 2, 2, 2, 0, 0),      // the UNet 2x2 pool
            new PoolGeom(2, 5, 6, 4, 4, 1, 1, 2, 2),      // 4x4, overlapping windows
            new PoolGeom(1, 9, 9, 1, 1, 1, 1, 0, 0)};     // 1x1

    static Stream<String> poolVersions() { return POOL_UPSAMPLE.stream(); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("poolVersions")
    void poolAndUpsample(String kernel) {
        int v = version(kernel);
        String ladder = ladder(kernel);
        Random r = new Random(kernel.hashCode());
        if (ladder.contains("pool2d")) {
            for (PoolGeom g : POOLS) {
                int in = g.nc() * g.h() * g.w(), out = g.nc() * g.hout() * g.wout();
                String what = kernel + " " + g;
                float[] x = ties(r, in), dy = gaussian(r, out);
                double[] y = new double[out];
                int[] arg = new int[out];
                Pool2dCpu.maxForward(g, d(x), y, arg);
                switch (ladder) {
                    case "max_pool2d_forward" -> {
                        Storage gy = zeros(out), ga = zerosI(out);
                        Pool2dLaunch.maxForward(v, g, p(up(x)), p(gy), p(ga));
                        exact(what + " y", y, down(gy));
                        double[] argRef = new double[out];
                        for (int i = 0; i < out; i++) argRef[i] = arg[i];
                        exact(what + " argmax", argRef, down(ga));
                    }
                    case "max_pool2d_backward" -> {
                        double[] ref = new double[in];
                        Pool2dCpu.maxBackward(g, d(dy), arg, ref);
                        Storage dx = gpu.upload(gaussian(r, in));   // garbage: the launcher must zero it
                        Pool2dLaunch.maxBackward(v, g, p(up(dy)), p(upI(arg)), p(dx));
                        close(what, ref, plusOne(ref), down(dx), 1e-6);
                    }
                    case "avg_pool2d_forward" -> {
                        double[] ref = new double[out];
                        float[] xg = gaussian(r, in);
                        Pool2dCpu.avgForward(g, d(xg), ref);
                        Storage gy = zeros(out);
                        Pool2dLaunch.avgForward(v, g, p(up(xg)), p(gy));
                        close(what, ref, plusOne(ref), down(gy), fp32Rel(g.kh() * g.kw()));
                    }
                    case "avg_pool2d_backward" -> {
                        double[] ref = new double[in];
                        Pool2dCpu.avgBackward(g, d(dy), ref);
                        Storage dx = gpu.upload(gaussian(r, in));
                        Pool2dLaunch.avgBackward(v, g, p(up(dy)), p(dx));
                        close(what, ref, plusOne(ref), down(dx), fp32Rel(g.kh() * g.kw()));
                    }
                    default -> fail("no parity case for " + kernel);
                }
            }
            return;
        }
        int[][] bilinear = {{3, 5, 7, 9, 13}, {2, 1, 1, 3, 3}, {2, 6, 5, 3, 2}, {1, 4, 4, 1, 1}, {2, 48, 48, 96, 96}};
        int[][] nearest = {{3, 5, 7, 2, 3}, {2, 4, 4, 1, 1}, {1, 3, 2, 2, 2}};
        for (int[] s : ladder.contains("bilinear") ? bilinear : nearest) {
            int nc = s[0], h = s[1], w = s[2];
            int ho = ladder.contains("bilinear") ? s[3] : h * s[3], wo = ladder.contains("bilinear") ? s[4] : w * s[4];
            int in = nc * h * w, out = nc * ho * wo;
            String what = kernel + " " + Arrays.toString(s);
            float[] x = gaussian(r, in), dy = gaussian(r, out);
            double[] ref;
            Storage res;
            switch (ladder) {
                case "upsample_bilinear_forward" -> {
                    ref = new double[out];
                    UpsampleCpu.bilinear(nc, h, w, ho, wo, d(x), ref);
                    res = zeros(out);
                    UpsampleLaunch.bilinear(v, nc, h, w, ho, wo, p(up(x)), p(res));
                }
                case "upsample_bilinear_backward" -> {
                    ref = new double[in];
                    UpsampleCpu.bilinearBackward(nc, h, w, ho, wo, d(dy), ref);
                    res = gpu.upload(gaussian(r, in));
                    UpsampleLaunch.bilinearBackward(v, nc, h, w, ho, wo, p(up(dy)), p(res));
                }
                case "upsample_nearest_forward" -> {
                    ref = new double[out];
                    UpsampleCpu.nearest(nc, h, w, s[3], s[4], d(x), ref);
                    res = zeros(out);
                    UpsampleLaunch.nearest(v, nc, h, w, s[3], s[4], p(up(x)), p(res));
                }
                case "upsample_nearest_backward" -> {
                    ref = new double[in];
                    UpsampleCpu.nearestBackward(nc, h, w, s[3], s[4], d(dy), ref);
                    res = gpu.upload(gaussian(r, in));
                    UpsampleLaunch.nearestBackward(v, nc, h, w, s[3], s[4], p(up(dy)), p(res));
                }
                default -> throw new AssertionError("no parity case for " + kernel);
            }
            close(what, ref, plusOne(ref), down(res), 1e-5);
        }
    }

    // ---- matmul ---------------------------------------------------------------------------------
    static final int[][] GEMMS = {{1, 1, 1, 1}, {1, 67, 129, 45}, {3, 130, 65, 257}, {2, 33, 200, 1}, {1, 129, 131, 130}};

    static Stream<String> matmulVersions() { return MATMUL.stream(); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matmulVersions")
    void matmulAllTransposesAndBatches(String kernel) {
        int v = version(kernel);
        gemmCases(kernel, v == 4 ? TF32_REL : -1, (c) -> MatMulLaunch.forward(v, c.ta, c.tb, c.batch, c.m, c.n, c.k,
                p(c.a), c.aStride, p(c.b), c.bStride, p(c.c)));
    }

    @Test
    void cublasPaths() {
        assumeTrue(Cublas.available(), "cuBLAS 13 is not loadable here");
        for (boolean tf32 : new boolean[]{false, true})
            gemmCases("cublas tf32=" + tf32, tf32 ? TF32_REL : -1, c -> {
                if (c.batch == 1) Cublas.get().sgemmRowMajor(c.ta, c.tb, c.m, c.n, c.k, p(c.a), p(c.b), p(c.c), false, tf32);
                else Cublas.get().sgemmStridedBatchedRowMajor(c.ta, c.tb, c.batch, c.m, c.n, c.k, p(c.a), c.aStride, p(c.b), c.bStride,
                        p(c.c), (long) c.m * c.n, tf32);
            });
    }

    record Gemm(boolean ta, boolean tb, int batch, int m, int n, int k, Storage a, int aStride, Storage b, int bStride, Storage c) {}

    static void gemmCases(String what, double rel, Consumer<Gemm> run) {
        for (int[] s : GEMMS)
            for (int t = 0; t < 4; t++)
                for (boolean shareB : new boolean[]{false, true}) {
                    int batch = s[0], m = s[1], n = s[2], k = s[3];
                    boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                    if (shareB && batch == 1) continue;
                    Random r = new Random(m * 1000L + n * 10L + k + t);
                    float[] a = gaussian(r, batch * m * k), b = gaussian(r, (shareB ? 1 : batch) * k * n);
                    int aS = m * k, bS = shareB ? 0 : k * n;
                    double[] ref = new double[batch * m * n], mag = new double[batch * m * n];
                    MatMulCpu.matmul(ta, tb, batch, m, n, k, d(a), aS, d(b), bS, ref);
                    MatMulCpu.matmul(ta, tb, batch, m, n, k, abs(d(a)), aS, abs(d(b)), bS, mag);
                    Storage c = gpu.upload(gaussian(r, batch * m * n));   // garbage: must be overwritten
                    run.accept(new Gemm(ta, tb, batch, m, n, k, up(a), aS, up(b), bS, c));
                    String label = what + " batch=" + batch + " m=" + m + " n=" + n + " k=" + k + " transA=" + ta + " transB=" + tb + " sharedB=" + shareB;
                    if (ref.length > 1) close(label, ref, mag, down(c), rel > 0 ? rel : fp32Rel(k));
                }
    }

    // ---- convolution ----------------------------------------------------------------------------------
    static final ConvGeom[] CONVS = {
            new ConvGeom(2, 4, 7, 9, 6, 3, 3, 1, 1, 1, 1, 1),     // odd sizes, padding
            new ConvGeom(2, 4, 8, 8, 6, 3, 3, 2, 2, 1, 1, 2),     // stride 2, groups 2
            new ConvGeom(1, 6, 9, 7, 4, 1, 1, 1, 1, 0, 0, 2),     // 1x1, groups 2
            new ConvGeom(2, 4, 10, 10, 4, 4, 4, 2, 2, 1, 1, 2),   // 4x4 stride 2 (the 3DSR down-sampling), groups 2
            new ConvGeom(1, 3, 5, 6, 70, 3, 3, 1, 1, 1, 1, 1),    // cout 70: two row tiles
            new ConvGeom(1, 66, 12, 11, 8, 3, 3, 1, 1, 1, 1, 1),  // K = 594: many k slices
            new ConvGeom(3, 2, 3, 3, 2, 3, 3, 1, 1, 0, 0, 1)};    // output 1x1

    static Stream<String> convVersions() { return CONV.stream(); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("convVersions")
    void conv2dAllPasses(String kernel) {
        int v = version(kernel);
        String ladder = ladder(kernel);
        convCases(kernel, -1, switch (ladder) {
            case "conv2d_forward" -> (ConvRun) (g, x, w, bias, y, dy, dx, dw) -> Conv2dLaunch.forward(v, g, p(x), p(w), bias == null ? 0 : p(bias), p(y));
            case "conv2d_backward_input" -> (ConvRun) (g, x, w, bias, y, dy, dx, dw) -> Conv2dLaunch.backwardInput(v, g, p(dy), p(w), p(dx));
            case "conv2d_backward_weight" -> (ConvRun) (g, x, w, bias, y, dy, dx, dw) -> Conv2dLaunch.backwardWeight(v, g, p(x), p(dy), p(dw));
            default -> throw new AssertionError("no parity case for " + kernel);
        }, ladder);
    }

    @Test
    void cudnnPaths() {
        assumeTrue(Cudnn.available(), "cuDNN 9 is not loadable here");
        for (boolean tf32 : new boolean[]{false, true}) {
            double rel = tf32 ? TF32_REL : -1;
            convCases("cudnn forward tf32=" + tf32, rel, (g, x, w, bias, y, dy, dx, dw) -> Cudnn.get().convForward(g, p(x), p(w), p(y), tf32), "nobias");
            convCases("cudnn backward_input tf32=" + tf32, rel, (g, x, w, bias, y, dy, dx, dw) -> Cudnn.get().convBackwardData(g, p(dy), p(w), p(dx), tf32),
                    "conv2d_backward_input");
            convCases("cudnn backward_weight tf32=" + tf32, rel, (g, x, w, bias, y, dy, dx, dw) -> Cudnn.get().convBackwardFilter(g, p(x), p(dy), p(dw), tf32),
                    "conv2d_backward_weight");
        }
    }

    interface ConvRun {
        void run(ConvGeom g, Storage x, Storage w, Storage bias, Storage y, Storage dy, Storage dx, Storage dw);
    }

    /** pass: conv2d_forward (with and without bias), nobias (forward without bias only), conv2d_backward_input, conv2d_backward_weight. */
    static void convCases(String what, double rel, ConvRun run, String pass) {
        for (ConvGeom g : CONVS) {
            for (boolean withBias : pass.equals("conv2d_forward") ? new boolean[]{true, false} : new boolean[]{false}) {
                Random r = new Random(g.hashCode() + (withBias ? 1 : 0));
                float[] x = gaussian(r, g.inputSize()), w = gaussian(r, g.weightSize()), bias = gaussian(r, g.cout()),
                        dy = gaussian(r, g.outputSize());
                double[] ref, mag;
                Storage res;
                Storage gx = up(x), gw = up(w), gb = withBias ? up(bias) : null, gdy = up(dy);
                Storage gy = gpu.upload(gaussian(r, g.outputSize())), gdx = gpu.upload(gaussian(r, g.inputSize())),
                        gdw = gpu.upload(gaussian(r, g.weightSize()));
                long reduction;
                switch (pass) {
                    case "conv2d_forward", "nobias" -> {
                        ref = new double[g.outputSize()];
                        mag = new double[g.outputSize()];
                        Conv2dCpu.forward(g, d(x), d(w), withBias ? d(bias) : null, ref);
                        Conv2dCpu.forward(g, abs(d(x)), abs(d(w)), withBias ? abs(d(bias)) : null, mag);
                        res = gy;
                        reduction = (long) g.cinPerGroup() * g.kh() * g.kw();
                    }
                    case "conv2d_backward_input" -> {
                        ref = new double[g.inputSize()];
                        mag = new double[g.inputSize()];
                        Conv2dCpu.backwardInput(g, d(dy), d(w), ref);
                        Conv2dCpu.backwardInput(g, abs(d(dy)), abs(d(w)), mag);
                        res = gdx;
                        reduction = (long) g.coutPerGroup() * g.kh() * g.kw();
                    }
                    default -> {
                        ref = new double[g.weightSize()];
                        mag = new double[g.weightSize()];
                        Conv2dCpu.backwardWeight(g, d(x), d(dy), ref);
                        Conv2dCpu.backwardWeight(g, abs(d(x)), abs(d(dy)), mag);
                        res = gdw;
                        reduction = (long) g.n() * g.hout() * g.wout();
                    }
                }
                run.run(g, gx, gw, gb, gy, gdy, gdx, gdw);
                close(what + " " + g + " bias=" + withBias, ref, mag, down(res), rel > 0 ? rel : fp32Rel(reduction));
            }
        }
    }

    // ---- VQ -----------------------------------------------------------------------------------------
    static Stream<String> vqVersions() { return only(VQ, "vq_nearest_forward").stream(); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vqVersions")
    void vqNearestIsWithinRoundingOfTheExactMinimumAndTiesGoLow(String kernel) {
        int v = version(kernel);
        int[][] nkd = {{1, 1, 1}, {7, 3, 5}, {130, 257, 33}, {65, 70, 256}, {200, 2049, 17}};
        for (int[] s : nkd) {
            int n = s[0], k = s[1], d = s[2];
            Random r = new Random(n * 7L + k + d);
            float[] z = gaussian(r, n * d), e = gaussian(r, k * d);
            if (k > 3) {   // exact ties: codeword k-1 duplicates codeword 2; rows 0.. near codeword 2
                System.arraycopy(e, 2 * d, e, (k - 1) * d, d);
                for (int i = 0; i < Math.min(n, 5); i++)
                    for (int p = 0; p < d; p++) z[i * d + p] = e[2 * d + p] + 0.01f * (float) r.nextGaussian();
            }
            int[] got = nearest(v, z, e, n, k, d);
            String what = kernel + " n=" + n + " k=" + k + " d=" + d;
            for (int i = 0; i < n; i++) {
                double best = Double.POSITIVE_INFINITY, norm = 0;
                for (int j = 0; j < k; j++) best = Math.min(best, dist(z, e, i, j, d));
                for (int p = 0; p < d; p++) norm += z[i * d + p] * (double) z[i * d + p];
                double chosen = dist(z, e, i, got[i], d);
                assertTrue(got[i] >= 0 && got[i] < k, what + " row " + i + ": index " + got[i] + " out of range");
                assertTrue(chosen <= best + 1e-5 * (1 + norm + best) * Math.sqrt(d), what + " row " + i + ": chose " + got[i]
                        + " at distance " + chosen + ", the minimum is " + best);
                if (k > 3 && i < 5) assertNotEquals(k - 1, got[i], what + " row " + i + ": a tie must go to the lowest index (2), got " + got[i]);
            }
            if (n > 1 && k > 1) {
                int[] ref = new int[n];
                MatMulCpu.vqNearest(d(z), d(e), n, k, d, ref);
                int same = 0;
                for (int i = 0; i < n; i++) if (ref[i] == got[i]) same++;
                assertTrue(same >= n * 0.95, what + ": only " + same + " of " + n + " indices equal the reference");
            }
        }
    }

    static int[] nearest(int v, float[] z, float[] e, int n, int k, int d) {
        Storage out = zerosI(n);
        int sc = VqNearestLaunch.scratchFloats(v, k);
        Storage scratch = sc > 0 ? zeros(sc) : null;
        VqNearestLaunch.nearest(v, p(up(z)), p(up(e)), n, k, d, p(out), scratch == null ? 0 : p(scratch));
        return gpu.downloadInts(out);
    }

    static double dist(float[] z, float[] e, int i, int j, int d) {
        double s = 0;
        for (int p = 0; p < d; p++) { double t = z[i * d + p] - (double) e[j * d + p]; s += t * t; }
        return s;
    }

    @Test
    void vqEmaUpdateMatchesTheFormula() {
        assertTrue(VQ.contains("vq_ema_forward_v1"));
        int n = 300, d = 7, k = 37;
        double decay = 0.99, eps = 1e-5;
        Random r = new Random(77);
        float[] z = gaussian(r, n * d), size = uniform(r, k, 0f, 5f), emaW = gaussian(r, k * d);
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) idx[i] = r.nextInt(k - 3);   // the last 3 codes receive nothing
        // reference: VectorQuantizerEMA.emaUpdate in double
        double[] counts = new double[k], sums = new double[k * d], nRef = new double[k], mRef = new double[k * d], eRef = new double[k * d];
        for (int i = 0; i < n; i++) {
            counts[idx[i]]++;
            for (int p = 0; p < d; p++) sums[idx[i] * d + p] += z[i * d + p];
        }
        double total = 0;
        for (int j = 0; j < k; j++) { nRef[j] = decay * size[j] + (1 - decay) * counts[j]; total += nRef[j]; }
        for (int j = 0; j < k; j++) nRef[j] = (nRef[j] + eps) / (total + k * eps) * total;
        for (int q = 0; q < k * d; q++) {
            mRef[q] = decay * emaW[q] + (1 - decay) * sums[q];
            eRef[q] = mRef[q] / nRef[q / d];
        }
        Storage gz = up(z), gi = upI(idx), gs = up(size), gw = up(emaW), ge = zeros(k * d);
        VqEmaLaunch.update(1, p(gz), p(gi), n, d, k, (float) decay, (float) eps, p(gs), p(gw), p(ge), p(zeros(k)), p(zeros(k * d)));
        close("vq_ema_forward_v1 cluster size", nRef, down(gs), 1e-5);
        close("vq_ema_forward_v1 ema_w", mRef, plusOne(mRef), down(gw), 1e-5);
        close("vq_ema_forward_v1 embedding", eRef, plusOne(eRef), down(ge), 1e-4);
        // and through the backend method
        Storage gs2 = up(size), gw2 = up(emaW), ge2 = zeros(k * d);
        gpu.vqEmaUpdate(gz, gi, n, d, k, decay, eps, gs2, gw2, ge2);
        close("CudaBackend.vqEmaUpdate embedding", eRef, plusOne(eRef), down(ge2), 1e-4);
    }

    // ---- indexing ------------------------------------------------------------------------------------
    @Test
    void indexKernels() {
        assertEquals(4, INDEX.size());
        Random r = new Random(3);
        int outer = 2, dimIn = 5, dimOut = 7, inner = 3, m = outer * dimOut * inner;
        float[] in = gaussian(r, outer * dimIn * inner), dOut = gaussian(r, m);
        int[] idx = new int[m];
        for (int i = 0; i < m; i++) idx[i] = r.nextInt(dimIn);
        Storage err = zerosI(1);
        double[] ref = new double[m];
        IndexCpu.gather(outer, dimIn, dimOut, inner, d(in), idx, ref);
        Storage out = zeros(m);
        IndexLaunch.gather(1, outer, dimIn, dimOut, inner, p(up(in)), p(upI(idx)), p(out), p(err));
        exact("gather_forward_v1", ref, down(out));
        double[] refS = new double[outer * dimIn * inner];
        IndexCpu.scatterAdd(outer, dimIn, dimOut, inner, d(dOut), idx, refS);
        Storage dIn = zeros(refS.length);
        IndexLaunch.scatterAdd(1, outer, dimIn, dimOut, inner, p(up(dOut)), p(upI(idx)), p(dIn), p(err));
        close("scatter_add_forward_v1", refS, plusOne(refS), down(dIn), 1e-6);

        int rows = 11, d = 5, n = 23;
        float[] table = gaussian(r, rows * d), g = gaussian(r, n * d);
        int[] rix = new int[n];
        for (int j = 0; j < n; j++) rix[j] = r.nextInt(rows);
        double[] refT = new double[n * d];
        IndexCpu.indexSelectRows(d(table), rows, d, rix, n, refT);
        Storage o2 = zeros(n * d);
        IndexLaunch.indexSelectRows(1, p(up(table)), rows, d, p(upI(rix)), n, p(o2), p(err));
        exact("index_select_rows_forward_v1", refT, down(o2));
        double[] refA = new double[rows * d];
        IndexCpu.indexAddRows(d(g), rix, n, d, refA);
        Storage dT = zeros(rows * d);
        IndexLaunch.indexAddRows(1, p(up(g)), p(upI(rix)), n, d, p(dT), rows, p(err));
        close("index_add_rows_forward_v1", refA, plusOne(refA), down(dT), 1e-6);
        assertEquals(0.0, down(err)[0], "no index was out of range, yet the error flag is set");

        // a bad index is an error naming it, as on the CPU
        int[] bad = rix.clone();
        bad[4] = rows + 2;
        IndexOutOfBoundsException ex = assertThrows(IndexOutOfBoundsException.class,
                () -> gpu.indexSelectRows(up(table), rows, d, upI(bad), n, zeros(n * d)));
        assertTrue(ex.getMessage().contains(String.valueOf(rows + 2)), ex.getMessage());
    }

    // ---- the backend SPI with its default versions -------------------------------------------------------
    @Test
    void backendDefaultsMatchTheCpuBackend() {
        Random r = new Random(1);
        int m = 70, n = 33, k = 129;
        float[] a = gaussian(r, m * k), b = gaussian(r, k * n);
        double[] ref = new double[m * n];
        MatMulCpu.matmul(false, false, 1, m, n, k, d(a), 0, d(b), 0, ref);
        Storage c = zeros(m * n);
        gpu.matmul(false, false, 1, m, n, k, up(a), 0, up(b), 0, c);
        close("CudaBackend.matmul (" + gpu.matmulImpl() + ")", ref, down(c), fp32Rel(k) * 10);

        ConvGeom g = CONVS[1];
        float[] x = gaussian(r, g.inputSize()), w = gaussian(r, g.weightSize()), bias = gaussian(r, g.cout());
        double[] y = new double[g.outputSize()];
        Conv2dCpu.forward(g, d(x), d(w), d(bias), y);
        Storage gy = zeros(g.outputSize());
        gpu.conv2dForward(g, up(x), up(w), up(bias), gy);
        close("CudaBackend.conv2dForward (" + gpu.convImpl() + ")", y, down(gy), 1e-4);

        float[] rowsIn = ties(r, 6 * 9);
        double[] am = new double[6];
        ReduceCpu.reduceRows(ReduceOp.ARGMAX, d(rowsIn), 6, 9, am);
        Storage f32out = zeros(6);   // ARG op into an F32 storage goes through an I32 temporary
        gpu.reduceRows(ReduceOp.ARGMAX, up(rowsIn), 6, 9, f32out);
        exact("CudaBackend.reduceRows ARGMAX into F32", am, down(f32out));

        assertThrows(UnsupportedOperationException.class, () -> gpu.allocate(DType.F64, 3));
        assertEquals(KernelCatalog.ALL.size(), KernelCatalog.ALL.stream().map(KernelCatalog.Entry::name).distinct().count());
    }
}
