package dsr3d.models.stage2;

import dsr3d.nn.Module;

/**
 * The four trained stage-2 networks of one class as one module, so their state dict carries the
 * prefixes of the model file and of the official checkpoint suffixes: {@code recon_lo.*},
 * {@code recon_hi.*} (the SR nets), {@code decode.*} (object decoder), {@code seg.*} (U-Net).
 * Registered in the official optimizer's group order. Holds no computation of its own.
 */
public final class Stage2Networks extends Module {
    public static final String[] PREFIXES = {"recon_lo", "recon_hi", "decode", "seg"};

    private final Stage2Step.Nets nets;

    public Stage2Networks(Stage2Step.Nets nets) {
        this.nets = nets;
        registerModule("recon_lo", nets.srLo());
        registerModule("recon_hi", nets.srHi());
        registerModule("decode", nets.decode());
        registerModule("seg", nets.seg());
    }

    public Stage2Step.Nets nets() { return nets; }
}
