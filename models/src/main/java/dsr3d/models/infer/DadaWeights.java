package dsr3d.models.infer;

import dsr3d.models.dada.DadaCheckpoints;
import dsr3d.models.dada.DadaModel;
import dsr3d.tensor.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * A frozen DADA for stage 2 and inference ({@link DadaCheckpoints}: our safetensors or an official
 * torch.save file) with its identity, {@link #sha256} of the weights, so that a converted official
 * file keeps its hash.
 */
public final class DadaWeights {
    private DadaWeights() {}

    /**
     * @param sha256     {@link #sha256} of the loaded weights
     * @param configured whether the configuration (modality included) came from the file's own
     *                   metadata (our safetensors); false for an official torch.save file, whose
     *                   configuration is inferred from the tensor shapes
     */
    public record Loaded(DadaModel model, String sha256, boolean configured) {}

    /** Loads file ({@link DadaCheckpoints#load}: strict, eval mode) and hashes its weights. imageSize 0: keep. */
    public static Loaded load(Path file, int imageSize) throws IOException {
        DadaCheckpoints.Loaded l = DadaCheckpoints.load(file, null, imageSize);
        DadaModel model = l.model();
        return new Loaded(model, sha256(model.stateDict()), DadaCheckpoints.FROM_METADATA.equals(l.configSource()));
    }

    /**
     * DSR's VQ-VAE (train_dsr.py's "vq_model_pretrained_128_4096.pckl", or our safetensors): as
     * {@link #load}, except that an official file, whose shapes do not tell DSR's discrete_model.py
     * from 3DSR's, is built with DSR's in-place-ReLU residual blocks ({@link dsr3d.models.dada.DadaConfig#inplaceRelu}).
     */
    public static Loaded loadDsr(Path file) throws IOException {
        DadaCheckpoints.Loaded l = DadaCheckpoints.load(file, null, 0);
        if (l.configSource().startsWith("inferred"))
            l = DadaCheckpoints.load(file, l.model().config().withInplaceRelu(true), 0);
        if (l.model().config().modality() != dsr3d.models.dada.Modality.RGB)
            throw new dsr3d.nn.io.CheckpointFormatException(file, "not a DSR VQ model: it takes " + l.model().config().modality().cliName()
                    + " input, DSR's takes RGB (3 channels)");
        return new Loaded(l.model(), sha256(l.model().stateDict()), DadaCheckpoints.FROM_METADATA.equals(l.configSource()));
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
