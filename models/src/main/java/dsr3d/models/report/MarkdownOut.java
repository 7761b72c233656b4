package dsr3d.models.report;

import java.util.List;

/**
 * A {@link Doc} as GitHub-flavoured Markdown: pictures are referenced as
 * {@code filesDir/<file>} (written beside the Markdown by the caller), tables as pipe tables,
 * commands as fenced code.
 */
public final class MarkdownOut {
    private MarkdownOut() {}

    public static String render(Doc doc, String filesDir) {
        StringBuilder sb = new StringBuilder(1 << 14);
        sb.append("# ").append(inline(doc.title())).append("\n\n");
        for (Doc.Block b : doc.blocks()) {
            switch (b) {
                case Doc.Heading h -> sb.append("#".repeat(h.level())).append(' ').append(inline(h.text())).append("\n\n");
                case Doc.Text t -> sb.append(inline(t.text())).append("\n\n");
                case Doc.Note n -> sb.append("> ").append(inline(n.text())).append("\n\n");
                case Doc.Code c -> {
                    String fence = c.text().contains("```") ? "~~~~" : "```";
                    sb.append(fence).append('\n').append(c.text()).append(c.text().endsWith("\n") ? "" : "\n").append(fence).append("\n\n");
                }
                case Doc.Table t -> table(sb, t);
                case Doc.Figure f -> sb.append("![").append(f.alt().replace("]", "\\]")).append("](").append(filesDir).append('/').append(f.file())
                        .append(")\n\n*").append(inline(f.caption())).append("*\n\n");
            }
        }
        return sb.toString();
    }

    private static void table(StringBuilder sb, Doc.Table t) {
        sb.append('|');
        for (String h : t.header()) sb.append(' ').append(cell(h)).append(" |");
        sb.append("\n|");
        for (int c = 0; c < t.header().size(); c++) sb.append(t.numeric()[c] ? "---:|" : "---|");
        sb.append('\n');
        for (int r = 0; r < t.rows().size(); r++) {
            boolean em = t.emphasised().contains(r);
            List<String> row = t.rows().get(r);
            sb.append('|');
            for (String v : row) sb.append(' ').append(em && !v.isEmpty() ? "**" + cell(v) + "**" : cell(v)).append(" |");
            sb.append('\n');
        }
        sb.append('\n');
    }

    private static String cell(String s) { return inline(s).replace("|", "\\|"); }

    /** Escapes what Markdown would otherwise read as emphasis or HTML. */
    private static String inline(String s) {
        return s.replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_").replace("<", "&lt;").replace("\n", " ");
    }
}
