package dsr3d.models.dada;

import dsr3d.nn.io.Checkpoint;
import dsr3d.nn.io.CheckpointFiles;
import dsr3d.nn.io.CheckpointFormatException;
import dsr3d.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * DADA weight files: ours (safetensors with the configuration as JSON in the {@code config}
 * metadata, format {@value #FORMAT}) and the official torch.save state dicts (DADA_RGB_D.pckl,
 * DADA_D.pckl) read through the restricted reader, whose configuration is inferred from the
 * tensor shapes ({@link #inferConfig}). Every load is strict: all missing, unexpected and
 * mis-shaped keys are reported together in one {@link CheckpointFormatException}.
 */
public final class DadaCheckpoints {
    public static final String FORMAT = "dsr3d-dada/1";

    private DadaCheckpoints() {}

    /** Writes the model's state dict with its configuration (atomically). */
    public static void save(Path file, DadaModel model, Map<String, String> extraMeta) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>(extraMeta);
        meta.put("format", FORMAT);
        meta.put("config", model.config().toJson());
        new Checkpoint(model.stateDict(), meta).save(file);
    }

    /** A loaded model and where its configuration came from ({@link #FROM_METADATA} for our files). */
    public record Loaded(DadaModel model, String configSource) {}

    /** {@link Loaded#configSource} of a file whose configuration is in its metadata (ours). */
    public static final String FROM_METADATA = "the file's metadata";

    /**
     * Loads any DADA file: our safetensors (configuration from its metadata; a training checkpoint's
     * {@code model.} section also works) or an official torch.save state dict (configuration inferred
     * from the shapes unless {@code override} is given). imageSize sets the configured image size
     * of an official file (which does not record it); 0 = the paper's 256.
     */
    public static Loaded load(Path file, DadaConfig override, int imageSize) throws IOException {
        CheckpointFiles.Contents c = CheckpointFiles.read(file);
        Map<String, Tensor> tensors = c.tensors();
        DadaConfig config = override;
        String source = override != null ? "given on the command line" : null;
        if (c.format() == CheckpointFiles.Format.SAFETENSORS) {
            if (tensors.keySet().stream().anyMatch(k -> k.startsWith("model."))) {
                Map<String, Tensor> m = new LinkedHashMap<>();
                tensors.forEach((k, v) -> { if (k.startsWith("model.")) m.put(k.substring(6), v); });
                tensors = m;
            }
            Object json = c.info().get("config");
            if (config == null && json != null) {
                try {
                    config = DadaConfig.fromJson((String) json);
                } catch (IllegalArgumentException e) {
                    throw new CheckpointFormatException(file, "metadata 'config': " + e.getMessage());
                }
                source = FROM_METADATA;
            }
        }
        if (config == null) {
            config = inferConfig(file, tensors, imageSize > 0 ? imageSize : 256);
            source = "inferred from the tensor shapes (commitment 0.25, decay 0.99 as the official scripts)";
        } else if (imageSize > 0) {
            config = config.withImageSize(imageSize);
        }
        DadaModel model = DadaModel.create(config, new Random(0));
        try {
            model.loadStateDict(tensors, true);
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(file, "does not fit a " + config.officialClass() + " " + config.toJson() + ": " + e.getMessage());
        }
        model.eval();
        return new Loaded(model, source);
    }

    /** The official constructor arguments that produce these state-dict shapes. */
    public static DadaConfig inferConfig(Path file, Map<String, Tensor> sd, int imageSize) throws IOException {
        Tensor emb = need(file, sd, "_vq_vae_top._embedding.weight");
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
}
