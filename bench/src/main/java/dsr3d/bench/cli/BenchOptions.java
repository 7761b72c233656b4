package dsr3d.bench.cli;

import dsr3d.tensor.cpu.simd.Parallel;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Options shared by {@code bench} and its subcommands (a picocli mixin). They may be given
 * before or after the subcommand name: {@code bench --quick gemm} = {@code bench gemm --quick}.
 */
public final class BenchOptions {

    @Option(names = "--threads", split = ",", paramLabel = "N",
            description = "Kernel thread counts to measure, e.g. 1,2 (default: -Ddsr3d.threads, else all processors).")
    List<Integer> threads;

    @Option(names = "--quick", description = "Fewer and smaller shapes, fewer repetitions: about a minute.")
    boolean quick;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON to FILE; an existing bench JSON FILE gets them appended.")
    Path json;

    /** These options with blanks filled from the parent command's. */
    BenchOptions orParent(BenchOptions parent) {
        BenchOptions m = new BenchOptions();
        m.threads = threads != null ? threads : parent.threads;
        m.quick = quick || parent.quick;
        m.json = json != null ? json : parent.json;
        return m;
    }

    List<Integer> threadCounts() {
        List<Integer> t = threads == null ? List.of(Parallel.threads()) : threads;
        for (int n : t)
            if (n < 1 || n > 1024) throw new IllegalArgumentException("--threads: each count must be in 1..1024, got " + n);
        return t.stream().distinct().toList();
    }

    /** Fails before any measuring when the JSON file could not be written. */
    void checkJsonTarget() {
        if (json == null) return;
        Path dir = json.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir))
            throw new IllegalArgumentException("--json: directory " + dir + " does not exist");
        if (Files.isDirectory(json)) throw new IllegalArgumentException("--json: " + json + " is a directory, expected a file name");
        BenchRunner.existing(json);   // an existing file must be a bench JSON to append to (checked before measuring)
    }

    CaseTimer timer() { return quick ? CaseTimer.QUICK : CaseTimer.FULL; }
}
