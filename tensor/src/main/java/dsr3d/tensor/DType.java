package dsr3d.tensor;

/** Element types. F32 is the working type; F64 exists so gradients can be checked by finite
 *  differences in double precision on the reference kernels; I32 holds indices (argmin, gather). */
public enum DType {
    F32(4), F64(8), I32(4);

    public final int bytes;

    DType(int bytes) { this.bytes = bytes; }

    public boolean isFloating() { return this != I32; }
}
