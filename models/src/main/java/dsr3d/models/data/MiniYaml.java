package dsr3d.models.data;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The small subset of YAML that the Eyecandies metadata files use: nested mappings by
 * indentation, {@code key: scalar} lines, comments, optional quotes. Scalars stay strings
 * ({@link #number} converts). Sequences and flow style are not needed and are rejected with an
 * error naming the file and line, rather than misread.
 */
public final class MiniYaml {
    private MiniYaml() {}

    /** Parses the text of {@code file} (the name is only used in error messages). */
    public static Map<String, Object> parse(String text, Path file) {
        Map<String, Object> root = new LinkedHashMap<>();
        Deque<Map<String, Object>> maps = new ArrayDeque<>();
        Deque<Integer> indents = new ArrayDeque<>();
        maps.push(root);
        indents.push(-1);
        String[] lines = text.split("\r?\n", -1);
        for (int ln = 0; ln < lines.length; ln++) {
            String raw = stripComment(lines[ln]);
            if (raw.isBlank() || raw.strip().equals("---")) continue;
            int indent = 0;
            while (indent < raw.length() && raw.charAt(indent) == ' ') indent++;
            String line = raw.strip();
            if (line.startsWith("- ") || line.equals("-") || line.startsWith("{") || line.startsWith("["))
                throw new DataException(file, "line " + (ln + 1) + ": YAML sequences/flow style are not supported: " + line);
            int colon = line.indexOf(':');
            if (colon <= 0) throw new DataException(file, "line " + (ln + 1) + ": expected 'key: value', got: " + line);
            while (indent <= indents.peek()) { maps.pop(); indents.pop(); }
            String key = unquote(line.substring(0, colon).strip());
            String value = line.substring(colon + 1).strip();
            if (value.isEmpty()) {
                Map<String, Object> child = new LinkedHashMap<>();
                maps.peek().put(key, child);
                maps.push(child);
                indents.push(indent);
            } else {
                maps.peek().put(key, unquote(value));
            }
        }
        return root;
    }

    /** The number at a path of keys, e.g. number(map, file, "normalization", "min"). */
    static double number(Map<String, Object> map, Path file, String... keys) {
        Object cur = map;
        for (String k : keys) {
            if (!(cur instanceof Map<?, ?> m) || !m.containsKey(k))
                throw new DataException(file, "missing key '" + String.join(".", keys) + "'");
            cur = m.get(k);
        }
        if (!(cur instanceof String s)) throw new DataException(file, "key '" + String.join(".", keys) + "' is not a scalar");
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new DataException(file, "key '" + String.join(".", keys) + "' is not a number: '" + s + "'");
        }
    }

    private static String stripComment(String line) {
        boolean sq = false, dq = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'' && !dq) sq = !sq;
            else if (c == '"' && !sq) dq = !dq;
            else if (c == '#' && !sq && !dq && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) return line.substring(0, i);
        }
        return line;
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && ((s.startsWith("\"") && s.endsWith("\"")) || (s.startsWith("'") && s.endsWith("'"))))
            return s.substring(1, s.length() - 1);
        return s;
    }
}
