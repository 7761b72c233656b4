package dsr3d.simulate.synth;

import java.util.List;
import java.util.Locale;

/**
 * The defect classes of the synthetic benchmark. Each has a folder name and a ground-truth
 * pixel value: class ids count down from 255 in name order, as MVTec 3D-AD's class_ids.json
 * does. "combined" images are not a class of their own: they carry one geometric and one
 * colour defect, each painted with its own id.
 *
 * <ul>
 *   <li>geometric (depth only; nearly invisible in RGB): BUMP, CRACK, DENT;</li>
 *   <li>COLOR (a stain: albedo only, no depth change).</li>
 * </ul>
 */
public enum DefectType {
    BUMP(true), COLOR(false), CRACK(true), DENT(true);

    private final boolean geometric;

    DefectType(boolean geometric) { this.geometric = geometric; }

    public boolean geometric() { return geometric; }

    public String folder() { return name().toLowerCase(Locale.ROOT); }

    /** The gt PNG value: 255 for the first name, 254 for the next, ... */
    public int classId() { return 255 - ordinal(); }

    public static List<DefectType> geometricTypes() {
        return List.of(values()).stream().filter(DefectType::geometric).toList();
    }
}
