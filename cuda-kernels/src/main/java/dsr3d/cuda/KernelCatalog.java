package dsr3d.cuda;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every CUDA kernel we ship, as data: source file, {@code extern "C" __global__} name, ladder,
 * part, version and the one-line idea (the same line as the file's header comment). Tests and
 * benchmarks iterate this list; {@code CatalogCoverageTest} checks it against the .cu sources, the
 * parity cases and the GPU benchmark {@code @Param} lists.
 *
 * <p>Naming: {@code <op>_<forward|backward>[_<part>]_vN}. A <em>ladder</em> is the name without
 * part and version (e.g. {@code vq_nearest_forward}); a ladder version ({@code vq_nearest_forward_v2})
 * may need several kernels (its parts, e.g. {@code vq_nearest_forward_norms_v2} then
 * {@code vq_nearest_forward_v2}), and parity cases and benchmarks name ladder versions.
 */
public final class KernelCatalog {
    private KernelCatalog() {}

    /** One kernel. {@code part} is "" for the main kernel of a ladder version. */
    public record Entry(String file, String name, String ladder, String part, int version, String idea) {
        public Entry {
            String expect = ladder + (part.isEmpty() ? "" : "_" + part) + "_v" + version;
            if (!expect.equals(name)) throw new IllegalArgumentException("catalogue entry " + name + ": expected name " + expect);
        }

        /** The ladder version this kernel belongs to, e.g. "matmul_forward_v3". */
        public String ladderVersion() { return ladder + "_v" + version; }
    }

    private static Entry e(String file, String ladder, int v, String idea) {
        return new Entry(file, ladder + "_v" + v, ladder, "", v, idea);
    }

    private static Entry part(String file, String ladder, String part, int v, String idea) {
        return new Entry(file, ladder + "_" + part + "_v" + v, ladder, part, v, idea);
    }

    public static final List<Entry> ALL = List.of(
            e("elementwise.cu", "unary_forward", 1, "one thread per element, grid-stride loop (literal port of the loop)"),
            e("elementwise.cu", "unary_forward", 2, "float4 loads/stores, 4 elements per thread, scalar tail"),
            e("elementwise.cu", "binary_forward", 1, "one thread per output element; flat index decoded into <= 6 dims, dotted with broadcast strides"),
            e("elementwise.cu", "where_forward", 1, "one thread per element"),
            e("elementwise.cu", "copy_strided_forward", 1, "one thread per element, both sides strided, F32/I32 conversion"),
            e("elementwise.cu", "fill_forward", 1, "one thread per element writes a 32-bit pattern"),
            e("reduce.cu", "reduce_rows_forward", 1, "one thread per row, the reference loop as is"),
            e("reduce.cu", "reduce_rows_forward", 2, "one block per row: strided partials, warp shuffles, shared-memory combine"),
            e("softmax.cu", "softmax_forward", 1, "one thread per row, three passes (literal port)"),
            e("softmax.cu", "softmax_forward", 2, "one block per row, block reductions for max and sum"),
            e("softmax.cu", "softmax_backward", 1, "one thread per row, two passes (literal port)"),
            e("softmax.cu", "softmax_backward", 2, "one block per row, block reduction for the row sum"),
            e("instance_norm.cu", "instance_norm_forward", 1, "one thread per plane, three passes (literal port)"),
            e("instance_norm.cu", "instance_norm_forward", 2, "one block per plane, two-pass mean/variance with block reductions"),
            e("instance_norm.cu", "instance_norm_backward", 1, "one thread per plane, two passes (literal port)"),
            e("instance_norm.cu", "instance_norm_backward", 2, "one block per plane, both means in one pass of block reductions"),
            e("pool2d.cu", "max_pool2d_forward", 1, "one thread per output, loops over the window (literal port)"),
            e("pool2d.cu", "max_pool2d_backward", 1, "one thread per output adds dy at its argmax with atomicAdd"),
            e("pool2d.cu", "avg_pool2d_forward", 1, "one thread per output, loops over the window (literal port)"),
            e("pool2d.cu", "avg_pool2d_backward", 1, "gather form: one thread per input sums the outputs whose window covers it"),
            e("upsample.cu", "upsample_bilinear_forward", 1, "one thread per output pixel, its four taps (literal port)"),
            e("upsample.cu", "upsample_bilinear_backward", 1, "one thread per output pixel scatters four weighted taps with atomicAdd"),
            e("upsample.cu", "upsample_nearest_forward", 1, "one thread per output pixel reads x[oy / fh, ox / fw]"),
            e("upsample.cu", "upsample_nearest_backward", 1, "gather form: one thread per input pixel sums its fh x fw block"),
            e("matmul.cu", "matmul_forward", 1, "one thread per C element, the reference dot loop (naive)"),
            e("matmul.cu", "matmul_forward", 2, "32x32 shared-memory tiles of A and B, one C element per thread"),
            e("matmul.cu", "matmul_forward", 3, "register blocking: 128x128 block tile, BK 8, 8x8 C sub-tile per thread"),
            e("matmul.cu", "matmul_forward", 4, "TF32 tensor cores (wmma m16n16k8), 64x64 block tile of four 32x32 warps"),
            e("conv2d.cu", "conv2d_forward", 1, "one thread per output element, loops over (ci, ky, kx) (literal port)"),
            e("conv2d.cu", "conv2d_forward", 2, "implicit GEMM per group, 64x64 tiles, BK 16, 4x4 per thread, no im2col buffer"),
            e("conv2d.cu", "conv2d_backward_input", 1, "one thread per dx element gathers over (co, ky, kx) of its group"),
            e("conv2d.cu", "conv2d_backward_input", 2, "implicit GEMM W^T * dY with the stride-divisibility test in the B loader"),
            e("conv2d.cu", "conv2d_backward_weight", 1, "one thread per weight element, loops over (b, oy, ox)"),
            e("conv2d.cu", "conv2d_backward_weight", 2, "implicit GEMM dY * X^T over K = n*ho*wo"),
            e("vq_nearest.cu", "vq_nearest_forward", 1, "one thread per row of z, exact squared differences, lowest index on ties"),
            part("vq_nearest.cu", "vq_nearest_forward", "norms", 2, "part of v2: ||e_j||^2 per codeword"),
            e("vq_nearest.cu", "vq_nearest_forward", 2, "64 rows x 64 codewords distance tiles in shared memory, running argmin, never the n x k matrix"),
            part("vq_ema.cu", "vq_ema_forward", "counts", 1, "per (row, dim) atomicAdd of z into per-code sums and counts"),
            part("vq_ema.cu", "vq_ema_forward", "smooth", 1, "one block: decay the cluster sizes, block-sum them, Laplace smoothing"),
            part("vq_ema.cu", "vq_ema_forward", "update", 1, "per (code, dim): decay the EMA sums, embedding = m / N"),
            e("index.cu", "gather_forward", 1, "one thread per output element (literal port)"),
            e("index.cu", "scatter_add_forward", 1, "one thread per dOut element, atomicAdd into dIn"),
            e("index.cu", "index_select_rows_forward", 1, "one thread per output element"),
            e("index.cu", "index_add_rows_forward", 1, "one thread per dOut element, atomicAdd into dTable"));

    private static final Map<String, Entry> BY_NAME = new LinkedHashMap<>();

    static {
        for (Entry en : ALL)
            if (BY_NAME.put(en.name(), en) != null) throw new IllegalStateException("duplicate catalogue entry " + en.name());
    }

    /** The entry of a kernel name; an unknown name is an error listing the known ones. */
    public static Entry byName(String name) {
        Entry en = BY_NAME.get(name);
        if (en == null) throw new IllegalArgumentException("no CUDA kernel named '" + name + "'; known: " + BY_NAME.keySet());
        return en;
    }

    public static boolean contains(String name) { return BY_NAME.containsKey(name); }

    /** Distinct ladder versions ("matmul_forward_v1", ...), in catalogue order. */
    public static List<String> ladderVersions() {
        List<String> out = new ArrayList<>();
        for (Entry en : ALL) if (!out.contains(en.ladderVersion())) out.add(en.ladderVersion());
        return out;
    }

    /** The versions of one ladder, ascending. */
    public static List<Integer> versions(String ladder) {
        List<Integer> out = new ArrayList<>();
        for (Entry en : ALL) if (en.ladder().equals(ladder) && !out.contains(en.version())) out.add(en.version());
        if (out.isEmpty()) throw new IllegalArgumentException("no CUDA kernel ladder named '" + ladder + "'");
        out.sort(null);
        return out;
    }
}
