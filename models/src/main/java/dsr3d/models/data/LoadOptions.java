package dsr3d.models.data;

/**
 * How samples are preprocessed when loaded.
 *
 * @param size   output side S (3DSR: 384)
 * @param gtMode how the gt mask is brought to S x S
 */
public record LoadOptions(int size, Preprocess3dsr.GtMode gtMode) {
    public LoadOptions {
        if (size <= 0) throw new IllegalArgumentException("size must be positive, got " + size);
        if (gtMode == null) throw new IllegalArgumentException("gtMode must not be null");
    }

    /** The 3DSR protocol: 384 x 384, gt resized nearest and binarised (class id != 0). */
    public static LoadOptions defaults() { return new LoadOptions(Preprocess3dsr.SIZE, Preprocess3dsr.GtMode.NEAREST_BINARY); }
}
