package dsr3d.models.stage2;

import dsr3d.models.dada.Modality;
import dsr3d.nn.io.Checkpoint;
import dsr3d.nn.io.CheckpointFormatException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * MINIMAL stand-in (until feat-infer's model file class lands): {@code model.safetensors}, the
 * four networks of one class with key prefixes {@code seg.}, {@code recon_lo.}, {@code recon_hi.},
 * {@code decode.}; metadata {@code format} = {@value #FORMAT}, {@code config} (the
 * {@link Stage2Sizes} JSON), {@code modality}, {@code image_size} and {@code dada_sha256} (the
 * SHA-256 of the DADA file it was trained with). Written atomically.
 */
public final class Stage2ModelFile {
    public static final String FORMAT = "dsr3d-3dsr-model/1";

    private Stage2ModelFile() {}

    public record Loaded(Stage2Networks nets, Stage2Sizes sizes, Modality modality, int imageSize, String dadaSha256) {}

    public static void save(Path file, Stage2Networks nets, Stage2Sizes sizes, Modality modality, int imageSize,
                            String dadaSha256, Map<String, String> extra) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>(extra);
        meta.put("format", FORMAT);
        meta.put("config", sizes.toJson());
        meta.put("modality", modality.cliName());
        meta.put("image_size", Integer.toString(imageSize));
        meta.put("dada_sha256", dadaSha256);
        new Checkpoint(nets.stateDict(), meta).save(file);
    }

    public static Loaded load(Path file) throws IOException {
        Checkpoint c = Checkpoint.load(file);
        Map<String, String> m = c.metadata();
        if (!FORMAT.equals(m.get("format"))) throw new CheckpointFormatException(file, "not a 3DSR model file (metadata format is " + m.get("format") + ", expected " + FORMAT + ")");
        for (String k : new String[]{"config", "modality", "image_size", "dada_sha256"})
            if (!m.containsKey(k)) throw new CheckpointFormatException(file, "metadata '" + k + "' is missing");
        try {
            Stage2Sizes sizes = Stage2Sizes.fromJson(m.get("config"));
            Stage2Networks nets = new Stage2Networks(sizes.create(new Random(0)));
            nets.loadStateDict(c.tensors(), true);
            return new Loaded(nets, sizes, Modality.parse(m.get("modality")), Integer.parseInt(m.get("image_size")), m.get("dada_sha256"));
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(file, e.getMessage());
        }
    }
}
