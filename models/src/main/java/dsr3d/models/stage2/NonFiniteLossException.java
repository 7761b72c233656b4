package dsr3d.models.stage2;

import dsr3d.tensor.ExpectedFailure;

/** A loss term or a gradient became NaN or infinite: training stops at this step, before the
 *  optimiser step (the last checkpoint stays as it was). The message names the step and tensor. */
public final class NonFiniteLossException extends RuntimeException implements ExpectedFailure {
    public final long step;
    public final String tensor;

    public NonFiniteLossException(long step, String tensor, double value) {
        super("step " + step + ": " + tensor + " is " + (Double.isNaN(value) ? "NaN" : value > 0 ? "+Inf" : "-Inf")
                + "; training stopped (the last checkpoint is intact)");
        this.step = step;
        this.tensor = tensor;
    }
}
