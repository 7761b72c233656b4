package dsr3d.simulate.synth;

/**
 * A generated object before rendering, on the size x size pixel grid of the image:
 * {@code height} [H][W] in metres above the background plane (0 off the object) and
 * {@code albedo} planar [3][H][W] in [0, 1] for the whole frame (object and background).
 * {@code core} [H][W] marks where a defect may be centred (well inside the object's top).
 */
public record ObjectModel(int size, float[] height, float[] albedo, boolean[] core) {

    public ObjectModel {
        int n = size * size;
        if (height.length != n || albedo.length != 3 * n || core.length != n)
            throw new IllegalArgumentException("ObjectModel arrays do not match size " + size);
    }

    public float maxHeight() {
        float m = 0;
        for (float v : height) m = Math.max(m, v);
        return m;
    }
}
