package dsr3d.nn.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A checkpoint file that is malformed, truncated, hostile or of an unsupported kind. The message
 * always starts with the file so a user can tell which of several inputs was bad.
 */
public final class CheckpointFormatException extends IOException {
    public CheckpointFormatException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public CheckpointFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
