package dsr3d.tensor.autograd;

import dsr3d.tensor.Tensor;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reverse-mode autodiff, micrograd style: ops call {@link #record} on their output; {@link
 * #backward} sorts the graph topologically and walks it in reverse, adding each node's input
 * gradients into a map (so a tensor used twice receives both contributions). Leaves that
 * require grad accumulate into {@code .grad()}. The graph is released after the walk.
 */
public final class Autograd {
    private Autograd() {}

    /** Attaches a node to {@code out} if recording is on and some input requires grad. */
    public static Tensor record(String op, Tensor out, BackwardRule rule, Tensor... inputs) {
        if (!NoGrad.gradEnabled()) return out;
        boolean any = false;
        for (Tensor t : inputs) if (t != null && t.requiresGrad()) { any = true; break; }
        if (!any) return out;
        out.attach(new Node(op, inputs.clone(), rule));   // a copy: callers may reuse a varargs array
        return out;
    }

    /** Backpropagates seed = dL/d(root) through the graph below root. */
    public static void backward(Tensor root, Tensor seed) {
        if (!root.requiresGrad())
            throw new IllegalStateException("backward() on a tensor that does not require grad (no input had requiresGrad, or it was made under NoGrad)");
        if (root.node() != null && root.node().released())
            throw new IllegalStateException("backward() through a graph that was already released; recompute the forward pass");
        if (!java.util.Arrays.equals(seed.shape(), root.shape()) || seed.dtype() != root.dtype())
            throw new IllegalArgumentException("backward(seed): seed " + java.util.Arrays.toString(seed.shape()) + " " + seed.dtype()
                    + " must have the shape and dtype of the output, " + java.util.Arrays.toString(root.shape()) + " " + root.dtype());
        List<Tensor> order = topoOrder(root);
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        grads.put(root, seed);
        try (NoGrad ignored = NoGrad.enter()) {
            for (int i = order.size() - 1; i >= 0; i--) {
                Tensor t = order.get(i);
                Tensor g = grads.remove(t);
                if (g == null) continue;
                Node node = t.node();
                if (node == null) {                   // a leaf: accumulate like PyTorch
                    t.accumulateGrad(g);
                    continue;
                }
                if (node.released())
                    throw new IllegalStateException("backward() through '" + node.op + "', whose graph was already released by an earlier backward(); recompute the forward pass");
                Tensor[] inGrads = node.rule.apply(g);
                for (int k = 0; k < node.inputs.length; k++) {
                    Tensor in = node.inputs[k];
                    if (in == null || !in.requiresGrad() || inGrads[k] == null) continue;
                    if (!java.util.Arrays.equals(inGrads[k].shape(), in.shape()))
                        throw new IllegalStateException("backward of '" + node.op + "' produced gradient of shape "
                                + java.util.Arrays.toString(inGrads[k].shape()) + " for input " + k + " of shape "
                                + java.util.Arrays.toString(in.shape()));
                    grads.merge(in, inGrads[k], Tensor::add);
                }
            }
        }
        for (Tensor t : order) if (t.node() != null) t.node().rule = null;   // release saved tensors
    }

    /** Post-order DFS without recursion (deep nets would overflow the stack). */
    private static List<Tensor> topoOrder(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        Map<Tensor, Boolean> seen = new IdentityHashMap<>();
        List<Object[]> stack = new ArrayList<>();   // {tensor, next input index}
        stack.add(new Object[]{root, 0});
        seen.put(root, true);
        while (!stack.isEmpty()) {
            Object[] top = stack.get(stack.size() - 1);
            Tensor t = (Tensor) top[0];
            int next = (Integer) top[1];
            Node n = t.node();
            Tensor[] ins = n == null ? new Tensor[0] : n.inputs;
            if (next < ins.length) {
                top[1] = next + 1;
                Tensor in = ins[next];
                if (in != null && in.requiresGrad() && seen.put(in, true) == null) stack.add(new Object[]{in, 0});
            } else {
                order.add(t);
                stack.remove(stack.size() - 1);
            }
        }
        return order;
    }
}
