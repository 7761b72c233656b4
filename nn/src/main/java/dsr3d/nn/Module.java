package dsr3d.nn;

import dsr3d.tensor.DType;
import dsr3d.tensor.Shape;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.autograd.NoGrad;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A node of a network, as torch.nn.Module: it owns named parameters (leaf tensors that require
 * grad), named buffers (state that is saved but not trained, e.g. the VQ cluster sizes) and named
 * child modules, all in registration order. Dotted names ("_encoder_b._conv_1.weight") and the
 * state-dict order (own parameters, own buffers, then each child recursively) follow PyTorch, so
 * converted PyTorch checkpoints line up key by key.
 *
 * <p>Parameters keep their identity for the module's lifetime: loading a state dict and optimiser
 * steps write new values into the existing storage ({@link Tensors#copyInto}), as PyTorch's
 * in-place {@code copy_} and {@code addcdiv_} do. Only {@link #to(DType)} replaces tensors (like
 * {@code module.double()}); call it before creating an optimiser.
 */
public abstract class Module {
    private final Map<String, Tensor> params = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    // ============================ registration ===================================================
    /** Registers a parameter (it becomes a leaf that requires grad) and returns it. */
    protected Tensor registerParameter(String name, Tensor value) {
        checkName(name);
        if (!value.dtype().isFloating()) throw new IllegalArgumentException("parameter '" + name + "' must be floating point, got " + value.dtype());
        if (value.node() != null) throw new IllegalArgumentException("parameter '" + name + "' must be a leaf tensor (detach() it first)");
        value.requiresGrad(true);
        params.put(name, value);
        return value;
    }

    /** Registers a buffer: state saved in the state dict but not trained. */
    protected Tensor registerBuffer(String name, Tensor value) {
        checkName(name);
        buffers.put(name, value);
        return value;
    }

    /** Registers a child module under the given attribute name and returns it. */
    protected <M extends Module> M registerModule(String name, M child) {
        checkName(name);
        if (child == null) throw new IllegalArgumentException("child module '" + name + "' is null");
        children.put(name, child);
        return child;
    }

    private void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains("."))
            throw new IllegalArgumentException("module attribute name must be non-empty and without '.', got '" + name + "'");
        if (params.containsKey(name) || buffers.containsKey(name) || children.containsKey(name))
            throw new IllegalArgumentException(getClass().getSimpleName() + ": attribute '" + name + "' is already registered");
    }

    /** This module's own parameter by attribute name (e.g. "weight"). */
    public Tensor param(String name) {
        Tensor t = params.get(name);
        if (t == null) throw new IllegalArgumentException(getClass().getSimpleName() + " has no parameter '" + name + "'; it has " + params.keySet());
        return t;
    }

    /** This module's own buffer by attribute name. */
    public Tensor buffer(String name) {
        Tensor t = buffers.get(name);
        if (t == null) throw new IllegalArgumentException(getClass().getSimpleName() + " has no buffer '" + name + "'; it has " + buffers.keySet());
        return t;
    }

    /** Direct children in registration order. */
    public Map<String, Module> namedChildren() { return Collections.unmodifiableMap(children); }

    // ============================ traversal ======================================================
    /** All parameters with dotted names, PyTorch's named_parameters() order. */
    public LinkedHashMap<String, Tensor> namedParameters() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, true, false);
        return out;
    }

    public List<Tensor> parameters() { return new ArrayList<>(namedParameters().values()); }

    public LinkedHashMap<String, Tensor> namedBuffers() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, false, true);
        return out;
    }

    /** Number of parameter elements (as sum(p.numel() for p in m.parameters())). */
    public long parameterCount() {
        long n = 0;
        for (Tensor t : namedParameters().values()) n += t.numel();
        return n;
    }

    /** Parameters and buffers under dotted names, in PyTorch's state_dict() order. The tensors
     *  are the live ones (not copies): detach or copy them before changing the module. */
    public LinkedHashMap<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, true, true);
        return out;
    }

    private void collect(String prefix, Map<String, Tensor> out, boolean withParams, boolean withBuffers) {
        if (withParams) params.forEach((k, v) -> out.put(prefix + k, v));
        if (withBuffers) buffers.forEach((k, v) -> out.put(prefix + k, v));
        children.forEach((k, c) -> c.collect(prefix + k + ".", out, withParams, withBuffers));
    }

    /** This module and all descendants, pre-order (PyTorch's modules()). */
    public List<Module> modules() {
        List<Module> out = new ArrayList<>();
        out.add(this);
        for (Module c : children.values()) out.addAll(c.modules());
        return out;
    }

    /** Calls fn on every descendant and then on this module (PyTorch's apply order), e.g. for init. */
    public Module apply(Consumer<Module> fn) {
        for (Module c : children.values()) c.apply(fn);
        fn.accept(this);
        return this;
    }

    // ============================ modes ==========================================================
    public boolean isTraining() { return training; }

    /** Sets training mode on this module and all descendants. */
    public Module train(boolean on) {
        for (Module m : modules()) m.training = on;
        return this;
    }

    public Module eval() { return train(false); }

    /** requires_grad_(on) on every parameter; freeze() = requiresGrad(false). */
    public Module requiresGrad(boolean on) {
        for (Tensor t : namedParameters().values()) {
            t.zeroGrad();
            t.requiresGrad(on);
        }
        return this;
    }

    public Module freeze() { return requiresGrad(false); }

    /** Clears the gradient of every parameter. */
    public void zeroGrad() {
        for (Tensor t : namedParameters().values()) t.zeroGrad();
    }

    /** Converts every floating parameter and buffer to dtype (new leaf tensors, requiresGrad kept),
     *  as module.double()/float(). Do this before building an optimiser over the parameters. */
    public Module to(DType dtype) {
        for (Module m : modules()) {
            for (Map.Entry<String, Tensor> e : m.params.entrySet()) {
                Tensor t = e.getValue();
                if (t.dtype() == dtype) continue;
                boolean rg = t.requiresGrad();
                Tensor c = Tensors.detachedCopy(t, dtype);
                if (rg) c.requiresGrad(true);
                e.setValue(c);
            }
            for (Map.Entry<String, Tensor> e : m.buffers.entrySet())
                if (e.getValue().dtype().isFloating() && e.getValue().dtype() != dtype)
                    e.setValue(Tensors.detachedCopy(e.getValue(), dtype));
        }
        return this;
    }

    // ============================ loading ========================================================
    /**
     * Copies values from state into this module's parameters and buffers, in place. Every problem
     * is collected first and reported together in one exception, before anything is written:
     * a shape or dtype mismatch is always an error; missing and unexpected keys are errors when
     * strict (otherwise they are skipped, and the returned report lists them).
     */
    public LoadReport loadStateDict(Map<String, Tensor> state, boolean strict) {
        LinkedHashMap<String, Tensor> own = stateDict();
        List<String> missing = new ArrayList<>(), mismatched = new ArrayList<>();
        Set<String> unexpected = new LinkedHashSet<>(state.keySet());
        unexpected.removeAll(own.keySet());
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src == null) {
                missing.add(e.getKey());
                continue;
            }
            Tensor dst = e.getValue();
            if (!Arrays.equals(src.shape(), dst.shape()))
                mismatched.add(e.getKey() + ": checkpoint shape " + Shape.str(src.shape()) + ", model shape " + Shape.str(dst.shape()));
            else if (src.dtype() != dst.dtype())
                mismatched.add(e.getKey() + ": checkpoint dtype " + src.dtype() + ", model dtype " + dst.dtype());
        }
        LoadReport report = new LoadReport(missing, new ArrayList<>(unexpected), mismatched);
        if (!mismatched.isEmpty() || (strict && (!missing.isEmpty() || !unexpected.isEmpty())))
            throw new IllegalArgumentException("loadStateDict into " + getClass().getSimpleName() + " failed:" + report.describe());
        try (NoGrad ignored = NoGrad.enter()) {
            for (Map.Entry<String, Tensor> e : own.entrySet()) {
                Tensor src = state.get(e.getKey());
                if (src != null) Tensors.copyInto(src, e.getValue());
            }
        }
        return report;
    }

    /** What loadStateDict found: keys the module has but the state lacked, keys the state has
     *  but the module lacks, and entries whose shape or dtype differ. */
    public record LoadReport(List<String> missing, List<String> unexpected, List<String> mismatched) {
        public boolean clean() { return missing.isEmpty() && unexpected.isEmpty() && mismatched.isEmpty(); }

        String describe() {
            StringBuilder sb = new StringBuilder();
            if (!missing.isEmpty()) sb.append("\n  missing keys (").append(missing.size()).append("): ").append(missing);
            if (!unexpected.isEmpty()) sb.append("\n  unexpected keys (").append(unexpected.size()).append("): ").append(unexpected);
            if (!mismatched.isEmpty()) sb.append("\n  mismatched entries (").append(mismatched.size()).append("):\n    ").append(String.join("\n    ", mismatched));
            return sb.toString();
        }
    }

    // ============================ printing =======================================================
    /** The constructor arguments shown inside the parentheses, as PyTorch's extra_repr(). */
    protected String extraRepr() { return ""; }

    /** The module tree in PyTorch's print(model) layout. */
    @Override public String toString() {
        String name = getClass().getSimpleName();
        if (children.isEmpty()) return name + "(" + extraRepr() + ")";
        StringBuilder sb = new StringBuilder(name).append("(");
        String extra = extraRepr();
        if (!extra.isEmpty()) sb.append("\n  ").append(extra);
        for (Map.Entry<String, Module> e : children.entrySet())
            sb.append("\n  (").append(e.getKey()).append("): ").append(e.getValue().toString().replace("\n", "\n  "));
        return sb.append("\n)").toString();
    }
}
