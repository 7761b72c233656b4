package dsr3d.tests.cuda;

import dsr3d.bench.gpu.GpuBench;
import dsr3d.cuda.CudaBackend;
import dsr3d.cuda.KernelCatalog;
import dsr3d.cuda.Kernels;
import dsr3d.cuda.driver.KernelArgs;
import dsr3d.cuda.launch.Conv2dLaunch;
import dsr3d.cuda.launch.ElementwiseLaunch;
import dsr3d.cuda.launch.IndexLaunch;
import dsr3d.cuda.launch.InstanceNormLaunch;
import dsr3d.cuda.launch.Launch;
import dsr3d.cuda.launch.MatMulLaunch;
import dsr3d.cuda.launch.Pool2dLaunch;
import dsr3d.cuda.launch.ReduceLaunch;
import dsr3d.cuda.launch.SoftmaxLaunch;
import dsr3d.cuda.launch.UpsampleLaunch;
import dsr3d.cuda.launch.VqEmaLaunch;
import dsr3d.cuda.launch.VqNearestLaunch;
import dsr3d.tensor.backend.BinaryOp;
import dsr3d.tensor.backend.ConvGeom;
import dsr3d.tensor.backend.PoolGeom;
import dsr3d.tensor.backend.ReduceOp;
import dsr3d.tensor.backend.UnaryOp;
import dsr3d.tensor.backend.Backend;
import dsr3d.tensor.backend.Backends;
import dsr3d.tensor.cpu.CpuStorage;
import dsr3d.tensor.cpu.ElementwiseCpu;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Param;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The kernel catalogue rule, checked without a GPU (principle 6 of the style anchors): the
 * {@code __global__} kernels in cuda-kernels/src/main/cuda/*.cu, the {@link KernelCatalog}, the
 * parity cases of {@link CudaParityTest} and the {@code kernel} @Param lists of the GPU
 * benchmarks ({@link GpuBench#CLASSES}) must agree. Also: every kernel is named in its file's
 * header, all_kernels.cu includes every file, each ladder has a default version, the fatbin was
 * built (and holds every kernel) when nvcc is on this machine, and the CUDA backend registers and
 * explains why it is unavailable. Plus the launchers' pure-Java geometry (dimension coalescing).
 */
class CatalogCoverageTest {
    static final Path CUDA_DIR = locate();
    static final Pattern GLOBAL = Pattern.compile(
            "extern\\s+\"C\"\\s+__global__\\s+void\\s+(?:__launch_bounds__\\s*\\([^)]*\\)\\s+)?(\\w+)\\s*\\(");

    static Path locate() {
        for (Path p : List.of(Path.of("../cuda-kernels/src/main/cuda"), Path.of("cuda-kernels/src/main/cuda")))
            if (Files.isDirectory(p)) return p;
        throw new IllegalStateException("cannot find cuda-kernels/src/main/cuda from " + Path.of("").toAbsolutePath());
    }

    /** file name -> kernel names declared in it, in source order. */
    static Map<String, List<String>> sourceKernels() throws IOException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(CUDA_DIR)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".cu")).sorted().toList()) {
                String text = Files.readString(f);
                List<String> names = new ArrayList<>();
                Matcher m = GLOBAL.matcher(text);
                while (m.find()) names.add(m.group(1));
                out.put(f.getFileName().toString(), names);
            }
        }
        return out;
    }

    @Test
    void everySourceKernelIsCataloguedAndEveryEntryExists() throws IOException {
        Map<String, List<String>> src = sourceKernels();
        Set<String> inSources = new TreeSet<>();
        for (var e : src.entrySet())
            for (String name : e.getValue()) {
                assertTrue(inSources.add(name), "kernel " + name + " is defined twice");
                assertTrue(KernelCatalog.contains(name), e.getKey() + ": __global__ " + name + " has no KernelCatalog entry");
                assertEquals(e.getKey(), KernelCatalog.byName(name).file(), name + ": catalogue names the wrong file");
            }
        for (KernelCatalog.Entry en : KernelCatalog.ALL)
            assertTrue(inSources.contains(en.name()), "catalogue entry " + en.name() + " has no __global__ in " + en.file());
        assertTrue(inSources.size() >= 40, "the regex found only " + inSources.size() + " kernels: " + inSources);
        // also: no __global__ without extern "C" (its name would be mangled and not found)
        for (String file : src.keySet()) {
            String text = Files.readString(CUDA_DIR.resolve(file));
            long globals = Pattern.compile("__global__").matcher(text).results().count();
            assertEquals(src.get(file).size(), globals, file + ": every __global__ must be extern \"C\" void with the usual signature");
        }
    }

    @Test
    void everyKernelIsNamedInItsFileHeader() throws IOException {
        for (KernelCatalog.Entry en : KernelCatalog.ALL) {
            String header = Files.readAllLines(CUDA_DIR.resolve(en.file())).stream()
                    .takeWhile(l -> l.startsWith("//")).reduce("", (a, b) -> a + "\n" + b);
            assertTrue(Pattern.compile("\\b" + en.name() + "\\b").matcher(header).find(),
                    en.file() + ": the header comment's version list does not mention " + en.name());
        }
    }

    @Test
    void umbrellaIncludesEveryKernelFile() throws IOException {
        String all = Files.readString(CUDA_DIR.resolve("all_kernels.cu"));
        for (String file : sourceKernels().keySet())
            if (!file.equals("all_kernels.cu"))
                assertTrue(all.contains("#include \"" + file + "\""), "all_kernels.cu does not include " + file);
    }

    @Test
    void everyLadderVersionHasAParityCase() {
        for (String lv : KernelCatalog.ladderVersions())
            assertTrue(CudaParityTest.TESTED.contains(lv), lv + " has no case in CudaParityTest (add it to one of its kernel lists)");
        for (String t : CudaParityTest.TESTED)
            assertTrue(KernelCatalog.ladderVersions().contains(t), "CudaParityTest lists " + t + ", which is not in the catalogue");
        assertEquals(CudaParityTest.TESTED.size(), Set.copyOf(CudaParityTest.TESTED).size(), "CudaParityTest lists a kernel twice");
    }

    /** The values of each GPU bench's {@code kernel} @Param. */
    static Map<Class<?>, List<String>> benchKernels() throws ReflectiveOperationException {
        Map<Class<?>, List<String>> out = new LinkedHashMap<>();
        for (Class<?> c : GpuBench.CLASSES) {
            Param p = c.getField("kernel").getAnnotation(Param.class);
            assertNotNull(p, c.getSimpleName() + ".kernel has no @Param");
            out.put(c, Arrays.asList(p.value()));
        }
        return out;
    }

    @Test
    void everyLadderVersionHasABenchmark() throws ReflectiveOperationException {
        Map<Class<?>, List<String>> benches = benchKernels();
        Set<String> benched = new TreeSet<>();
        benches.values().forEach(benched::addAll);
        for (String lv : KernelCatalog.ladderVersions())
            assertTrue(benched.contains(lv), lv + " has no GPU benchmark (a 'kernel' @Param value in dsr3d.bench.gpu)");
        for (var e : benches.entrySet())
            for (String k : e.getValue())
                assertTrue(KernelCatalog.ladderVersions().contains(k) || k.startsWith("cublas") || k.startsWith("cudnn"),
                        e.getKey().getSimpleName() + " benchmarks '" + k + "', which is neither a catalogued kernel nor a library path");
        assertTrue(benched.contains("cublas") && benched.contains("cublas-tf32") && benched.contains("cudnn_forward"),
                "the library baselines must be benchmarked beside our kernels");
    }

    @Test
    void everyLadderHasAValidDefaultVersion() {
        Set<String> ladders = new TreeSet<>();
        KernelCatalog.ALL.forEach(e -> ladders.add(e.ladder()));
        assertEquals(ladders, new TreeSet<>(CudaBackend.DEFAULT_VERSIONS.keySet()), "CudaBackend.DEFAULT_VERSIONS vs the catalogue ladders");
        for (String l : ladders) {
            assertTrue(KernelCatalog.versions(l).contains(CudaBackend.version(l)), l + ": default version not in the catalogue");
            assertEquals(KernelCatalog.versions(l).size(), KernelCatalog.versions(l).get(KernelCatalog.versions(l).size() - 1),
                    l + ": versions must be numbered 1..N without gaps");
        }
    }

    static boolean nvccHere() {
        String home = System.getenv("CUDA_HOME");
        return Files.isExecutable(Path.of("/usr/local/bin/nvcc")) || (home != null && Files.isExecutable(Path.of(home, "bin", "nvcc")));
    }

    @Test
    void fatbinIsBuiltWhenNvccIsHereAndHoldsEveryKernel() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(nvccHere(),
                "nvcc is not on this machine (/usr/local/bin/nvcc, $CUDA_HOME/bin/nvcc): the build makes no fatbin, nothing to check");
        assertTrue(Kernels.fatbinPresent(), Kernels.RESOURCE + " is missing although nvcc is on this machine (was the build run with -Ddsr3d.nvcc.skip=true?)");
        byte[] bin;
        try (InputStream in = Kernels.class.getResourceAsStream(Kernels.RESOURCE)) {
            bin = in.readAllBytes();
        }
        String text = new String(bin, StandardCharsets.ISO_8859_1);
        for (KernelCatalog.Entry en : KernelCatalog.ALL)
            assertTrue(text.contains(en.name() + "\0"), "kernels.fatbin has no symbol " + en.name() + " (stale build?)");
    }

    @Test
    void cudaBackendRegistersAndExplainsWhenUnavailable() {
        Backend found = null;
        for (Backend b : java.util.ServiceLoader.load(Backend.class)) if (b.name().equals("cuda")) found = b;
        assertNotNull(found, "no backend named cuda registered in META-INF/services");
        if (!found.available()) {
            assertFalse(found.unavailableReason().isBlank(), "an unavailable backend must say why");
            Backend b = found;
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.pick("cuda"));
            assertTrue(e.getMessage().contains(b.unavailableReason()), e.getMessage());
        } else {
            assertEquals("", found.unavailableReason());
        }
    }

    @Test
    void coalescingKeepsTheElementOrder() {
        // A permuted 4-d view with size-1 dims and a contiguous tail, read through the coalesced
        // 6-d form (walked here on the host) must visit the same elements as the reference copy.
        int[][] shapes = {{2, 1, 3, 4}, {5}, {}, {1, 1}, {3, 2, 2, 1, 2, 1, 3, 2}};
        for (int[] shape : shapes) {
            int n = 1;
            for (int s : shape) n *= s;
            int[] contiguous = new int[shape.length], permuted = new int[shape.length];
            for (int k = shape.length - 1, s = 1; k >= 0; s *= shape[k], k--) contiguous[k] = s;
            System.arraycopy(contiguous, 0, permuted, 0, shape.length);
            if (shape.length >= 3) { permuted[0] = contiguous[2]; permuted[2] = contiguous[0]; }   // a transposed view
            double[] src = new double[Math.max(n, 1) * 2];
            for (int i = 0; i < src.length; i++) src[i] = i;
            CpuStorage ref = CpuStorage.of(new double[Math.max(n, 1)]);
            ElementwiseCpu.copy(shape, CpuStorage.of(src), 1, permuted, ref, 0, contiguous);
            ElementwiseLaunch.Strided st = ElementwiseLaunch.coalesce(shape, permuted, contiguous);
            assertEquals(6, st.shape().length);
            assertEquals(n, st.size(), "element count of " + Arrays.toString(shape));
            double[] got = new double[Math.max(n, 1)];
            for (int e = 0; e < n; e++) {   // the kernel's index decoding, on the host
                int rest = e, ip = 1, op = 0;
                for (int k = 5; k >= 0; k--) {
                    int ik = rest % st.shape()[k];
                    rest /= st.shape()[k];
                    ip += ik * st.strides()[0][k];
                    op += ik * st.strides()[1][k];
                }
                got[op] = src[ip];
            }
            assertArrayEquals(ref.d, got, "coalesced copy of " + Arrays.toString(shape));
        }
        int[] seven = {2, 3, 2, 3, 2, 3, 2}, strides = new int[7];
        for (int k = 0; k < 7; k++) strides[k] = 1 << (2 * (6 - k));   // no two dims mergeable
        assertThrows(UnsupportedOperationException.class, () -> ElementwiseLaunch.coalesce(seven, strides, strides.clone()));
    }

    // ---- the Java/CUDA boundary, checked without a GPU ------------------------------------------------
    /** Kernel name -> parameter kinds, parsed from the .cu signatures (macros like CONV_PARAMS expanded). */
    static Map<String, List<KernelArgs.Kind>> signatures() throws IOException {
        Map<String, List<KernelArgs.Kind>> out = new LinkedHashMap<>();
        Map<String, String> macros = new LinkedHashMap<>();
        Pattern define = Pattern.compile("#define\\s+(\\w+)\\s+(int [^\\n]*)");
        for (String file : sourceKernels().keySet()) {
            String text = Files.readString(CUDA_DIR.resolve(file));
            Matcher dm = define.matcher(text);
            while (dm.find()) macros.put(dm.group(1), dm.group(2));
            Matcher m = GLOBAL.matcher(text);
            while (m.find()) {
                int open = m.end() - 1, close = text.indexOf(')', open);
                String params = text.substring(open + 1, close);
                for (var mac : macros.entrySet()) params = params.replace(mac.getKey(), mac.getValue());
                List<KernelArgs.Kind> kinds = new ArrayList<>();
                for (String raw : params.split(",")) {
                    String t = raw.replace("const", "").replace("__restrict__", "").strip();
                    if (t.contains("*")) kinds.add(KernelArgs.Kind.PTR);
                    else if (t.startsWith("long long")) kinds.add(KernelArgs.Kind.I64);
                    else if (t.startsWith("int ") || t.startsWith("uint32_t ")) kinds.add(KernelArgs.Kind.I32);
                    else if (t.startsWith("float ")) kinds.add(KernelArgs.Kind.F32);
                    else fail(m.group(1) + ": unexpected parameter type in '" + raw.strip() + "'");
                }
                out.put(m.group(1), kinds);
            }
        }
        return out;
    }

    /** Every launcher, every version, on small shapes, with fake device addresses (nothing runs). */
    static void callEveryLauncher() {
        long a = 0x10000, b = 0x20000, c = 0x30000, d = 0x40000, e = 0x50000, f = 0x60000, g = 0x70000;
        for (int v : new int[]{1, 2}) ElementwiseLaunch.unary(v, UnaryOp.EXP, 1, 0, a, b, 1001);
        ElementwiseLaunch.binary(1, BinaryOp.ADD, new int[]{3, 5}, a, 0, new int[]{5, 1}, b, 0, new int[]{0, 1}, c);
        ElementwiseLaunch.where(1, a, b, c, d, 17);
        ElementwiseLaunch.copy(1, new int[]{4, 6}, a, ElementwiseLaunch.F32, 0, new int[]{1, 4}, b, ElementwiseLaunch.I32, 0, new int[]{6, 1});
        ElementwiseLaunch.fill(1, a, 7, 33);
        for (int v : new int[]{1, 2}) {
            ReduceLaunch.reduceRows(v, ReduceOp.ARGMAX, a, 7, 1000, b);
            SoftmaxLaunch.forward(v, true, a, 7, 9, b);
            SoftmaxLaunch.backward(v, false, a, b, 7, 9, c);
            InstanceNormLaunch.forward(v, 6, 37, 1e-5f, a, b, c, d);
            InstanceNormLaunch.backward(v, 6, 37, a, b, c, d);
        }
        PoolGeom p = new PoolGeom(3, 7, 9, 3, 3, 2, 2, 1, 1);
        Pool2dLaunch.maxForward(1, p, a, b, c);
        Pool2dLaunch.maxBackward(1, p, a, b, c);
        Pool2dLaunch.avgForward(1, p, a, b);
        Pool2dLaunch.avgBackward(1, p, a, b);
        UpsampleLaunch.bilinear(1, 3, 5, 7, 9, 13, a, b);
        UpsampleLaunch.bilinearBackward(1, 3, 5, 7, 9, 13, a, b);
        UpsampleLaunch.nearest(1, 3, 5, 7, 2, 3, a, b);
        UpsampleLaunch.nearestBackward(1, 3, 5, 7, 2, 3, a, b);
        for (int v = 1; v <= 4; v++) MatMulLaunch.forward(v, true, false, 3, 67, 129, 45, a, 67 * 45, b, 0, c);
        ConvGeom cg = new ConvGeom(2, 4, 8, 8, 6, 3, 3, 2, 2, 1, 1, 2);
        for (int v = 1; v <= 2; v++) {
            Conv2dLaunch.forward(v, cg, a, b, c, d);
            Conv2dLaunch.backwardInput(v, cg, a, b, c);
            Conv2dLaunch.backwardWeight(v, cg, a, b, c);
            VqNearestLaunch.nearest(v, a, b, 130, 257, 33, c, VqNearestLaunch.scratchFloats(v, 257) > 0 ? d : 0);
        }
        VqEmaLaunch.update(1, a, b, 300, 7, 37, 0.99f, 1e-5f, c, d, e, f, g);
        IndexLaunch.gather(1, 2, 5, 7, 3, a, b, c, d);
        IndexLaunch.scatterAdd(1, 2, 5, 7, 3, a, b, c, d);
        IndexLaunch.indexSelectRows(1, a, 11, 5, b, 23, c, d);
        IndexLaunch.indexAddRows(1, a, b, 23, 5, c, 11, d);
    }

    @Test
    void launcherArgumentsMatchTheKernelSignaturesAndGeometry() throws IOException {
        Map<String, List<KernelArgs.Kind>> sig = signatures();
        List<Launch.Recorded> launches = new ArrayList<>();
        Launch.recordInsteadOfLaunching(launches::add);
        try {
            callEveryLauncher();
        } finally {
            Launch.recordInsteadOfLaunching(null);
        }
        Map<String, Integer> bounds = new LinkedHashMap<>();
        Map<String, Boolean> warpCode = new LinkedHashMap<>();
        Pattern lb = Pattern.compile("__launch_bounds__\\((\\d+)\\)\\s+(\\w+)\\s*\\(");
        for (String file : sourceKernels().keySet()) {
            String text = Files.readString(CUDA_DIR.resolve(file));
            Matcher m = lb.matcher(text);
            while (m.find()) bounds.put(m.group(2), Integer.parseInt(m.group(1)));
            for (String k : sourceKernels().get(file)) {   // kernels whose body uses warp-wide operations
                int at = text.indexOf(" " + k + "("), end = text.indexOf("\nextern \"C\"", at + 1);
                String body = text.substring(at, end < 0 ? text.length() : end);
                warpCode.put(k, body.contains("block_sum") || body.contains("block_max") || body.contains("__shfl"));
            }
        }
        Set<String> launched = new TreeSet<>();
        for (Launch.Recorded r : launches) {
            if (r.kernel().equals("cuMemsetD32")) continue;
            launched.add(r.kernel());
            List<KernelArgs.Kind> got = new ArrayList<>();
            for (int i = 0; i < r.args().count(); i++) got.add(r.args().kind(i));
            assertEquals(sig.get(r.kernel()), got, r.kernel() + ": the launcher's KernelArgs do not match the kernel's parameters");
            int threads = r.bx() * r.by() * r.bz();
            assertTrue(threads >= 1 && threads <= 1024, r.kernel() + ": block of " + threads + " threads");
            assertTrue(r.gx() >= 1 && r.gy() >= 1 && r.gy() <= 65535 && r.gz() >= 1 && r.gz() <= 65535, r.kernel() + ": grid " + r.gx() + "x" + r.gy() + "x" + r.gz());
            if (bounds.containsKey(r.kernel()))
                assertEquals(bounds.get(r.kernel()).intValue(), threads, r.kernel() + ": the tiling assumes exactly __launch_bounds__ threads");
            if (warpCode.getOrDefault(r.kernel(), false))
                assertEquals(0, threads % 32, r.kernel() + ": block reductions need whole warps, got " + threads + " threads");
        }
        Set<String> all = new TreeSet<>();
        KernelCatalog.ALL.forEach(en -> all.add(en.name()));
        assertEquals(all, launched, "every catalogued kernel must be reached by a launcher in this check");
    }
}
