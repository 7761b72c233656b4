package dsr3d.tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every {@code -Ddsr3d.*} JVM switch of the project, in one place: each is read once, here, when
 * this class is initialised, and described in one line; {@code ./3dsr version} prints them all
 * with their values. A malformed value is an {@link IllegalArgumentException} naming the switch
 * (the CLI: exit status 2). Put switches in {@code DSR3D_JAVA_OPTS} for {@code ./3dsr}.
 *
 * <p>Build/test-only Maven properties (not read by the code, listed for completeness):
 * {@code -Ddsr3d.test.groups}, {@code -Ddsr3d.test.excludedGroups} (Surefire tag filters, set by
 * {@code ./3dsr test -Dgroups=...}), {@code -Ddsr3d.qt.seed} (QuickTheories seed) and
 * {@code -Ddsr3d.nvcc.skip=true} (build without compiling the CUDA kernels).
 */
public final class Config {
    private Config() {}

    /** One switch: its name, the value in effect (as text), its default and what it does. */
    public record Switch(String name, String value, String defaultValue, String description) {}

    private static final List<Switch> ALL = new ArrayList<>();

    /** Kernel threads of the CPU backend (its one pool); default: available processors. */
    public static final int THREADS = intSwitch("dsr3d.threads", Runtime.getRuntime().availableProcessors(), 1, 4096,
            "threads of the CPU backend's pool (default: available processors)");
    /**
     * Whether F32 ops on the CPU backend use the fast kernels (Vector API, blocked, threaded).
     * false: the backend runs F32 through the reference kernels (double loops), and the fast
     * kernels, where called directly (tests, benchmarks), take their plain-float scalar paths.
     */
    public static final boolean SIMD = boolSwitch("dsr3d.simd", true,
            "false: CPU F32 ops run the reference kernels (double); fast kernels called directly use plain float loops");
    /** The default backend: cpu, cuda or another registered name. */
    public static final String BACKEND = stringSwitch("dsr3d.backend", "cpu", "default backend: cpu, cuda (or another registered one)");
    /** Conv2d weight gradient: 0 never use the swapped GEMM, 1 when it applies and coutG <= SWAP_MAX_COUT, 2 whenever it applies. */
    public static final int CONV_BWDW_SWAP = intSwitch("dsr3d.conv.bwdw.swap", 1, 0, 2,
            "conv2d weight gradient, swapped GEMM: 0 never, 1 for coutG <= swapMaxCout, 2 wherever it applies");
    public static final int CONV_BWDW_SWAP_MAX_COUT = intSwitch("dsr3d.conv.bwdw.swapMaxCout", 128, 1, Integer.MAX_VALUE,
            "conv2d weight gradient: largest output channels per group that use the swapped GEMM (swap=1)");
    public static final int CONV_BATCHED_MAX_PLANE = intSwitch("dsr3d.conv.batched.maxPlane", 64, 0, 1 << 20,
            "conv2d forward and input gradient: output planes of at most this many pixels run as one GEMM over the batch (ConvBatched; 0 = never)");
    public static final int CONV_BATCHED_MAX_PLANE_BWDW = intSwitch("dsr3d.conv.batched.maxPlaneWeightGrad", 16, 0, 1 << 20,
            "conv2d weight gradient: the same for output planes of at most this many pixels (0 = never)");
    public static final String CONV_PACK_FROM_COUT = stringSwitch("dsr3d.conv.packFromCout", "auto",
            "conv2d forward: from this many output channels per group the image's B panels are packed, not read in place (ConvPlan.PACKED_PANELS); auto: 256 with vectors narrower than 512 bits, never with 512; 0 = never");
    public static final String GEMM_TILE = stringSwitch("dsr3d.gemm.tile", "auto",
            "GEMM micro-kernel tile, rows x vectors: auto (8x3 with 512-bit vectors, else 6x2), 6x2 or 8x3");
    public static final int GEMM_KC = intSwitch("dsr3d.gemm.kc", 256, 1, 1 << 20, "GEMM cache blocking: depth of a packed panel (k)");
    public static final int GEMM_MC = intSwitch("dsr3d.gemm.mc", 144, 1, 1 << 20, "GEMM cache blocking: rows of a packed A block (rounded up to the micro-kernel)");
    public static final int GEMM_NC = intSwitch("dsr3d.gemm.nc", 1024, 1, 1 << 20, "GEMM cache blocking: columns of a packed B block (rounded up)");
    public static final boolean GEMM_PACK_WHOLE_A = boolSwitch("dsr3d.gemm.packWholeA", true,
            "GEMM: pack A once per call when it would be packed again per column block or thread (false: per block, as before)");
    public static final int CUDA_DEVICE = intSwitch("dsr3d.cuda.device", 0, 0, 1024, "CUDA device ordinal");
    public static final String CUDA_MATMUL = stringSwitch("dsr3d.cuda.matmul", "ours", "CUDA matmul: ours, cublas or cublas-tf32");
    public static final String CUDA_CONV = stringSwitch("dsr3d.cuda.conv", "ours", "CUDA conv2d: ours, cudnn or cudnn-tf32");
    public static final boolean CUDNN_FIND = boolSwitch("dsr3d.cudnn.find", false, "cuDNN: benchmark the algorithms (find) instead of the heuristic choice");
    public static final long CUDNN_MAX_WORKSPACE_MIB = intSwitch("dsr3d.cudnn.maxWorkspaceMiB", 1024, 0, 1 << 20, "cuDNN: largest workspace in MiB");
    public static final boolean BENCH_CPU_TIME = boolSwitch("dsr3d.bench.cpuTime", false, "bench, 1 thread: time with the thread's CPU time instead of wall time");

    private static final String CUDA_VERSION_PREFIX = "dsr3d.cuda.version.";
    static {
        ALL.add(new Switch(CUDA_VERSION_PREFIX + "<ladder>", raw(CUDA_VERSION_PREFIX + "*"), "per ladder",
                "CUDA kernel version of one ladder (e.g. -Ddsr3d.cuda.version.matmul_forward=v2)"));
    }
    private static final Map<String, String> CUDA_VERSIONS = new ConcurrentHashMap<>();

    /** Every switch with the value in effect, in declaration order. */
    public static List<Switch> all() { return Collections.unmodifiableList(ALL); }

    /** {@code -Ddsr3d.cuda.version.<ladder>} (read once per ladder), or "" when not set. */
    public static String cudaVersion(String ladder) {
        return CUDA_VERSIONS.computeIfAbsent(ladder, l -> {
            String v = System.getProperty(CUDA_VERSION_PREFIX + l);
            return v == null ? "" : v.trim();
        });
    }

    /** The set dsr3d.cuda.version.* properties as "name=value" text, or "(default)". */
    private static String raw(String pattern) {
        String prefix = pattern.substring(0, pattern.length() - 1);
        List<String> set = new ArrayList<>();
        for (String k : System.getProperties().stringPropertyNames())
            if (k.startsWith(prefix)) set.add(k.substring(prefix.length()) + "=" + System.getProperty(k));
        Collections.sort(set);
        return set.isEmpty() ? "(default)" : String.join(",", set);
    }

    private static String read(String name) {
        String v = System.getProperty(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static int intSwitch(String name, int def, int min, int max, String description) {
        String v = read(name);
        int x = def;
        if (v != null) {
            try {
                x = Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("-D" + name + "=" + v + ": not an integer");
            }
            if (x < min || x > max)
                throw new IllegalArgumentException("-D" + name + "=" + v + ": must be in " + min + ".." + max);
        }
        ALL.add(new Switch(name, Integer.toString(x), Integer.toString(def), description));
        return x;
    }

    private static boolean boolSwitch(String name, boolean def, String description) {
        String v = read(name);
        boolean x = def;
        if (v != null) {
            switch (v.toLowerCase(Locale.ROOT)) {
                case "true" -> x = true;
                case "false" -> x = false;
                default -> throw new IllegalArgumentException("-D" + name + "=" + v + ": expected true or false");
            }
        }
        ALL.add(new Switch(name, Boolean.toString(x), Boolean.toString(def), description));
        return x;
    }

    private static String stringSwitch(String name, String def, String description) {
        String v = read(name);
        String x = v == null ? def : v;
        ALL.add(new Switch(name, x, def, description));
        return x;
    }
}
