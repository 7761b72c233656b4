package dsr3d.tensor.autograd;

import dsr3d.tensor.Tensor;

/** One recorded op in the graph: its label (for printing graphs), its inputs and its backward
 *  rule. The rule's closure holds whatever the forward saved (inputs, outputs, indices). */
public final class Node {
    public final String op;
    final Tensor[] inputs;
    BackwardRule rule;

    Node(String op, Tensor[] inputs, BackwardRule rule) {
        this.op = op;
        this.inputs = inputs;
        this.rule = rule;
    }

    public Tensor[] inputs() { return inputs.clone(); }

    /** Whether backward has already run through this node and released it. */
    public boolean released() { return rule == null; }
}
