package dsr3d.cuda.driver;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dsr3d.tensor.backend.ConvGeom;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.HashMap;
import java.util.Map;

/**
 * cuDNN 9 (libcudnn.so.9, legacy convolution API) through FFM: float NCHW convolutions,
 * including grouped ones, forward and both backward passes, on {@link CudaDriver#stream()}.
 *
 * <p>Per (geometry, tf32) a {@link Plan} is cached: tensor/filter/convolution descriptors
 * (CUDNN_CROSS_CORRELATION, i.e. PyTorch's conv2d; cudnnSetConvolutionGroupCount for groups)
 * and, per direction, the algorithm, its math type and workspace size. Algorithms come from
 * the heuristics (cudnnGet*Algorithm_v7, cheap and deterministic in choice) or, with
 * {@code -Ddsr3d.cudnn.find=true}, from timing every algorithm once (cudnnFind*AlgorithmEx,
 * run on the caller's own buffers: the output is overwritten anyway).
 *
 * <p>Precision: {@code tf32=false} uses CUDNN_FMA_MATH, which restricts cuDNN to FP32 FMA
 * kernels (CUDNN_DEFAULT_MATH would allow TF32 tensor cores on sm_80+, as PyTorch knows:
 * it sets FMA math when allow_tf32 is off); {@code tf32=true} starts from CUDNN_TENSOR_OP_MATH
 * and then uses the math type the chosen algorithm reports.
 *
 * <p>Workspace: one grow-only device buffer shared by all calls (all work is on one stream, so
 * consecutive calls never use it at the same time). Growing it first synchronises the stream,
 * then frees the old buffer. Its size per call is capped by {@code -Ddsr3d.cudnn.maxWorkspaceMiB}
 * (default 1024): algorithms needing more are skipped.
 */
public final class Cudnn {
    private static final int CUDNN_TENSOR_NCHW = 0, CUDNN_DATA_FLOAT = 0, CUDNN_CROSS_CORRELATION = 1;
    private static final int CUDNN_DEFAULT_MATH = 0, CUDNN_TENSOR_OP_MATH = 1,
            CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION = 2, CUDNN_FMA_MATH = 3;
    /** cudnnConvolution*AlgoPerf_t: int algo, int status, float time, size_t memory,
     *  int determinism, int mathType, int reserved[3]: 48 bytes, same for all three directions. */
    static final long PERF_BYTES = 48, PERF_ALGO = 0, PERF_STATUS = 4, PERF_TIME = 8, PERF_MEMORY = 16,
            PERF_DETERMINISM = 24, PERF_MATH = 28;
    private static final int MAX_ALGOS = 16;
    private static final String[] GET_NAMES = {"cudnnGetConvolutionForwardAlgorithm_v7",
            "cudnnGetConvolutionBackwardDataAlgorithm_v7", "cudnnGetConvolutionBackwardFilterAlgorithm_v7"};
    private static final String[] FIND_NAMES = {"cudnnFindConvolutionForwardAlgorithmEx",
            "cudnnFindConvolutionBackwardDataAlgorithmEx", "cudnnFindConvolutionBackwardFilterAlgorithmEx"};
    private static final String[] WS_NAMES = {"cudnnGetConvolutionForwardWorkspaceSize",
            "cudnnGetConvolutionBackwardDataWorkspaceSize", "cudnnGetConvolutionBackwardFilterWorkspaceSize"};
    private static final String[] RUN_NAMES = {"cudnnConvolutionForward", "cudnnConvolutionBackwardData",
            "cudnnConvolutionBackwardFilter"};

    private static final OnceOrReason<Cudnn> ONCE = new OnceOrReason<>("cuDNN", () -> new Cudnn(CudaDriver.get()));

    /** The process-wide handle; CudaUnavailableException if the driver or the library is missing. */
    public static Cudnn get() { return ONCE.get(); }

    public static boolean available() { return ONCE.available(); }

    /** Direction of a convolution call, also the index into a plan's algorithm choice. */
    public enum Direction { FORWARD, BACKWARD_DATA, BACKWARD_FILTER }

    /** What was chosen for one direction of one plan (exposed for logs and benchmarks). */
    public record Choice(int algo, int mathType, long workspaceBytes, float findTimeMs) {}

    private record Key(ConvGeom geom, boolean tf32) {}

    private static final class Plan {
        long x, w, y, conv; // descriptors
        final Choice[] choice = new Choice[3];
    }

    private final CudaDriver driver;
    private final NativeLibrary lib;
    private final long handle;
    private final long version;
    private final boolean find = dsr3d.tensor.Config.CUDNN_FIND;
    private final long maxWorkspace = dsr3d.tensor.Config.CUDNN_MAX_WORKSPACE_MIB << 20;
    private final Map<Key, Plan> plans = new HashMap<>();
    private long workspace, workspaceBytes;

    private final MethodHandle getErrorString, createTensor, setTensor4d, createFilter, setFilter4d, createConv,
            setConv2d, setGroupCount, setMathType, outputDim;
    private final MethodHandle[] getAlgo = new MethodHandle[3], findAlgo = new MethodHandle[3],
            wsSize = new MethodHandle[3], run = new MethodHandle[3];
    private final MemorySegment one, zero;

    /** A separate instance on an explicit library file and driver (tests with stub libraries). */
    public static Cudnn load(CudaDriver driver, java.nio.file.Path libcudnn) {
        return new Cudnn(driver, NativeLibrary.openFile(libcudnn));
    }

    private Cudnn(CudaDriver driver) {
        this(driver, NativeLibrary.open("libcudnn.so.9"));
    }

    private Cudnn(CudaDriver driver, NativeLibrary lib) {
        this.driver = driver;
        this.lib = lib;
        FunctionDescriptor i_p = FunctionDescriptor.of(JAVA_INT, ADDRESS);
        getErrorString = lib.bind("cudnnGetErrorString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        MethodHandle getVersion = lib.bind("cudnnGetVersion", FunctionDescriptor.of(JAVA_LONG));
        MethodHandle create = lib.bind("cudnnCreate", i_p);
        MethodHandle setStream = lib.bind("cudnnSetStream", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
        createTensor = lib.bind("cudnnCreateTensorDescriptor", i_p);
        // (desc, format, dataType, n, c, h, w)
        setTensor4d = lib.bind("cudnnSetTensor4dDescriptor", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        createFilter = lib.bind("cudnnCreateFilterDescriptor", i_p);
        // (desc, dataType, format, k, c, h, w): note dataType before format, unlike the tensor call
        setFilter4d = lib.bind("cudnnSetFilter4dDescriptor", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        createConv = lib.bind("cudnnCreateConvolutionDescriptor", i_p);
        // (desc, pad_h, pad_w, u, v, dilation_h, dilation_w, mode, computeType)
        setConv2d = lib.bind("cudnnSetConvolution2dDescriptor", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        setGroupCount = lib.bind("cudnnSetConvolutionGroupCount", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT));
        setMathType = lib.bind("cudnnSetConvolutionMathType", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT));
        // (convDesc, inputDesc, filterDesc, int* n, int* c, int* h, int* w)
        outputDim = lib.bind("cudnnGetConvolution2dForwardOutputDim", FunctionDescriptor.of(JAVA_INT, JAVA_LONG,
                JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, ADDRESS));

        // Get*_v7(handle, d1, d2, conv, d3, int requested, int* returned, perf*): the descriptor order
        // is the data-flow order of each direction (fwd: x, w, conv, y; bwd data: w, dy, conv, dx;
        // bwd filter: x, dy, conv, dw)
        FunctionDescriptor getV7 = FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG,
                JAVA_INT, ADDRESS, ADDRESS);
        getAlgo[0] = lib.bind("cudnnGetConvolutionForwardAlgorithm_v7", getV7);
        getAlgo[1] = lib.bind("cudnnGetConvolutionBackwardDataAlgorithm_v7", getV7);
        getAlgo[2] = lib.bind("cudnnGetConvolutionBackwardFilterAlgorithm_v7", getV7);
        // Find*Ex(handle, d1, p1, d2, p2, conv, d3, p3, requested, int* returned, perf*, workspace, wsBytes)
        FunctionDescriptor findEx = FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG,
                JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG);
        findAlgo[0] = lib.bind("cudnnFindConvolutionForwardAlgorithmEx", findEx);
        findAlgo[1] = lib.bind("cudnnFindConvolutionBackwardDataAlgorithmEx", findEx);
        findAlgo[2] = lib.bind("cudnnFindConvolutionBackwardFilterAlgorithmEx", findEx);
        // Get*WorkspaceSize(handle, d1, d2, conv, d3, algo, size_t*)
        FunctionDescriptor ws = FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG,
                JAVA_INT, ADDRESS);
        wsSize[0] = lib.bind("cudnnGetConvolutionForwardWorkspaceSize", ws);
        wsSize[1] = lib.bind("cudnnGetConvolutionBackwardDataWorkspaceSize", ws);
        wsSize[2] = lib.bind("cudnnGetConvolutionBackwardFilterWorkspaceSize", ws);
        // (handle, alpha*, d1, p1, d2, p2, conv, algo, workspace, wsBytes, beta*, d3, p3)
        FunctionDescriptor conv = FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG,
                JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG);
        run[0] = lib.bind("cudnnConvolutionForward", conv);
        run[1] = lib.bind("cudnnConvolutionBackwardData", conv);
        run[2] = lib.bind("cudnnConvolutionBackwardFilter", conv);

        one = Arena.global().allocateFrom(JAVA_FLOAT, 1f);
        zero = Arena.global().allocateFrom(JAVA_FLOAT, 0f);
        try {
            version = (long) getVersion.invokeExact();
        } catch (Throwable t) {
            throw new CudaUnavailableException("cudnnGetVersion failed: " + t, t);
        }
        driver.ensureContext();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            check("cudnnCreate", "", CudaDriver.call(() -> (int) create.invokeExact(out)));
            handle = out.get(JAVA_LONG, 0);
            long stream = driver.stream();
            check("cudnnSetStream", "", CudaDriver.call(() -> (int) setStream.invokeExact(handle, stream)));
        }
    }

    /** cudnnGetVersion, e.g. 91000 for 9.10.0. */
    public long version() { return version; }

    /** y [n, cout, hout, wout] = conv2d(x [n, cin, h, w], w [cout, cin/groups, kh, kw]); no bias. */
    public void convForward(ConvGeom g, long x, long w, long y, boolean tf32) {
        execute(Direction.FORWARD, g, tf32, x, w, y);
    }

    /** dx [n, cin, h, w] = input gradient from dy [n, cout, hout, wout] and w. */
    public void convBackwardData(ConvGeom g, long dy, long w, long dx, boolean tf32) {
        execute(Direction.BACKWARD_DATA, g, tf32, w, dy, dx);
    }

    /** dw [cout, cin/groups, kh, kw] = weight gradient from x and dy (overwritten, not accumulated). */
    public void convBackwardFilter(ConvGeom g, long x, long dy, long dw, boolean tf32) {
        execute(Direction.BACKWARD_FILTER, g, tf32, x, dy, dw);
    }

    /** The algorithm chosen for a geometry and direction (plans it if needed; for logs and benchmarks). */
    public synchronized Choice choice(Direction dir, ConvGeom g, boolean tf32) {
        driver.ensureContext();
        Plan p = plan(g, tf32);
        if (p.choice[dir.ordinal()] == null) p.choice[dir.ordinal()] = withWorkspace(dir, p, heuristic(dir, p, tf32));
        return p.choice[dir.ordinal()];
    }

    /** The three descriptors of one call in data-flow order: (in1, in2, out) with pointers p1, p2, p3. */
    private synchronized void execute(Direction dir, ConvGeom g, boolean tf32, long p1, long p2, long p3) {
        driver.ensureContext();
        Plan p = plan(g, tf32);
        int d = dir.ordinal();
        long[] desc = descriptors(dir, p);
        if (p.choice[d] == null)
            p.choice[d] = withWorkspace(dir, p, find ? findBest(dir, p, tf32, p1, p2, p3) : heuristic(dir, p, tf32));
        Choice c = p.choice[d];
        long ws = ensureWorkspace(c.workspaceBytes());
        long wsBytes = c.workspaceBytes();
        check("cudnnSetConvolutionMathType", "", CudaDriver.call(() -> (int) setMathType.invokeExact(p.conv, c.mathType())));
        MethodHandle h = run[d];
        int rc = CudaDriver.call(() -> (int) h.invokeExact(handle, one, desc[0], p1, desc[1], p2, p.conv, c.algo(),
                ws, wsBytes, zero, desc[2], p3));
        check(RUN_NAMES[d], g + " algo " + c.algo(), rc);
    }

    /** The workspace the algorithm needs under its math type, as cudnnGet*WorkspaceSize reports it
     *  (the perf record's figure is kept if larger). */
    private Choice withWorkspace(Direction dir, Plan p, Choice c) {
        long[] desc = descriptors(dir, p);
        MethodHandle h = wsSize[dir.ordinal()];
        check("cudnnSetConvolutionMathType", "", CudaDriver.call(() -> (int) setMathType.invokeExact(p.conv, c.mathType())));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment size = a.allocate(JAVA_LONG);
            check(WS_NAMES[dir.ordinal()], "algo " + c.algo(), CudaDriver.call(() -> (int) h.invokeExact(handle, desc[0], desc[1],
                    p.conv, desc[2], c.algo(), size)));
            long bytes = Math.max(c.workspaceBytes(), size.get(JAVA_LONG, 0));
            return new Choice(c.algo(), c.mathType(), bytes, c.findTimeMs());
        }
    }

    private static long[] descriptors(Direction dir, Plan p) {
        return switch (dir) {
            case FORWARD -> new long[] {p.x, p.w, p.y};
            case BACKWARD_DATA -> new long[] {p.w, p.y, p.x};
            case BACKWARD_FILTER -> new long[] {p.x, p.y, p.w};
        };
    }

    private Plan plan(ConvGeom g, boolean tf32) {
        Key key = new Key(g, tf32);
        Plan p = plans.get(key);
        if (p != null) return p;
        p = new Plan();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            p.x = create(createTensor, "cudnnCreateTensorDescriptor", out);
            p.y = create(createTensor, "cudnnCreateTensorDescriptor", out);
            p.w = create(createFilter, "cudnnCreateFilterDescriptor", out);
            p.conv = create(createConv, "cudnnCreateConvolutionDescriptor", out);
            long x = p.x, y = p.y, w = p.w, conv = p.conv;
            check("cudnnSetTensor4dDescriptor", "x " + g, CudaDriver.call(() -> (int) setTensor4d.invokeExact(x,
                    CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, g.n(), g.cin(), g.h(), g.w())));
            check("cudnnSetTensor4dDescriptor", "y " + g, CudaDriver.call(() -> (int) setTensor4d.invokeExact(y,
                    CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, g.n(), g.cout(), g.hout(), g.wout())));
            check("cudnnSetFilter4dDescriptor", "w " + g, CudaDriver.call(() -> (int) setFilter4d.invokeExact(w,
                    CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, g.cout(), g.cinPerGroup(), g.kh(), g.kw())));
            check("cudnnSetConvolution2dDescriptor", g.toString(), CudaDriver.call(() -> (int) setConv2d.invokeExact(conv,
                    g.padH(), g.padW(), g.strideH(), g.strideW(), 1, 1, CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT)));
            int groups = g.groups();
            check("cudnnSetConvolutionGroupCount", "groups=" + groups, CudaDriver.call(() -> (int) setGroupCount.invokeExact(conv, groups)));
            int math = tf32 ? CUDNN_TENSOR_OP_MATH : CUDNN_FMA_MATH;
            check("cudnnSetConvolutionMathType", "", CudaDriver.call(() -> (int) setMathType.invokeExact(conv, math)));
            // cuDNN's own output size must agree with ConvGeom's, or the descriptors are wrong
            MemorySegment dims = a.allocate(JAVA_INT, 4);
            check("cudnnGetConvolution2dForwardOutputDim", g.toString(), CudaDriver.call(() -> (int) outputDim.invokeExact(conv, x, w,
                    dims.asSlice(0, 4), dims.asSlice(4, 4), dims.asSlice(8, 4), dims.asSlice(12, 4))));
            int[] got = dims.toArray(JAVA_INT);
            if (got[0] != g.n() || got[1] != g.cout() || got[2] != g.hout() || got[3] != g.wout())
                throw new IllegalStateException("cuDNN output dims " + java.util.Arrays.toString(got) + " differ from "
                        + g + " (n, cout, hout, wout = " + g.n() + ", " + g.cout() + ", " + g.hout() + ", " + g.wout() + ")");
        }
        plans.put(key, p);
        return p;
    }

    private long create(MethodHandle h, String name, MemorySegment out) {
        check(name, "", CudaDriver.call(() -> (int) h.invokeExact(out)));
        return out.get(JAVA_LONG, 0);
    }

    /** The heuristics' best usable algorithm: status success, workspace within the cap and, without tf32, no tensor-op math. */
    private Choice heuristic(Direction dir, Plan p, boolean tf32) {
        long[] desc = descriptors(dir, p);
        int d = dir.ordinal();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment returned = a.allocate(JAVA_INT);
            MemorySegment perf = a.allocate(PERF_BYTES * MAX_ALGOS, 8);
            MethodHandle h = getAlgo[d];
            check(GET_NAMES[d], "", CudaDriver.call(() -> (int) h.invokeExact(handle, desc[0], desc[1],
                    p.conv, desc[2], MAX_ALGOS, returned, perf)));
            return pick(dir, perf, returned.get(JAVA_INT, 0), tf32, false);
        }
    }

    /** Times every algorithm once on the caller's buffers (p3, the output, is overwritten). */
    private Choice findBest(Direction dir, Plan p, boolean tf32, long p1, long p2, long p3) {
        long[] desc = descriptors(dir, p);
        int d = dir.ordinal();
        long wsBytes = Math.min(maxWorkspace, 256L << 20);
        long ws = ensureWorkspace(wsBytes);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment returned = a.allocate(JAVA_INT);
            MemorySegment perf = a.allocate(PERF_BYTES * MAX_ALGOS, 8);
            MethodHandle h = findAlgo[d];
            check(FIND_NAMES[d], "", CudaDriver.call(() -> (int) h.invokeExact(handle, desc[0], p1,
                    desc[1], p2, p.conv, desc[2], p3, MAX_ALGOS, returned, perf, ws, wsBytes)));
            return pick(dir, perf, returned.get(JAVA_INT, 0), tf32, true);
        }
    }

    private Choice pick(Direction dir, MemorySegment perf, int count, boolean tf32, boolean timed) {
        StringBuilder seen = new StringBuilder();
        for (int i = 0; i < count; i++) {
            MemorySegment r = perf.asSlice(PERF_BYTES * i, PERF_BYTES);
            int algo = r.get(JAVA_INT, PERF_ALGO), status = r.get(JAVA_INT, PERF_STATUS), math = r.get(JAVA_INT, PERF_MATH);
            long mem = r.get(JAVA_LONG, PERF_MEMORY);
            seen.append(" [algo ").append(algo).append(" status ").append(status).append(" math ").append(math)
                    .append(" ws ").append(mem).append(']');
            if (status != 0 || mem > maxWorkspace) continue;
            boolean tensorOps = math == CUDNN_TENSOR_OP_MATH || math == CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION;
            if (!tf32 && tensorOps) continue;
            int useMath = tf32 ? math : CUDNN_FMA_MATH;
            return new Choice(algo, useMath, mem, timed ? r.get(JAVA_FLOAT, PERF_TIME) : Float.NaN);
        }
        throw new CudaException(CudaException.Library.CUDNN, GET_NAMES[dir.ordinal()], -1,
                "no usable cuDNN algorithm for " + dir + " (tf32=" + tf32 + ", workspace cap " + maxWorkspace + " bytes):" + seen);
    }

    private long ensureWorkspace(long bytes) {
        if (bytes <= workspaceBytes) return workspace;
        if (workspace != 0) {
            driver.synchronize(); // queued convolutions may still read the old buffer
            driver.free(workspace);
            workspace = 0;
            workspaceBytes = 0;
        }
        long rounded = Math.max(bytes, 1L << 20);
        workspace = driver.malloc(rounded);
        workspaceBytes = rounded;
        return workspace;
    }

    /** Frees the workspace (it grows again on demand); an OOM reliever for the allocator. */
    public synchronized void releaseWorkspace() {
        if (workspace == 0) return;
        driver.synchronize();
        driver.free(workspace);
        workspace = 0;
        workspaceBytes = 0;
    }

    private void check(String function, String args, int status) {
        if (status == 0) return;
        String detail = "";
        try {
            MemorySegment s = (MemorySegment) getErrorString.invokeExact(status);
            if (!s.equals(MemorySegment.NULL)) detail = s.reinterpret(1024).getString(0);
        } catch (Throwable ignored) {
            // the category from our table is still reported
        }
        String name = detail.startsWith("CUDNN_STATUS") ? detail : CudaErrors.cudnnStatusCategory(status);
        throw new CudaException(CudaException.Library.CUDNN, function, status,
                CudaErrors.message(function, args, name, status, detail));
    }
}
