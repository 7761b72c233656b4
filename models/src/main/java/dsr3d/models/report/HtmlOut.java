package dsr3d.models.report;

import java.util.Base64;
import java.util.List;

/**
 * A {@link Doc} as one self-contained HTML page: the style sheet inline, every picture a
 * base64 {@code data:image/png} URI, no script, no external resource. Level-2 headings get a
 * table of contents at the top. {@code sideBySide}: figures with their text beside them (the
 * explain page); otherwise the text goes under the picture (the report).
 */
public final class HtmlOut {
    private HtmlOut() {}

    private static final String STYLE = """
            body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 24px auto; max-width: 1400px;
                   padding: 0 20px; color: #1d1d1f; line-height: 1.45; }
            h1 { font-size: 1.8em; border-bottom: 2px solid #ddd; padding-bottom: 6px; }
            h2 { font-size: 1.4em; margin-top: 1.8em; border-bottom: 1px solid #e4e4e4; padding-bottom: 4px; }
            h3 { font-size: 1.12em; margin-top: 1.4em; }
            table { border-collapse: collapse; margin: 10px 0 16px; font-size: 0.95em; }
            th, td { border: 1px solid #d0d0d0; padding: 4px 10px; }
            th { background: #f3f3f3; }
            td.n { text-align: right; font-variant-numeric: tabular-nums; }
            tr.em td { font-weight: bold; background: #fafafa; }
            pre { background: #f6f8fa; border: 1px solid #e1e4e8; padding: 10px; overflow-x: auto; font-size: 0.88em; }
            .note { background: #fff8e1; border-left: 4px solid #f0b400; padding: 6px 12px; }
            figure { display: inline-block; vertical-align: top; margin: 14px 16px 22px 0; max-width: 100%; }
            figure img { max-width: 100%; height: auto; border: 1px solid #e4e4e4; }
            figcaption { color: #444; font-size: 0.93em; max-width: 900px; }
            figure.side { display: flex; gap: 22px; align-items: flex-start; }
            figure.side figcaption { flex: 0 0 300px; order: 2; }
            figure.side img { flex: 0 1 auto; max-width: calc(100% - 330px); }
            nav ul { columns: 2; }
            """;

    public static String render(Doc doc, boolean sideBySide) {
        StringBuilder sb = new StringBuilder(1 << 20);
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(esc(doc.title())).append("</title>\n<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n")
                .append("<h1>").append(esc(doc.title())).append("</h1>\n");
        List<Doc.Heading> sections = doc.blocks().stream().filter(b -> b instanceof Doc.Heading h && h.level() == 2).map(b -> (Doc.Heading) b).toList();
        if (sections.size() > 2) {
            sb.append("<nav><ul>\n");
            for (Doc.Heading h : sections) sb.append("<li><a href=\"#").append(esc(h.id())).append("\">").append(esc(h.text())).append("</a></li>\n");
            sb.append("</ul></nav>\n");
        }
        for (Doc.Block b : doc.blocks()) {
            switch (b) {
                case Doc.Heading h -> sb.append("<h").append(h.level()).append(" id=\"").append(esc(h.id())).append("\">").append(esc(h.text()))
                        .append("</h").append(h.level()).append(">\n");
                case Doc.Text t -> sb.append("<p>").append(esc(t.text())).append("</p>\n");
                case Doc.Note n -> sb.append("<p class=\"note\">").append(esc(n.text())).append("</p>\n");
                case Doc.Code c -> sb.append("<pre>").append(esc(c.text())).append("</pre>\n");
                case Doc.Table t -> table(sb, t);
                case Doc.Figure f -> sb.append(sideBySide ? "<figure class=\"side\">" : "<figure>")
                        .append("<img alt=\"").append(esc(f.alt())).append("\" src=\"data:image/png;base64,")
                        .append(Base64.getEncoder().encodeToString(f.png())).append("\">")
                        .append("<figcaption>").append(esc(f.caption())).append("</figcaption></figure>\n");
            }
        }
        return sb.append("</body>\n</html>\n").toString();
    }

    private static void table(StringBuilder sb, Doc.Table t) {
        sb.append("<table>\n<thead><tr>");
        for (String h : t.header()) sb.append("<th>").append(esc(h)).append("</th>");
        sb.append("</tr></thead>\n<tbody>\n");
        for (int r = 0; r < t.rows().size(); r++) {
            sb.append(t.emphasised().contains(r) ? "<tr class=\"em\">" : "<tr>");
            List<String> row = t.rows().get(r);
            for (int c = 0; c < row.size(); c++)
                sb.append(t.numeric()[c] ? "<td class=\"n\">" : "<td>").append(esc(row.get(c))).append("</td>");
            sb.append("</tr>\n");
        }
        sb.append("</tbody>\n</table>\n");
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
