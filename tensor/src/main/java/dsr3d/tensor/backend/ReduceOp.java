package dsr3d.tensor.backend;

/** Row reductions: each of {@code rows} rows of {@code cols} contiguous elements gives one value.
 *  ARGMAX/ARGMIN return the lowest index among ties (PyTorch's rule) as I32. */
public enum ReduceOp {
    SUM, MAX, MIN, ARGMAX, ARGMIN;

    public boolean isArg() { return this == ARGMAX || this == ARGMIN; }
}
