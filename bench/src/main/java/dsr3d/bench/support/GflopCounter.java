package dsr3d.bench.support;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * JMH secondary result shared by the CPU benchmarks: each call adds its GFLOP, so with
 * {@code @OutputTimeUnit(SECONDS)} JMH prints the rate on a {@code :gflop} line as GFLOP/s.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class GflopCounter {
    public double gflop;
}
