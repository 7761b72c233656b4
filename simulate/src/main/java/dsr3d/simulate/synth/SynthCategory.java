package dsr3d.simulate.synth;

import dsr3d.simulate.Rng;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One object category of the synthetic benchmark: a generator of random, defect-free
 * instances (shape = height field over the background plane, surface texture = albedo and
 * fine relief). Categories differ in shape and texture, as MVTec 3D-AD's do.
 *
 * <p>Sizes are given in fractions of the image side and heights in metres, so an instance
 * looks the same at any resolution; {@code pixelMetres} is the size of one pixel on the
 * background plane, for relief that should be a fixed number of millimetres.
 */
public interface SynthCategory {

    String name();

    /** A random defect-free instance on a size x size grid; the albedo includes the background. */
    ObjectModel generate(int size, double pixelMetres, Rng rng);

    /** Every category, in name order. */
    static List<SynthCategory> all() {
        return List.of(new CookieCategory(), new FoamCategory(), new PotatoCategory(), new TireCategory());
    }

    static SynthCategory byName(String name) {
        for (SynthCategory c : all()) if (c.name().equals(name.trim().toLowerCase(Locale.ROOT))) return c;
        throw new IllegalArgumentException("unknown synthetic category '" + name + "'; expected one of "
                + all().stream().map(SynthCategory::name).collect(Collectors.joining(", ")));
    }
}
