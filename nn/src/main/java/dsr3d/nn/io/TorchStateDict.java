package dsr3d.nn.io;

import dsr3d.tensor.Tensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@link TorchZip} read from a torch.save file, flattened: every tensor under its dotted path
 * (a plain state dict keeps its own names, e.g. {@code _encoder_b._conv_1.weight}; a nested
 * {@code {"model": sd, "epoch": 3}} gives {@code model._encoder_b._conv_1.weight}; list and tuple
 * elements and int dict keys become their decimal index), and every non-tensor leaf (Long,
 * Double, String, Boolean, BigInteger, byte[] or null) under its path in {@link #values}.
 * Both maps keep the pickle's order.
 */
public record TorchStateDict(Map<String, Tensor> tensors, Map<String, Object> values) {
    public TorchStateDict {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The tensors under prefix (e.g. "model."), prefix removed. */
    public Map<String, Tensor> section(String prefix) {
        Map<String, Tensor> r = new LinkedHashMap<>();
        tensors.forEach((k, v) -> { if (k.startsWith(prefix)) r.put(k.substring(prefix.length()), v); });
        return r;
    }
}
