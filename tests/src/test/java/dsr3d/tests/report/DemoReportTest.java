package dsr3d.tests.report;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dsr3d.models.cli.Main;
import dsr3d.models.eval.CategoryMetrics;
import dsr3d.models.report.DemoReport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The demo report on a tiny demo folder ({@link DemoFolderFixture}): the table carries the
 * evaluator's numbers, every embedded picture is a PNG, the page needs nothing outside itself,
 * report.md and report.html say the same (tables cell by cell, pictures byte for byte), missing
 * parts become notes, and ./3dsr report fails with one line on a folder that is not a demo.
 */
class DemoReportTest {
    @TempDir
    static Path tmp;
    static Path dir;
    static DemoReport.Written written;
    static String html, md;

    @BeforeAll
    static void setUp() throws Exception {
        dir = DemoFolderFixture.build(tmp.resolve("demo"));
        written = DemoReport.write(dir);
        html = Files.readString(dir.resolve("report.html"));
        md = Files.readString(dir.resolve("report.md"));
    }

    @Test
    void tableEqualsTheEvaluatorsNumbers() throws Exception {
        JsonObject metrics = JsonParser.parseString(Files.readString(dir.resolve("eval/metrics.json"))).getAsJsonObject();
        List<List<String>> table = mdTables(md).getFirst();
        assertEquals(List.of("class", "image AUROC", "pixel AUROC", "AU-PRO (FPR 0.3)", "image AP", "pixel AP", "test images (defective)"), table.getFirst());
        List<String> names = new ArrayList<>(DemoFolderFixture.CATEGORIES);
        names.add("mean");
        assertEquals(names.size() + 1, table.size(), "header, one row per class, the mean");
        for (int r = 0; r < names.size(); r++) {
            List<String> row = table.get(r + 1);
            assertEquals(names.get(r), row.getFirst());
            JsonObject m = metrics.getAsJsonObject(names.get(r));
            for (int k = 0; k < CategoryMetrics.KEYS.length; k++)
                assertEquals(String.format(Locale.ROOT, "%.4f", m.get(CategoryMetrics.KEYS[k]).getAsDouble()), row.get(k + 1),
                        names.get(r) + " " + CategoryMetrics.KEYS[k]);
        }
        assertEquals("6 (5)", table.get(1).get(6), "6 test images, 5 of them defective (one per defect type)");
        assertFalse(md.contains("differs from the metrics recomputed"), "the recomputed curves agree with metrics.json");
    }

    @Test
    void everyPictureIsAnEmbeddedPngAndNothingIsExternal() throws Exception {
        List<byte[]> images = htmlImages(html);
        assertEquals(written.figures(), images.size());
        // 2 x (roc, pro) + overlays: per class highest and lowest defective, and the one good image
        // (lowest = highest, shown once) + (loss, prob) for cookie only + 2 classes x 2 code histograms
        assertEquals(4 + 2 * 3 + 2 + 4, images.size());
        for (byte[] png : images) {
            assertArrayEquals(new byte[]{(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
            assertNotNull(img);
            assertTrue(img.getWidth() > 100 && img.getHeight() > 100);
        }
        assertFalse(html.toLowerCase(Locale.ROOT).contains("<script"), "no script");
        Matcher ref = Pattern.compile("(?:src|href)=\"([^\"]*)\"").matcher(html);
        while (ref.find()) assertTrue(ref.group(1).startsWith("data:image/png;base64,") || ref.group(1).startsWith("#"), "external reference " + ref.group(1));
        assertFalse(html.contains("url("), "no style sheet reference");
    }

    @Test
    void markdownAndHtmlAgree() throws Exception {
        List<byte[]> images = htmlImages(html);
        Matcher m = Pattern.compile("!\\[[^\\]]*\\]\\((report-files/[^)]+)\\)").matcher(md);
        List<byte[]> files = new ArrayList<>();
        while (m.find()) files.add(Files.readAllBytes(dir.resolve(m.group(1))));
        assertEquals(images.size(), files.size());
        for (int i = 0; i < files.size(); i++) assertArrayEquals(images.get(i), files.get(i), "picture " + i);
        List<List<List<String>>> mdT = mdTables(md), htmlT = htmlTables(html);
        assertEquals(htmlT, mdT);
        assertTrue(mdT.size() >= 5, "results, training, codebook, timings, settings");
        for (String h : List.of("Results per class", "ROC and PRO curves", "Best and worst scored test images", "Training curves",
                "Codebook usage", "Timings", "Commands and configuration")) {
            assertTrue(md.contains("## " + h), h);
            assertTrue(html.contains(">" + h + "</h2>"), h);
        }
        assertTrue(md.contains("\n./3dsr train --category cookie <made-up>\n"), "the commands verbatim in a code block");
        assertTrue(html.contains("\n./3dsr train --category cookie &lt;made-up&gt;\n"), "the commands escaped in <pre>");
    }

    @Test
    void missingPartsAreNotedAndPresentOnesShown() {
        assertTrue(written.notes().stream().anyMatch(n -> n.contains("runs/tire/log.jsonl")), written.notes().toString());
        assertEquals(1, written.notes().size(), written.notes().toString());
        List<List<String>> training = mdTables(md).get(1);
        assertEquals(List.of("term", "first step", "last step"), training.getFirst());
        assertEquals("0.0002", training.getLast().get(2), "the last lr");
        // codebook table: 2 classes x 2 levels; codes used <= 256, perplexity <= used
        List<List<String>> codes = mdTables(md).get(2);
        assertEquals(5, codes.size());
        for (List<String> row : codes.subList(1, 5)) {
            int used = Integer.parseInt(row.get(2).split(" / ")[0]);
            assertTrue(used >= 1 && used <= 256, row.toString());
            double perplexity = Double.parseDouble(row.get(3));
            assertTrue(perplexity >= 1 && perplexity <= used + 0.05, row.toString());
        }
        List<List<String>> timings = mdTables(md).get(3);
        assertEquals(List.of("total", "6.0", "100 %"), timings.getLast());
        assertEquals("25.0 %", timings.get(1).get(2));
    }

    @Test
    void reportCommandRewritesAndFailsOnOneLine() throws Exception {
        Files.delete(dir.resolve("report.md"));
        assertEquals(0, Main.execute("report", "--dir", dir.toString(), "--threads", "1"));
        assertEquals(md, Files.readString(dir.resolve("report.md")), "deterministic");
        Path notDemo = tmp.resolve("empty");
        Files.createDirectories(notDemo);
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        int status;
        try {
            status = Main.execute("report", "--dir", notDemo.toString());
        } finally {
            System.setErr(old);
        }
        String err = buf.toString(StandardCharsets.UTF_8).strip();
        assertEquals(1, status, err);
        assertTrue(err.lines().filter(l -> l.startsWith("3dsr report: error:")).count() == 1 && err.contains(notDemo.resolve("data").toString()), err);
    }

    // ---- parsing the two documents ----

    static List<byte[]> htmlImages(String html) {
        Matcher m = Pattern.compile("<img [^>]*src=\"data:image/png;base64,([^\"]+)\"").matcher(html);
        List<byte[]> out = new ArrayList<>();
        while (m.find()) out.add(Base64.getDecoder().decode(m.group(1)));
        assertEquals(countOf(html, "<img "), out.size(), "every img is a PNG data URI");
        return out;
    }

    private static int countOf(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }

    /** Every pipe table: rows of cells, the header first, separator lines dropped, ** and backslash escapes removed. */
    static List<List<List<String>>> mdTables(String md) {
        List<List<List<String>>> out = new ArrayList<>();
        List<List<String>> cur = null;
        for (String line : md.split("\n")) {
            if (!line.startsWith("|")) { if (cur != null) out.add(cur); cur = null; continue; }
            if (line.matches("\\|(-+:?\\|)+")) continue;
            if (cur == null) cur = new ArrayList<>();
            List<String> cells = new ArrayList<>();
            for (String c : line.substring(1, line.length() - 1).split(" \\|", -1))
                cells.add(c.strip().replace("**", "").replace("\\_", "_").replace("\\*", "*").replace("\\\\", "\\"));
            cur.add(cells);
        }
        if (cur != null) out.add(cur);
        return out;
    }

    static List<List<List<String>>> htmlTables(String html) {
        List<List<List<String>>> out = new ArrayList<>();
        Matcher t = Pattern.compile("<table>(.*?)</table>", Pattern.DOTALL).matcher(html);
        while (t.find()) {
            List<List<String>> rows = new ArrayList<>();
            Matcher r = Pattern.compile("<tr[^>]*>(.*?)</tr>", Pattern.DOTALL).matcher(t.group(1));
            while (r.find()) {
                List<String> cells = new ArrayList<>();
                Matcher c = Pattern.compile("<t[hd][^>]*>(.*?)</t[hd]>", Pattern.DOTALL).matcher(r.group(1));
                while (c.find()) cells.add(c.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&"));
                rows.add(cells);
            }
            out.add(rows);
        }
        return out;
    }
}
