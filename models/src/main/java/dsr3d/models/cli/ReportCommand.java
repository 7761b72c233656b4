package dsr3d.models.cli;

import dsr3d.models.report.DemoReport;
import dsr3d.tensor.cpu.simd.Parallel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code ./3dsr report --dir DIR}: (re)writes the demo report of a demo folder; see {@link DemoReport}. */
@Command(name = "report", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class, sortOptions = false,
        description = {"Write the report of a demo folder (./3dsr demo output): DIR/report.html (self-contained, pictures embedded)",
                "and DIR/report.md (pictures in DIR/report-files/).",
                "Reads DIR/data/, DIR/maps/ (required), DIR/eval/metrics.json, DIR/dada.safetensors, DIR/models/<c>.safetensors,",
                "DIR/runs/<c>/log.jsonl and DIR/demo.json (each optional: a missing one leaves a note in the report)."})
public final class ReportCommand implements Callable<Integer> {
    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The demo folder.")
    Path dir;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N", description = "Worker threads (default: -Ddsr3d.threads, else all processors).")
    int threads;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (threads < 0) throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
        if (threads > 0) Parallel.setThreads(threads);
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        DemoReport.Written w = DemoReport.write(dir, step -> { err.println("report: " + step); err.flush(); });
        for (String n : w.notes()) err.println("report: note: " + n);
        out.println("wrote " + w.html() + " and " + w.markdown() + " (" + w.figures() + " pictures in " + w.filesDir() + ")");
        out.flush();
        return 0;
    }
}
