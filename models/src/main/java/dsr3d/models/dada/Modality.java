package dsr3d.models.dada;

import java.util.Locale;

/** Which channels a DADA sees. Inputs are always ordered depth first: RGBD is [D, R, G, B]. */
public enum Modality {
    /** 4 channels [D, R, G, B]: the official DADA_RGB_D (train_dada.py). */
    RGBD(4),
    /** 1 channel [D]: the official DADA_D (train_dada_depth.py). */
    DEPTH(1),
    /** 3 channels [R, G, B]: no official script; a DiscreteLatentModel with in = out = 3. */
    RGB(3);

    public final int channels;

    Modality(int channels) { this.channels = channels; }

    public boolean hasDepth() { return this != RGB; }

    public boolean hasRgb() { return this != DEPTH; }

    /** Lower-case name as used on the command line and in checkpoint metadata. */
    public String cliName() { return name().toLowerCase(Locale.ROOT); }

    /** Parses rgbd|depth|rgb (case-insensitive); a bad value names the accepted ones. */
    public static Modality parse(String s) {
        for (Modality m : values()) if (m.cliName().equalsIgnoreCase(s)) return m;
        throw new IllegalArgumentException("unknown modality '" + s + "'; use rgbd, depth or rgb");
    }
}
