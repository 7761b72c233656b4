package dsr3d.models.infer;

import dsr3d.models.dada.DadaConfig;
import dsr3d.models.dada.DadaModel;
import dsr3d.models.dada.Modality;
import dsr3d.nn.io.CheckpointFiles;
import dsr3d.nn.io.CheckpointFormatException;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A frozen DADA for stage 2 and inference, from our safetensors (configuration in the
 * {@code config} metadata; a training checkpoint's {@code model.} section works too) or an
 * official torch.save state dict (DADA_RGB_D.pckl, DADA_D.pckl) read by the restricted reader,
 * whose configuration follows from the tensor shapes. Strict load: every problem in one message.
 * Its identity is {@link #sha256} of the weights, so a converted official file keeps its hash.
 */
public final class DadaWeights {
    private DadaWeights() {}

    /** @param sha256 {@link #sha256} of the loaded weights */
    public record Loaded(DadaModel model, String sha256) {}

    /** Loads file in eval mode at F32. imageSize (0: keep) sets the configured image size. */
    public static Loaded load(Path file, int imageSize) throws IOException {
        CheckpointFiles.Contents c = CheckpointFiles.read(file);
        Map<String, Tensor> sd = c.tensors();
        DadaConfig config = null;
        if (c.format() == CheckpointFiles.Format.SAFETENSORS) {
            if (sd.keySet().stream().anyMatch(k -> k.startsWith("model."))) {
                Map<String, Tensor> m = new LinkedHashMap<>();
                sd.forEach((k, v) -> { if (k.startsWith("model.")) m.put(k.substring(6), v); });
                sd = m;
            }
            if (c.info().get("config") instanceof String json) {
                try {
                    config = DadaConfig.fromJson(json);
                } catch (IllegalArgumentException e) {
                    throw new CheckpointFormatException(file, "metadata 'config': " + e.getMessage());
                }
            }
        }
        if (config == null) config = inferConfig(file, sd, 256);
        if (imageSize > 0) config = config.withImageSize(imageSize);
        DadaModel model = DadaModel.create(config, new Random(0));
        Map<String, Tensor> f32 = new LinkedHashMap<>();
        sd.forEach((k, v) -> f32.put(k, v.dtype().isFloating() && v.dtype() != DType.F32 ? v.to(DType.F32) : v));
        try {
            model.loadStateDict(f32, true);
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(file, "does not fit a " + config.officialClass() + " " + config.toJson() + ": " + e.getMessage());
        }
        model.eval();
        return new Loaded(model, sha256(model.stateDict()));
    }

    /** The official constructor arguments giving these shapes (commitment 0.25, decay 0.99 as the scripts). */
    static DadaConfig inferConfig(Path file, Map<String, Tensor> sd, int imageSize) throws IOException {
        Tensor emb = need(file, sd, "_vq_vae_top._embedding.weight");                        // [K, e]
        boolean grouped = sd.containsKey("_encoder_b.input_conv_depth.weight");
        int hidden = need(file, sd, "_encoder_b._conv_2.weight").size(0);
        int resHidden = need(file, sd, "_encoder_b._residual_stack._layers.0._block.1.weight").size(0);
        int layers = 0;
        while (sd.containsKey("_encoder_b._residual_stack._layers." + layers + "._block.1.weight")) layers++;
        int in = grouped ? 1 + need(file, sd, "_encoder_b.input_conv_rgb.weight").size(1) : need(file, sd, "_encoder_b._conv_1.weight").size(1);
        Modality m = switch (in) {
            case 4 -> Modality.RGBD;
            case 1 -> Modality.DEPTH;
            case 3 -> Modality.RGB;
            default -> throw new CheckpointFormatException(file, "a DADA with " + in + " input channels (expected 4, 1 or 3)");
        };
        try {
            return new DadaConfig(m, in, in, hidden, resHidden, layers, emb.size(1), emb.size(0), 0.25, 0.99, grouped ? 2 : 1, imageSize);
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(file, "the tensor shapes give no valid DADA configuration: " + e.getMessage());
        }
    }

    private static Tensor need(Path file, Map<String, Tensor> sd, String key) throws IOException {
        Tensor t = sd.get(key);
        if (t == null) throw new CheckpointFormatException(file, "not a DADA state dict: no tensor '" + key + "'");
        return t;
    }

    /** SHA-256 over the state dict in key order: per tensor its name, shape and values
     *  (floating point as float32, little endian; integers as int32). Independent of the file format. */
    public static String sha256(Map<String, Tensor> state) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Map.Entry<String, Tensor> e : new TreeMap<>(state).entrySet()) {
            Tensor t = e.getValue();
            md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            ByteBuffer shape = ByteBuffer.allocate(4 * (t.dim() + 1)).order(ByteOrder.LITTLE_ENDIAN);
            shape.putInt(t.dim());
            for (int s : t.shape()) shape.putInt(s);
            md.update(shape.array());
            ByteBuffer b = ByteBuffer.allocate(4 * t.numel()).order(ByteOrder.LITTLE_ENDIAN);
            if (t.dtype().isFloating()) for (float v : t.toFloatArray()) b.putFloat(v);
            else for (int v : t.toIntArray()) b.putInt(v);
            md.update(b.array());
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
