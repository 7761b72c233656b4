package dsr3d.tensor.backend;

import dsr3d.tensor.ExpectedFailure;

/** The chosen backend exists but cannot run on this machine (e.g. -Ddsr3d.backend=cuda without a GPU). */
public final class BackendUnavailableException extends IllegalStateException implements ExpectedFailure {
    public BackendUnavailableException(String message) { super(message); }
}
