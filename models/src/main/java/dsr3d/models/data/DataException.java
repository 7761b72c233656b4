package dsr3d.models.data;

import java.nio.file.Path;

/**
 * A dataset file that cannot be used: missing, unreadable, of the wrong format or size. The
 * message always names the file, so a bad sample in a folder of thousands can be found.
 */
public class DataException extends RuntimeException {
    private final transient Path file;

    public DataException(Path file, String message) {
        super(file + ": " + message);
        this.file = file;
    }

    public DataException(Path file, String message, Throwable cause) {
        super(file + ": " + message + (cause != null && cause.getMessage() != null ? " (" + cause.getMessage() + ")" : ""), cause);
        this.file = file;
    }

    /** The offending file (or folder). */
    public Path file() { return file; }
}
