package dsr3d.tests.cuda;

import dsr3d.bench.gpu.GpuBench;
import dsr3d.cuda.CudaBackend;
import dsr3d.cuda.KernelCatalog;
import dsr3d.cuda.Kernels;
import dsr3d.cuda.launch.ElementwiseLaunch;
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
        if (!nvccHere()) {
            System.out.println("CatalogCoverageTest: nvcc not on this machine; the fatbin check is not applicable");
            return;
        }
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
}
