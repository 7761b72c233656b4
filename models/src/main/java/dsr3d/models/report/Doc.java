package dsr3d.models.report;

import dsr3d.models.viz.PngOut;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A document as a list of blocks, rendered both as one self-contained HTML page ({@link HtmlOut})
 * and as Markdown ({@link MarkdownOut}) from the same blocks, so that the two always say the same.
 * Text is plain (the renderers escape it); figures carry their PNG bytes and a file name.
 */
public final class Doc {
    /** One piece of the document. */
    public sealed interface Block permits Heading, Text, Note, Table, Figure, Code {}

    /** A section heading, level 1..3; {@code id} is the HTML anchor. */
    public record Heading(int level, String text, String id) implements Block {}

    /** A paragraph of plain text. */
    public record Text(String text) implements Block {}

    /** A paragraph set apart as a warning or remark. */
    public record Note(String text) implements Block {}

    /**
     * A table of text cells; {@code numeric[c]} right-aligns column c; {@code emphasised} rows
     * (indices into rows) are shown bold (e.g. the mean).
     */
    public record Table(List<String> header, List<List<String>> rows, boolean[] numeric, List<Integer> emphasised) implements Block {
        public Table {
            for (List<String> r : rows)
                if (r.size() != header.size()) throw new IllegalArgumentException("table row " + r + " has " + r.size() + " cells, header " + header.size());
        }
    }

    /** A PNG picture with the text shown beside (or under) it; {@code file} is its name in a files folder. */
    public record Figure(String file, byte[] png, String alt, String caption) implements Block {}

    /** Preformatted text (commands, configuration). */
    public record Code(String text) implements Block {}

    private final String title;
    private final List<Block> blocks = new ArrayList<>();

    public Doc(String title) { this.title = title; }

    public String title() { return title; }

    public List<Block> blocks() { return List.copyOf(blocks); }

    public Doc heading(int level, String text, String id) { blocks.add(new Heading(level, text, id)); return this; }

    public Doc text(String text) { blocks.add(new Text(text)); return this; }

    public Doc note(String text) { blocks.add(new Note(text)); return this; }

    public Doc table(Table t) { blocks.add(t); return this; }

    public Doc code(String text) { blocks.add(new Code(text)); return this; }

    /** Adds a figure encoded as PNG; file names must be unique within the document. */
    public Doc figure(String file, BufferedImage image, String alt, String caption) {
        for (Block b : blocks)
            if (b instanceof Figure f && f.file().equals(file)) throw new IllegalArgumentException("two figures named " + file);
        try {
            blocks.add(new Figure(file, PngOut.bytes(image), alt, caption));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public List<Figure> figures() {
        List<Figure> out = new ArrayList<>();
        for (Block b : blocks) if (b instanceof Figure f) out.add(f);
        return out;
    }
}
