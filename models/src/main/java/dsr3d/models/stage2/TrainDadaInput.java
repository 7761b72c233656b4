package dsr3d.models.stage2;

import dsr3d.models.dada.DadaCheckpoints;
import dsr3d.models.dada.DadaModel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The DADA a stage-2 run is trained with: loaded by {@link DadaCheckpoints} (our safetensors or an
 * official torch.save file) plus the SHA-256 of the file's bytes, which the model file records.
 */
public final class TrainDadaInput {
    private TrainDadaInput() {}

    /** The model (eval mode) and the hex SHA-256 of the file it came from. */
    public record Loaded(DadaModel model, String sha256) {}

    public static Loaded load(Path file) throws IOException {
        return new Loaded(DadaCheckpoints.load(file, null, 0).model(), sha256(file));
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
