package dsr3d.models.demo;

import java.io.IOException;
import java.nio.file.Path;

/** WORK IN PROGRESS: the demo's report (report.html, report.md) comes from dsr3d.models.report once merged. */
final class DemoReports {
    private DemoReports() {}

    static void write(Path dir) throws IOException { }
}
