package dsr3d.tests.support;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Mutation fuzzing of a parser: each input is a valid seed with a few bytes changed, inserted or
 * removed, or cut short. The parser must either accept an input or refuse it with its own error
 * type; anything else (another exception, an Error) fails the test with the input's number.
 */
public final class Fuzz {
    private Fuzz() {}

    /** Reads one input; throws the parser's own error type to refuse it. */
    @FunctionalInterface
    public interface Parser {
        void parse(byte[] input) throws Exception;
    }

    public record Result(int inputs, int rejected) {}

    /** One mutant of {@code seed}: 1..4 edits (overwrite, insert, delete), sometimes truncated. */
    public static byte[] mutate(byte[] seed, SplittableRandom r) {
        byte[] b = seed.clone();
        int edits = 1 + r.nextInt(4);
        for (int e = 0; e < edits && b.length > 0; e++) {
            int at = r.nextInt(b.length);
            switch (r.nextInt(4)) {
                case 0, 1 -> b[at] = (byte) r.nextInt(256);
                case 2 -> {                                   // insert one byte
                    byte[] n = new byte[b.length + 1];
                    System.arraycopy(b, 0, n, 0, at);
                    n[at] = (byte) r.nextInt(256);
                    System.arraycopy(b, at, n, at + 1, b.length - at);
                    b = n;
                }
                default -> {                                  // delete one byte
                    byte[] n = new byte[b.length - 1];
                    System.arraycopy(b, 0, n, 0, at);
                    System.arraycopy(b, at + 1, n, at, b.length - at - 1);
                    b = n;
                }
            }
        }
        if (r.nextInt(8) == 0) b = Arrays.copyOf(b, r.nextInt(b.length + 1));
        return b;
    }

    /**
     * Runs {@code inputs} mutants of {@code seed} through {@code parser}; asserts that only
     * {@code ownError} was thrown and that at least {@code minRejected} inputs were refused.
     */
    public static Result run(String what, byte[] seed, int inputs, long rngSeed, Class<? extends Exception> ownError,
                             int minRejected, Parser parser) {
        SplittableRandom r = new SplittableRandom(rngSeed);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long start = System.nanoTime(), cpuStart = threads.getCurrentThreadCpuTime();
        int rejected = 0;
        for (int i = 0; i < inputs; i++) {
            byte[] in = mutate(seed, r);
            try {
                parser.parse(in);
            } catch (Throwable t) {
                if (!ownError.isInstance(t)) fail(what + ": input " + i + " threw " + t + " (only " + ownError.getSimpleName() + " may)", t);
                rejected++;
            }
        }
        assertTrue(rejected >= minRejected, what + ": only " + rejected + " of " + inputs + " mutants refused (want >= " + minRejected + ")");
        // wall and CPU time of this thread: on a shared machine the CPU time is the one-core figure
        System.out.printf("[fuzz] %s: %d inputs, %d rejected, %.1f s (%.1f s CPU)%n", what, inputs, rejected,
                (System.nanoTime() - start) / 1e9, (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9);
        return new Result(inputs, rejected);
    }
}
