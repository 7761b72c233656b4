package dsr3d.bench.cli;

import dsr3d.tensor.cpu.simd.VqNearestSimd;

import java.util.List;

/**
 * VQ nearest-codeword search, z [n, d] against codebook [k, d] -> index [n]. 3DSR's quantisers
 * use k = 2048 codewords of d = 256 (the DADA / 3DSR settings); at 384x384 input the top latent
 * is 48x48 (n = 2304) and the bottom 96x96 (n = 9216). FLOPs counted as the distance GEMM, 2 n k d.
 */
final class VqCases {
    private VqCases() {}

    record VqShape(String name, int n, int k, int d) {}

    static final VqShape TOP = new VqShape("top 48x48", 2304, 2048, 256);
    static final VqShape BOTTOM = new VqShape("bottom 96x96", 9216, 2048, 256);
    static final List<VqShape> QUICK = List.of(TOP);
    static final List<VqShape> FULL = List.of(TOP, BOTTOM);

    static BenchCase of(VqShape s) {
        return new BenchCase("vq", s.name() + " n=" + s.n() + " k=" + s.k() + " d=" + s.d(), "argmin",
                2.0 * s.n() * s.k() * s.d(), () -> {
            float[] z = BenchData.random(s.n() * s.d(), 3), codebook = BenchData.random(s.k() * s.d(), 4);
            int[] out = new int[s.n()];
            return () -> VqNearestSimd.nearest(z, codebook, s.n(), s.k(), s.d(), out);
        });
    }
}
