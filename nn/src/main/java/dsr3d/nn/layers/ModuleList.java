package dsr3d.nn.layers;

import dsr3d.nn.Module;

import java.util.ArrayList;
import java.util.List;

/** torch.nn.ModuleList: children "0", "1", ... with no forward of its own. */
public final class ModuleList<M extends Module> extends Module {
    private final List<M> items = new ArrayList<>();

    public ModuleList<M> add(M m) {
        registerModule(Integer.toString(items.size()), m);
        items.add(m);
        return this;
    }

    public M get(int i) { return items.get(i); }

    public int size() { return items.size(); }

    public List<M> items() { return List.copyOf(items); }
}
