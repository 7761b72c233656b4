package dsr3d.models.train;

/** A loss term or a gradient became NaN or infinite: the run stops at this step (the last
 *  checkpoint written before it stays as it was). The message names the step and the tensor. */
public final class NonFiniteException extends RuntimeException {
    public final long step;
    public final String tensor;

    public NonFiniteException(long step, String tensor, double value) {
        super("step " + step + ": " + tensor + " is " + (Double.isNaN(value) ? "NaN" : value > 0 ? "+Inf" : "-Inf")
                + "; training stopped (the last checkpoint is intact)");
        this.step = step;
        this.tensor = tensor;
    }
}
