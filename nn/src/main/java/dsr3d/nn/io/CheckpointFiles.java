package dsr3d.nn.io;

import dsr3d.tensor.Tensor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tells checkpoint formats apart by content (never by extension) and reads any supported one.
 * Zip magic "PK\3\4" -> torch.save zip; pickle PROTO 2 followed by torch's legacy magic number ->
 * the pre-1.6 torch format (refused with advice); any other pickle -> refused; an 8-byte length
 * followed by '{' -> safetensors.
 */
public final class CheckpointFiles {
    private CheckpointFiles() {}

    public enum Format { SAFETENSORS, TORCH_ZIP }

    /**
     * Tensors in file order, plus the safetensors metadata (String values) or the torch file's
     * non-tensor values (Long, Double, String, Boolean, BigInteger, byte[] or null; see
     * {@link TorchStateDict}).
     */
    public record Contents(Format format, Map<String, Tensor> tensors, Map<String, Object> info) {}

    /** PROTO 2, LONG1 of 10 bytes: 0x1950a86a20f9469cfc6c, torch's legacy MAGIC_NUMBER. */
    private static final byte[] LEGACY_TORCH = HexFormat.of().parseHex("80028a0a6cfc9c46f9206aa85019");

    public static Format detect(Path file) throws IOException {
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, "no such file");
        if (!Files.isRegularFile(file)) throw new CheckpointFormatException(file, "not a regular file");
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(16);
        }
        if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) return Format.TORCH_ZIP;
        if (head.length >= LEGACY_TORCH.length && Arrays.equals(head, 0, LEGACY_TORCH.length, LEGACY_TORCH, 0, LEGACY_TORCH.length))
            throw new CheckpointFormatException(file, "legacy torch.save format (PyTorch < 1.6) is not supported; "
                    + "re-save with torch.save(..., _use_new_zipfile_serialization=True)");
        if (head.length >= 1 && (head[0] & 0xff) == 0x80)
            throw new CheckpointFormatException(file, "a bare pickle stream, not a torch.save zip archive or safetensors file; pickles are not loaded");
        if (head.length >= 9 && head[8] == '{') return Format.SAFETENSORS;
        if (head.length == 0) throw new CheckpointFormatException(file, "the file is empty; expected a safetensors or PyTorch zip checkpoint");
        throw new CheckpointFormatException(file, "neither safetensors nor a PyTorch zip checkpoint (file starts with "
                + HexFormat.ofDelimiter(" ").formatHex(head, 0, Math.min(8, head.length)) + ")");
    }

    public static Contents read(Path file) throws IOException {
        return switch (detect(file)) {
            case SAFETENSORS -> {
                Checkpoint c = SafeTensors.read(file);
                yield new Contents(Format.SAFETENSORS, c.tensors(), new LinkedHashMap<>(c.metadata()));
            }
            case TORCH_ZIP -> {
                TorchStateDict sd = TorchZip.read(file);
                yield new Contents(Format.TORCH_ZIP, sd.tensors(), sd.values());
            }
        };
    }
}
