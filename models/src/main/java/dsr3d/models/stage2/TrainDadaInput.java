package dsr3d.models.stage2;

import dsr3d.models.dada.DadaConfig;
import dsr3d.models.dada.DadaModel;
import dsr3d.models.dada.Modality;
import dsr3d.nn.io.CheckpointFiles;
import dsr3d.nn.io.CheckpointFormatException;
import dsr3d.tensor.Tensor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * MINIMAL stand-in (until feat-dada's {@code DadaCheckpoints} lands): the DADA a stage-2 run is
 * trained with, read from our safetensors (configuration in the {@code config} metadata; a
 * training checkpoint's {@code model.} section also works) or from an official torch.save file
 * (DADA_RGB_D.pckl / DADA_D.pckl: the paper configuration of the given modality). Strict load:
 * every missing, unexpected or mis-shaped key is reported in one message naming the file.
 * Also gives the file's SHA-256, which the model file records.
 */
public final class TrainDadaInput {
    private TrainDadaInput() {}

    /** The frozen model and the hex SHA-256 of the file it came from. */
    public record Loaded(DadaModel model, String sha256) {}

    /** modality: used for official torch files only (they carry no configuration); null = rgbd. */
    public static Loaded load(Path file, Modality modality) throws IOException {
        CheckpointFiles.Contents c = CheckpointFiles.read(file);
        Map<String, Tensor> tensors = c.tensors();
        DadaConfig config;
        if (c.format() == CheckpointFiles.Format.SAFETENSORS) {
            if (tensors.keySet().stream().anyMatch(k -> k.startsWith("model."))) {
                Map<String, Tensor> m = new LinkedHashMap<>();
                tensors.forEach((k, v) -> { if (k.startsWith("model.")) m.put(k.substring(6), v); });
                tensors = m;
            }
            Object json = c.info().get("config");
            if (json == null) throw new CheckpointFormatException(file, "no 'config' metadata: not a DADA file written by ./3dsr train-dada");
            try {
                config = DadaConfig.fromJson((String) json);
            } catch (IllegalArgumentException e) {
                throw new CheckpointFormatException(file, "metadata 'config': " + e.getMessage());
            }
        } else {
            config = DadaConfig.paper(modality == null ? Modality.RGBD : modality, false);
        }
        DadaModel model = DadaModel.create(config, new Random(0));
        try {
            model.loadStateDict(tensors, true);
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(file, "does not fit a " + config.officialClass() + " " + config.toJson() + ": " + e.getMessage());
        }
        model.eval();
        return new Loaded(model, sha256(file));
    }

    /** Hex SHA-256 of a file's bytes. */
    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
