package dsr3d.models.data;

/**
 * How samples are preprocessed when loaded.
 *
 * @param size       output side S (3DSR: 384, BTF/M3DM: 224)
 * @param gtMode     how the gt mask is brought to S x S (3DSR method only; BTF uses PIL nearest)
 * @param method     which published preprocessing
 * @param ransacSeed seed of the BTF plane RANSAC (the original is unseeded); mixed with the sample's
 *                   identity (dataset/category/split/type/stem) so samples differ but runs repeat
 */
public record LoadOptions(int size, Preprocess3dsr.GtMode gtMode, Method method, long ransacSeed) {

    /** The preprocessing families. */
    public enum Method {
        /** {@link Preprocess3dsr}: the official 3DSR loader (default). */
        THREE_DSR,
        /** {@link PreprocessBtf}: the 3D-ADS offline cleaning + BTF/M3DM load-time transform. */
        BTF
    }

    public LoadOptions {
        if (size <= 0) throw new IllegalArgumentException("size must be positive, got " + size);
        if (gtMode == null) throw new IllegalArgumentException("gtMode must not be null");
        if (method == null) throw new IllegalArgumentException("method must not be null");
    }

    /** 3DSR preprocessing at the given size and gt mode. */
    public LoadOptions(int size, Preprocess3dsr.GtMode gtMode) { this(size, gtMode, Method.THREE_DSR, 0L); }

    /** The 3DSR protocol: 384 x 384, gt resized nearest and binarised (class id != 0). */
    public static LoadOptions defaults() { return new LoadOptions(Preprocess3dsr.SIZE, Preprocess3dsr.GtMode.NEAREST_BINARY); }

    /** The BTF/M3DM protocol: 224 x 224. */
    public static LoadOptions btf() { return new LoadOptions(PreprocessBtf.SIZE, Preprocess3dsr.GtMode.NEAREST_BINARY, Method.BTF, 0L); }
}
