package dsr3d.models.data;

import java.nio.file.Path;

/** One problem found while scanning or validating a dataset: the file and what is wrong with it. */
public record DataProblem(Path file, String message) {
    @Override public String toString() { return file + ": " + message; }
}
