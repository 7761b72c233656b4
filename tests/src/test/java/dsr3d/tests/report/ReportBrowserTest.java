package dsr3d.tests.report;

import dsr3d.models.report.DemoReport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The demo report in a real browser: headless Chromium (Debian package chromium) loads a copy of
 * report.html with a checker script added at the top of its head (the report itself has none):
 * on load it writes "loaded/total" of the images (complete with a natural width) into a data
 * attribute of the html element, and every error event into another; the DOM is dumped and
 * checked, and Chromium's log must show no console message. A screenshot goes to
 * tests/target/report-screenshot.png for a person to look at. Skipped without chromium.
 */
@Tag("slow")
class ReportBrowserTest {
    @TempDir
    Path tmp;

    static final String CHECKER = """
            <script>
            window.addEventListener('error', function (e) {
              var el = document.documentElement;
              el.setAttribute('data-errors', (el.getAttribute('data-errors') || '') + '|' + (e.message || (e.target && e.target.tagName)));
            }, true);
            window.addEventListener('load', function () {
              var imgs = document.images, ok = 0;
              for (var i = 0; i < imgs.length; i++) if (imgs[i].complete && imgs[i].naturalWidth > 0) ok++;
              document.documentElement.setAttribute('data-images', ok + '/' + imgs.length);
            });
            </script>
            """;

    static String chromium() {
        for (String name : List.of("chromium", "chromium-browser", "google-chrome"))
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                if (Files.isExecutable(Path.of(dir, name))) return Path.of(dir, name).toString();
        return null;
    }

    record Out(int status, String stdout, String stderr) {}

    static Out chrome(Path workDir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(chromium(), "--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars",
                "--user-data-dir=" + workDir.resolve("profile")));
        cmd.addAll(List.of(args));
        Path out = workDir.resolve("stdout"), err = workDir.resolve("stderr");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) { p.destroyForcibly(); fail("chromium did not finish in 120 s"); }
        return new Out(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void rendersWithEveryImageAndNoConsoleError() throws Exception {
        Assumptions.assumeTrue(chromium() != null, "chromium is not installed (Debian: apt-get install chromium); the browser check is skipped");
        Path dir = DemoFolderFixture.build(tmp.resolve("demo"));
        DemoReport.Written w = DemoReport.write(dir);
        String html = Files.readString(w.html());
        Path page = dir.resolve("report-checked.html");
        Files.writeString(page, html.replaceFirst("<head>", "<head>\n" + Matcher.quoteReplacement(CHECKER)), StandardCharsets.UTF_8);

        Out dom = chrome(tmp, "--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000", "--dump-dom", page.toUri().toString());
        assertEquals(0, dom.status(), dom.stderr());
        Matcher images = Pattern.compile("data-images=\"(\\d+)/(\\d+)\"").matcher(dom.stdout());
        assertTrue(images.find(), "the checker ran (no data-images attribute in the dumped DOM)");
        assertEquals(String.valueOf(w.figures()), images.group(2), "every picture of the report is an img");
        assertEquals(images.group(2), images.group(1), "images loaded / total");
        int errors = dom.stdout().indexOf("data-errors=");
        assertEquals(-1, errors, () -> "error events: " + dom.stdout().substring(errors, Math.min(dom.stdout().length(), errors + 300)));
        List<String> console = dom.stderr().lines().filter(l -> l.contains(":CONSOLE")).toList();
        assertEquals(List.of(), console, "console messages");
        assertTrue(dom.stdout().contains("Results per class"));

        Path shot = Path.of("target", "report-screenshot.png").toAbsolutePath();
        Files.createDirectories(shot.getParent());
        Out s = chrome(tmp, "--window-size=1400,5000", "--screenshot=" + shot, w.html().toUri().toString());
        assertEquals(0, s.status(), s.stderr());
        assertTrue(Files.size(shot) > 10_000, "a screenshot with content");
    }
}
