package dsr3d.models.summary;

import com.google.gson.JsonObject;
import dsr3d.nn.Module;
import dsr3d.tensor.DType;
import dsr3d.tensor.Storage;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.autograd.Node;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parameters, MACs and activation memory of named modules ("dada"; stage 2 adds "sr_lo", "sr_hi",
 * "decode", "seg" with {@link #add}, see {@code ./3dsr model summary}), measured on an executed forward rather than from a formula
 * table: run the forward with gradients on (eval mode, so nothing is updated), then walk the
 * autograd graph below its outputs.
 * <ul>
 *   <li>parameters: PyTorch's definition (every registered parameter, the VQ EMA sums included;
 *       buffers such as _ema_cluster_size are not counted);</li>
 *   <li>MACs: per recorded conv2d node, numel(out) * weight.size(1) * kh * kw; per conv_transpose2d
 *       node numel(in) * weight.size(1) * kh * kw; per matmul numel(out) * k; attributed to the module
 *       owning the weight (found by identity) and to each of its ancestors. The VQ distance searches
 *       (no graph node: argmin has no gradient) are added by the caller from the executed shapes,
 *       {@link #addMacs}: n vectors * K codes * D;</li>
 *   <li>activation memory: the distinct storages the graph holds at the end of the forward, i.e.
 *       what a training step keeps for backward, which is the forward's peak up to the transient of
 *       one op; per module: the outputs of its weight ops.</li>
 * </ul>
 */
public final class ModelSummary {
    private final LinkedHashMap<String, Module> modules = new LinkedHashMap<>();
    private final Map<String, Long> macs = new LinkedHashMap<>(), activation = new LinkedHashMap<>();
    private final Map<Tensor, String> ownerOverride = new IdentityHashMap<>();
    private final Set<Storage> storages = Collections.newSetFromMap(new IdentityHashMap<>());
    private long activationTotal;

    /** Registers a top-level module under a name; its children are reported as name.child. */
    public ModelSummary add(String name, Module m) {
        if (modules.containsKey(name)) throw new IllegalArgumentException("module '" + name + "' is registered twice");
        modules.put(name, m);
        return this;
    }

    /** The weight ops of m's parameters count under the dotted name {@code as} (e.g. a DADA module
     *  that a stage-2 step executes again on its own input) in the walks that follow. */
    public ModelSummary attribute(Module m, String as) {
        m.parameters().forEach(t -> ownerOverride.put(t, as));
        return this;
    }

    /** MACs done outside the graph (VQ searches) under a dotted module name. */
    public void addMacs(String module, long n) {
        for (String p : prefixes(module)) macs.merge(p, n, Long::sum);
    }

    /** Walks the graph below roots and accumulates MACs and activation memory. Several walks (of
     *  graphs cut apart with detach) add up; a storage held by more than one counts once. */
    public void measure(List<Tensor> roots) {
        Map<Tensor, String> owner = new IdentityHashMap<>();
        modules.forEach((name, m) -> m.namedParameters().forEach((k, t) -> owner.put(t, name + "." + k.substring(0, Math.max(0, k.lastIndexOf('.'))))));
        owner.putAll(ownerOverride);
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<Storage> params = Collections.newSetFromMap(new IdentityHashMap<>());
        owner.keySet().forEach(t -> params.add(t.storage()));
        Deque<Tensor> todo = new ArrayDeque<>(roots);
        while (!todo.isEmpty()) {
            Tensor t = todo.pop();
            if (t == null || !seen.add(t)) continue;
            if (!params.contains(t.storage()) && storages.add(t.storage())) activationTotal += bytes(t.storage());
            Node node = t.node();
            if (node == null) continue;
            Tensor[] in = node.inputs();
            long n = switch (node.op) {
                case "conv2d" -> (long) t.numel() * in[1].size(1) * in[1].size(2) * in[1].size(3);
                case "conv_transpose2d" -> (long) in[0].numel() * in[1].size(1) * in[1].size(2) * in[1].size(3);
                case "matmul" -> (long) t.numel() * in[0].size(in[0].dim() - 1);
                default -> 0;
            };
            if (n > 0) {
                String m = in.length > 1 && in[1] != null ? owner.getOrDefault(in[1], "(other)") : "(other)";
                for (String p : prefixes(m)) {
                    macs.merge(p, n, Long::sum);
                    activation.merge(p, (long) bytes(t.storage()), Long::sum);
                }
            }
            for (Tensor i : in) if (i != null) todo.push(i);
        }
    }

    private static List<String> prefixes(String dotted) {
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        int at = -1;
        while ((at = dotted.indexOf('.', at + 1)) >= 0) out.add(dotted.substring(0, at));
        out.add(dotted);
        return out;
    }

    private static long bytes(Storage s) { return (long) s.length() * (s.dtype() == DType.F64 ? 8 : 4); }

    /** Parameters per registered module, each direct child, and "total". */
    public LinkedHashMap<String, Long> parameters() {
        LinkedHashMap<String, Long> p = new LinkedHashMap<>();
        long total = 0;
        for (var e : modules.entrySet()) {
            p.put(e.getKey(), e.getValue().parameterCount());
            total += e.getValue().parameterCount();
            e.getValue().namedChildren().forEach((k, c) -> p.put(e.getKey() + "." + k, c.parameterCount()));
        }
        p.put("total", total);
        return p;
    }

    /** MACs per module (top level and its direct children, plus "total"). */
    public LinkedHashMap<String, Long> macs() { return levels(macs); }

    public LinkedHashMap<String, Long> activationBytes() { return levels(activation); }

    public long activationTotalBytes() { return activationTotal; }

    private LinkedHashMap<String, Long> levels(Map<String, Long> src) {
        LinkedHashMap<String, Long> out = new LinkedHashMap<>();
        long total = 0;
        for (var e : modules.entrySet()) {
            out.put(e.getKey(), src.getOrDefault(e.getKey(), 0L));
            total += src.getOrDefault(e.getKey(), 0L);
            for (String k : e.getValue().namedChildren().keySet()) {
                String key = e.getKey() + "." + k;
                if (src.containsKey(key)) out.put(key, src.get(key));
            }
            for (String key : new java.util.TreeSet<>(ownerOverride.values()))   // attributed from elsewhere
                if (key.startsWith(e.getKey() + ".") && src.containsKey(key) && !out.containsKey(key)) out.put(key, src.get(key));
        }
        out.put("total", total);
        return out;
    }

    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.add("parameters", map(parameters()));
        o.add("macs", map(macs()));
        o.add("activation_bytes", map(activationBytes()));
        o.addProperty("activation_peak_bytes", activationTotal);
        return o;
    }

    private static JsonObject map(Map<String, Long> m) {
        JsonObject o = new JsonObject();
        m.forEach(o::addProperty);
        return o;
    }

    /** The modules' PyTorch-like trees. */
    public String tree() {
        StringBuilder sb = new StringBuilder();
        modules.forEach((k, m) -> sb.append(k).append(": ").append(m).append('\n'));
        return sb.toString();
    }
}
