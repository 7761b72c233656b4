package dsr3d.models.data;

import java.nio.file.Path;

/**
 * A dataset file that cannot be used: missing, unreadable, of the wrong format or size. The
 * message always starts with the file, so a bad sample in a folder of thousands can be found.
 */
public class DataException extends RuntimeException implements dsr3d.tensor.ExpectedFailure {
    private final transient Path file;
    private final String detail;

    public DataException(Path file, String detail) {
        this(file, detail, null);
    }

    public DataException(Path file, String detail, Throwable cause) {
        this(file, detail + causeText(file, cause), cause, true);
    }

    private DataException(Path file, String fullDetail, Throwable cause, boolean marker) {
        super(file + ": " + fullDetail, cause);
        this.file = file;
        this.detail = fullDetail;
    }

    /** The offending file (or folder). */
    public Path file() { return file; }

    /** The message without the leading file name. */
    public String detail() { return detail; }

    /** " (cause)" with the cause's own "file: " prefix removed, since the file is named already. */
    private static String causeText(Path file, Throwable cause) {
        if (cause == null || cause.getMessage() == null) return cause == null ? "" : " (" + cause.getClass().getSimpleName() + ")";
        String m = cause.getMessage();
        String prefix = file + ": ";
        if (m.startsWith(prefix)) m = m.substring(prefix.length());
        return " (" + m + ")";
    }
}
