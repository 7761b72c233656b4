package dsr3d.nn.optim;

import dsr3d.nn.Tensors;
import dsr3d.tensor.Shape;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.autograd.NoGrad;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * torch.optim.Adam (amsgrad off), one parameter group, updating parameters in place. Per step, for
 * every parameter p with a gradient g (parameters without one are skipped and get no state, as in
 * PyTorch):
 * <pre>
 *   g = g + weightDecay * p                       (L2 penalty, if weightDecay != 0)
 *   m = beta1 m + (1 - beta1) g ;  v = beta2 v + (1 - beta2) g^2 ;  t = t + 1   (per parameter)
 *   p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 * State is keyed by parameter name so a checkpoint can store and restore it exactly:
 * {@link #stateDict()} is a flat name -> tensor map ("lr", "betas", "eps", "weight_decay",
 * "state.NAME.step", "state.NAME.exp_avg", "state.NAME.exp_avg_sq"; scalars are F64 tensors).
 */
public final class Adam {
    private final LinkedHashMap<String, Tensor> params;
    private double lr;
    public final double beta1, beta2, eps, weightDecay;
    private final Map<String, long[]> steps = new LinkedHashMap<>();
    private final Map<String, Tensor> expAvg = new LinkedHashMap<>(), expAvgSq = new LinkedHashMap<>();

    /** Adam with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay. */
    public Adam(Map<String, Tensor> namedParameters, double lr) { this(namedParameters, lr, 0.9, 0.999, 1e-8, 0); }

    public Adam(Map<String, Tensor> namedParameters, double lr, double beta1, double beta2, double eps, double weightDecay) {
        if (!(lr >= 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps >= 0) || !(weightDecay >= 0))
            throw new IllegalArgumentException("Adam: need lr >= 0 (" + lr + "), 0 <= betas < 1 (" + beta1 + ", " + beta2 + "), eps >= 0 (" + eps
                    + "), weightDecay >= 0 (" + weightDecay + ")");
        this.params = new LinkedHashMap<>(namedParameters);
        for (Map.Entry<String, Tensor> e : params.entrySet())
            if (!e.getValue().dtype().isFloating()) throw new IllegalArgumentException("Adam: parameter '" + e.getKey() + "' is not floating point");
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    public double lr() { return lr; }

    public void setLr(double lr) { this.lr = lr; }

    /** The number of updates parameter name has received (0 if none). */
    public long step(String name) { return steps.containsKey(name) ? steps.get(name)[0] : 0; }

    public Tensor expAvg(String name) { return expAvg.get(name); }

    public Tensor expAvgSq(String name) { return expAvgSq.get(name); }

    /** Clears every parameter's gradient. */
    public void zeroGrad() { params.values().forEach(Tensor::zeroGrad); }

    /** One update of every parameter that has a gradient. */
    public void step() {
        try (NoGrad ignored = NoGrad.enter()) {
            for (Map.Entry<String, Tensor> e : params.entrySet()) {
                Tensor p = e.getValue(), g = p.grad();
                if (g == null) continue;
                String name = e.getKey();
                if (weightDecay != 0) g = g.add(p.detach().mul(weightDecay));
                Tensor m = expAvg.computeIfAbsent(name, k -> Tensor.zeros(p.backend(), p.dtype(), p.shape()));
                Tensor v = expAvgSq.computeIfAbsent(name, k -> Tensor.zeros(p.backend(), p.dtype(), p.shape()));
                long t = ++steps.computeIfAbsent(name, k -> new long[1])[0];
                Tensor m2 = m.mul(beta1).add(g.mul(1 - beta1));
                Tensor v2 = v.mul(beta2).add(g.mul(g).mul(1 - beta2));
                double bc1 = 1 - Math.pow(beta1, t), bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
                Tensor denom = v2.sqrt().div(bc2Sqrt).add(eps);
                Tensor p2 = p.detach().sub(m2.div(denom).mul(lr / bc1));
                Tensors.copyInto(m2, m);
                Tensors.copyInto(v2, v);
                Tensors.copyInto(p2, p);
            }
        }
    }

    /** The full optimiser state as a flat map (see the class comment); tensors are copies. */
    public LinkedHashMap<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> s = new LinkedHashMap<>();
        s.put("lr", Tensor.of(new double[]{lr}));
        s.put("betas", Tensor.of(new double[]{beta1, beta2}, 2));
        s.put("eps", Tensor.of(new double[]{eps}));
        s.put("weight_decay", Tensor.of(new double[]{weightDecay}));
        for (String name : steps.keySet()) {
            s.put("state." + name + ".step", Tensor.of(new double[]{steps.get(name)[0]}));
            s.put("state." + name + ".exp_avg", Tensors.detachedCopy(expAvg.get(name), expAvg.get(name).dtype()));
            s.put("state." + name + ".exp_avg_sq", Tensors.detachedCopy(expAvgSq.get(name), expAvgSq.get(name).dtype()));
        }
        return s;
    }

    /** Restores a state written by {@link #stateDict()}: lr and every parameter's step and moments.
     *  The hyper-parameters (betas, eps, weight decay) must match this optimiser's; every problem
     *  (unknown parameter, wrong shape, missing moment) is reported together. */
    public void loadStateDict(Map<String, Tensor> state) {
        StringBuilder problems = new StringBuilder();
        for (String key : new String[]{"lr", "betas", "eps", "weight_decay"})
            if (!state.containsKey(key)) problems.append("\n  missing '").append(key).append("'");
        if (problems.isEmpty()) {
            double[] b = state.get("betas").toDoubleArray();
            if (b.length != 2 || b[0] != beta1 || b[1] != beta2) problems.append("\n  betas ").append(Arrays.toString(b)).append(" differ from this optimiser's [").append(beta1).append(", ").append(beta2).append("]");
            if (state.get("eps").item() != eps) problems.append("\n  eps ").append(state.get("eps").item()).append(" differs from ").append(eps);
            if (state.get("weight_decay").item() != weightDecay) problems.append("\n  weight_decay ").append(state.get("weight_decay").item()).append(" differs from ").append(weightDecay);
        }
        Map<String, Tensor[]> parsed = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            String key = e.getKey();
            if (!key.startsWith("state.")) {
                if (!Arrays.asList("lr", "betas", "eps", "weight_decay").contains(key)) problems.append("\n  unexpected key '").append(key).append("'");
                continue;
            }
            int dot = key.lastIndexOf('.');
            String name = key.substring("state.".length(), dot), field = key.substring(dot + 1);
            int slot = switch (field) { case "step" -> 0; case "exp_avg" -> 1; case "exp_avg_sq" -> 2; default -> -1; };
            if (slot < 0) { problems.append("\n  unexpected key '").append(key).append("'"); continue; }
            Tensor p = params.get(name);
            if (p == null) { problems.append("\n  state for unknown parameter '").append(name).append("'"); continue; }
            if (slot > 0 && !Arrays.equals(e.getValue().shape(), p.shape()))
                problems.append("\n  ").append(key).append(": shape ").append(Shape.str(e.getValue().shape())).append(", parameter shape ").append(Shape.str(p.shape()));
            parsed.computeIfAbsent(name, k -> new Tensor[3])[slot] = e.getValue();
        }
        parsed.forEach((name, f) -> {
            if (f[0] == null || f[1] == null || f[2] == null) problems.append("\n  incomplete state for '").append(name).append("' (needs step, exp_avg, exp_avg_sq)");
        });
        if (!problems.isEmpty()) throw new IllegalArgumentException("Adam.loadStateDict failed:" + problems);
        lr = state.get("lr").item();
        steps.clear();
        expAvg.clear();
        expAvgSq.clear();
        parsed.forEach((name, f) -> {
            Tensor p = params.get(name);
            steps.put(name, new long[]{Math.round(f[0].item())});
            expAvg.put(name, Tensors.detachedCopy(f[1], p.dtype()));
            expAvgSq.put(name, Tensors.detachedCopy(f[2], p.dtype()));
        });
    }

    /** The parameters this optimiser updates, by name. */
    public Map<String, Tensor> params() { return java.util.Collections.unmodifiableMap(params); }
}
