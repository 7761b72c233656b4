package dsr3d.nn.optim;

import dsr3d.tensor.Tensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * torch.optim.lr_scheduler.MultiStepLR: call {@link #step()} once per epoch; when the epoch counter
 * reaches a milestone the optimiser's lr is multiplied by gamma (once per occurrence of that
 * milestone). Chained multiplication like PyTorch, so the lr values match bit for bit.
 */
public final class MultiStepLR {
    private final Adam optimizer;
    private final int[] milestones;
    public final double gamma;
    private final double baseLr;
    private int lastEpoch = 0;

    public MultiStepLR(Adam optimizer, int[] milestones, double gamma) {
        this.optimizer = optimizer;
        this.milestones = milestones.clone();
        Arrays.sort(this.milestones);
        this.gamma = gamma;
        this.baseLr = optimizer.lr();
    }

    public int lastEpoch() { return lastEpoch; }

    public double lastLr() { return optimizer.lr(); }

    public int[] milestones() { return milestones.clone(); }

    /** Advances one epoch and applies gamma at milestones. */
    public void step() {
        lastEpoch++;
        int hits = 0;
        for (int m : milestones) if (m == lastEpoch) hits++;
        if (hits > 0) optimizer.setLr(optimizer.lr() * Math.pow(gamma, hits));
    }

    /** "last_epoch", "base_lr", "gamma", "milestones" as F64 tensors. */
    public LinkedHashMap<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> s = new LinkedHashMap<>();
        s.put("last_epoch", Tensor.of(new double[]{lastEpoch}));
        s.put("base_lr", Tensor.of(new double[]{baseLr}));
        s.put("gamma", Tensor.of(new double[]{gamma}));
        double[] ms = new double[milestones.length];
        for (int i = 0; i < ms.length; i++) ms[i] = milestones[i];
        s.put("milestones", Tensor.of(ms, ms.length));
        return s;
    }

    /** Restores the epoch counter; milestones and gamma must match. The optimiser's lr is restored
     *  by the optimiser's own state dict. */
    public void loadStateDict(Map<String, Tensor> state) {
        StringBuilder problems = new StringBuilder();
        for (String k : new String[]{"last_epoch", "gamma", "milestones"})
            if (!state.containsKey(k)) problems.append("\n  missing '").append(k).append("'");
        if (problems.isEmpty()) {
            if (state.get("gamma").item() != gamma) problems.append("\n  gamma ").append(state.get("gamma").item()).append(" differs from ").append(gamma);
            double[] ms = state.get("milestones").toDoubleArray();
            int[] mi = new int[ms.length];
            for (int i = 0; i < ms.length; i++) mi[i] = (int) ms[i];
            if (!Arrays.equals(mi, milestones)) problems.append("\n  milestones ").append(Arrays.toString(mi)).append(" differ from ").append(Arrays.toString(milestones));
        }
        if (!problems.isEmpty()) throw new IllegalArgumentException("MultiStepLR.loadStateDict failed:" + problems);
        lastEpoch = (int) Math.round(state.get("last_epoch").item());
    }
}
