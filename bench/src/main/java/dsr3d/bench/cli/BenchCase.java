package dsr3d.bench.cli;

import java.util.function.Supplier;

/**
 * One thing to time: a kernel call on one shape. {@code prepare} allocates and fills the
 * operands (only when the case is about to run, so big cases do not all sit in memory) and
 * returns the call to repeat.
 *
 * @param kind  gemm, conv or vq
 * @param shape short label, e.g. "n=1024" or "c1" or "c1@24x24"
 * @param pass  what is computed, e.g. "forward", "backward-input"
 * @param flops floating-point operations of one call (2 per multiply-accumulate)
 */
public record BenchCase(String kind, String shape, String pass, double flops, Supplier<Runnable> prepare) {
}
