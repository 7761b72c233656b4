package dsr3d.models.stage2;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dsr3d.models.dada.DadaConfig;
import dsr3d.models.dada.Modality;
import dsr3d.nn.Module;
import dsr3d.nn.io.Checkpoint;
import dsr3d.nn.io.CheckpointFiles;
import dsr3d.nn.io.CheckpointFormatException;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The trained stage-2 model of one class: the four networks of the official checkpoints
 * ({@code _seg}, {@code _recon_lo}, {@code _recon_hi}, {@code _decode}) plus what is needed to
 * rebuild and check them. Our file {@code model.safetensors}:
 * <pre>
 *   tensors   seg.*  recon_lo.*  recon_hi.*  decode.*      (each network's state dict)
 *   metadata  format = {@value #FORMAT}
 *             config = {"dada": DadaConfig JSON, "sizes": Stage2Sizes, "image_size": S}
 *             dada_sha256 = {@link dsr3d.models.infer.DadaWeights#sha256} of the DADA it was trained with
 * </pre>
 * An official prefix P loads {@code P_seg.pckl, P_recon_lo.pckl, P_recon_hi.pckl, P_decode.pckl}
 * (the official test script's {@code out_path + run_name + "_seg.pckl"}) with the paper sizes.
 */
public final class Stage2Model {
    public static final String FORMAT = "dsr3d-3dsr/1";
    /** The four networks in file order, with their official checkpoint suffix = our key prefix. */
    public static final List<String> PARTS = List.of("seg", "recon_lo", "recon_hi", "decode");

    /**
     * @param dada      the DADA the model works on (modality, embedding size, codebooks)
     * @param sizes     the widths of the four networks
     * @param imageSize the inference resolution (384 in the paper)
     */
    public record Config(DadaConfig dada, Stage2Sizes sizes, int imageSize) {
        public Config {
            if (sizes.embeddingDim() != dada.embeddingDim())
                throw new IllegalArgumentException("stage-2 config: embedding size " + sizes.embeddingDim() + " != DADA embedding_dim " + dada.embeddingDim());
            if (sizes.imageChannels() != dada.modality().channels)
                throw new IllegalArgumentException("stage-2 config: " + sizes.imageChannels() + " image channels but DADA modality " + dada.modality().cliName());
            if (imageSize <= 0 || imageSize % 32 != 0)
                throw new IllegalArgumentException("stage-2 config: image size " + imageSize + " must be a positive multiple of 32");
        }

        public Modality modality() { return dada.modality(); }

        /** The widths train_dsr.py derives from the DADA arguments: SR base D/2, decoder (2D, the
         *  DADA's num_hiddens / residual layers / residual hiddens), bottleneck 64 and U-Net 32 scaled
         *  by num_hiddens / 256 (so the paper preset gives exactly the official networks). */
        public static Config forDada(DadaConfig d, int imageSize) {
            double f = d.numHiddens() / 256.0;
            Stage2Sizes s = new Stage2Sizes(d.embeddingDim(), Math.max(1, d.embeddingDim() / 2), d.numHiddens(), d.numResidualLayers(),
                    d.numResidualHiddens(), Math.max(1, (int) Math.round(ImageReconstructionNetwork.OFFICIAL_BOTTLENECK * f)),
                    Math.max(1, (int) Math.round(32 * f)), d.modality().channels);
            return new Config(d, s, imageSize);
        }

        public String toJson() {
            JsonObject o = new JsonObject();
            o.add("dada", JsonParser.parseString(dada.toJson()));
            JsonObject s = new JsonObject();
            s.addProperty("embedding_dim", sizes.embeddingDim());
            s.addProperty("sr_base_width", sizes.srBaseWidth());
            s.addProperty("num_hiddens", sizes.numHiddens());
            s.addProperty("num_residual_layers", sizes.numResidualLayers());
            s.addProperty("num_residual_hiddens", sizes.numResidualHiddens());
            s.addProperty("bottleneck", sizes.bottleneck());
            s.addProperty("seg_base_width", sizes.segBaseWidth());
            s.addProperty("image_channels", sizes.imageChannels());
            o.add("sizes", s);
            o.addProperty("image_size", imageSize);
            return o.toString();
        }

        /** Inverse of {@link #toJson}; a missing or bad field gives IllegalArgumentException naming it. */
        public static Config fromJson(String json) {
            try {
                JsonObject o = JsonParser.parseString(json).getAsJsonObject();
                JsonObject s = need(o, "sizes").getAsJsonObject();
                Stage2Sizes sizes = new Stage2Sizes(num(s, "embedding_dim"), num(s, "sr_base_width"), num(s, "num_hiddens"),
                        num(s, "num_residual_layers"), num(s, "num_residual_hiddens"), num(s, "bottleneck"), num(s, "seg_base_width"),
                        num(s, "image_channels"));
                return new Config(DadaConfig.fromJson(need(o, "dada").toString()), sizes, num(o, "image_size"));
            } catch (IllegalStateException | UnsupportedOperationException | ClassCastException | com.google.gson.JsonParseException e) {
                throw new IllegalArgumentException("stage-2 config is not valid JSON of the expected form: " + e.getMessage());
            }
        }

        private static com.google.gson.JsonElement need(JsonObject o, String k) {
            if (!o.has(k) || o.get(k).isJsonNull()) throw new IllegalArgumentException("stage-2 config: field '" + k + "' is missing");
            return o.get(k);
        }

        private static int num(JsonObject o, String k) {
            try { return need(o, k).getAsInt(); } catch (NumberFormatException | IllegalStateException | UnsupportedOperationException e) {
                throw new IllegalArgumentException("stage-2 config: field '" + k + "' is not an integer");
            }
        }
    }

    private final Config config;
    private final Stage2Step.Nets nets;
    private final String dadaSha256;

    public Stage2Model(Config config, Stage2Step.Nets nets, String dadaSha256) {
        this.config = config;
        this.nets = nets;
        this.dadaSha256 = dadaSha256;
    }

    /** New networks with train_dsr.py's initialisation (see {@link Stage2Sizes#create}). */
    public static Stage2Model create(Config config, String dadaSha256, Random rng) {
        return new Stage2Model(config, config.sizes().create(rng), dadaSha256);
    }

    public Config config() { return config; }
    public Stage2Step.Nets nets() { return nets; }
    /** SHA-256 of the DADA weights this model was trained with; null for official files (unknown). */
    public String dadaSha256() { return dadaSha256; }

    public Module part(String name) {
        return switch (name) {
            case "seg" -> nets.seg();
            case "recon_lo" -> nets.srLo();
            case "recon_hi" -> nets.srHi();
            case "decode" -> nets.decode();
            default -> throw new IllegalArgumentException("no stage-2 network '" + name + "'; parts are " + PARTS);
        };
    }

    public Stage2Model eval() {
        for (String p : PARTS) part(p).eval();
        return this;
    }

    public Stage2Model to(DType dtype) {
        for (String p : PARTS) part(p).to(dtype);
        return this;
    }

    /** Every tensor with its part prefix: seg.*, recon_lo.*, recon_hi.*, decode.*. */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String p : PARTS) part(p).stateDict().forEach((k, v) -> out.put(p + "." + k, v));
        return out;
    }

    /** Writes model.safetensors (atomically, through SafeTensors). */
    public void save(Path file) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("config", config.toJson());
        if (dadaSha256 != null) meta.put("dada_sha256", dadaSha256);
        new Checkpoint(stateDict(), meta).save(file);
    }

    /** Throws when this model was trained with another DADA than the one of the given hash. */
    public void checkDada(String actualSha256, Path dadaFile) {
        if (dadaSha256 != null && !dadaSha256.equals(actualSha256))
            throw new IllegalArgumentException("the model was trained with the DADA of weights SHA-256 " + dadaSha256
                    + " but " + dadaFile + " has weights SHA-256 " + actualSha256);
    }

    /**
     * Loads our model.safetensors, or, when {@code fileOrPrefix} is not an existing file, the
     * official prefix P (P_seg.pckl, ...; all four must exist) with the paper sizes of officialDada.
     */
    public static Stage2Model load(Path fileOrPrefix, DadaConfig officialDada, int officialImageSize) throws IOException {
        if (Files.isRegularFile(fileOrPrefix)) return loadOurs(fileOrPrefix);
        List<Path> files = new ArrayList<>();
        List<String> absent = new ArrayList<>();
        for (String p : PARTS) {
            Path f = Path.of(fileOrPrefix + "_" + p + ".pckl");
            files.add(f);
            if (!Files.isRegularFile(f)) absent.add(f.toString());
        }
        if (absent.size() == PARTS.size())
            throw new java.nio.file.NoSuchFileException(fileOrPrefix.toString(), null,
                    "neither a model file nor an official prefix (no " + String.join(", ", absent) + ")");
        if (!absent.isEmpty())
            throw new CheckpointFormatException(fileOrPrefix, "official prefix incomplete: missing " + String.join(", ", absent));
        return loadOfficial(files, Config.forDada(officialDada, officialImageSize));
    }

    static Stage2Model loadOurs(Path file) throws IOException {
        CheckpointFiles.Contents c = CheckpointFiles.read(file);
        if (c.format() != CheckpointFiles.Format.SAFETENSORS || !FORMAT.equals(c.info().get("format")))
            throw new CheckpointFormatException(file, "not a 3DSR stage-2 model file (metadata format is "
                    + c.info().get("format") + ", expected " + FORMAT + "); give an official prefix P for P_seg.pckl etc.");
        Object json = c.info().get("config");
        if (!(json instanceof String js)) throw new CheckpointFormatException(file, "metadata 'config' is missing");
        Config config;
        try {
            config = Config.fromJson(js);
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(file, "metadata 'config': " + e.getMessage());
        }
        Stage2Model m = create(config, (String) c.info().get("dada_sha256"), new Random(0));
        List<String> problems = new ArrayList<>();
        Map<String, Map<String, Tensor>> byPart = new LinkedHashMap<>();
        for (String p : PARTS) byPart.put(p, new LinkedHashMap<>());
        c.tensors().forEach((k, v) -> {
            int dot = k.indexOf('.');
            Map<String, Tensor> target = dot < 0 ? null : byPart.get(k.substring(0, dot));
            if (target == null) problems.add("unexpected tensor '" + k + "' (keys must start with seg., recon_lo., recon_hi. or decode.)");
            else target.put(k.substring(dot + 1), v);
        });
        for (String p : PARTS) loadPart(m, p, byPart.get(p), problems);
        if (!problems.isEmpty()) throw new CheckpointFormatException(file, String.join("; ", problems));
        return m.eval();
    }

    /** The official files, read with the restricted reader; the widths follow from their shapes
     *  (defaults: {@code fallback}, the paper widths for the paper DADA). Every problem is listed. */
    static Stage2Model loadOfficial(List<Path> files, Config fallback) throws IOException {
        List<String> problems = new ArrayList<>();
        List<Map<String, Tensor>> sds = new ArrayList<>();
        for (Path f : files) {
            try {
                sds.add(CheckpointFiles.read(f).tensors());
            } catch (IOException e) {
                problems.add(e.getMessage());
                sds.add(Map.of());
            }
        }
        Stage2Sizes d = fallback.sizes();
        Map<String, Tensor> seg = sds.get(0), lo = sds.get(1), dec = sds.get(3);
        int layers = 0;
        while (dec.containsKey("_residual_stack._layers." + layers + "._block.1.weight")) layers++;
        Stage2Sizes sizes = new Stage2Sizes(d.embeddingDim(), dim0(lo, "unet.encoder.block1.0.weight", d.srBaseWidth()),
                dim0(dec, "_conv_1.weight", d.numHiddens()), layers > 0 ? layers : d.numResidualLayers(),
                dim0(dec, "_residual_stack._layers.0._block.1.weight", d.numResidualHiddens()),
                dim0(dec, "pre_vq_conv.weight", d.bottleneck()), dim0(seg, "unet.encoder.block1.0.weight", d.segBaseWidth()),
                d.imageChannels());
        Config config = new Config(fallback.dada(), sizes, fallback.imageSize());
        Stage2Model m = create(config, null, new Random(0));
        for (int i = 0; i < PARTS.size(); i++) {
            if (sds.get(i).isEmpty()) continue;
            List<String> mine = new ArrayList<>();
            loadPart(m, PARTS.get(i), sds.get(i), mine);
            for (String s : mine) problems.add(files.get(i) + ": " + s);
        }
        if (!problems.isEmpty())
            throw new CheckpointFormatException(files.getFirst(), "official stage-2 files do not fit the networks "
                    + config.toJson() + ": " + String.join("; ", problems));
        return m.eval();
    }

    private static int dim0(Map<String, Tensor> sd, String key, int fallback) {
        Tensor t = sd.get(key);
        return t == null ? fallback : t.size(0);
    }

    private static void loadPart(Stage2Model m, String part, Map<String, Tensor> sd, List<String> problems) {
        Module module = part(m, part);
        Map<String, Tensor> conv = new LinkedHashMap<>();
        sd.forEach((k, v) -> conv.put(k, v.dtype().isFloating() && v.dtype() != DType.F32 ? v.to(DType.F32) : v));
        try {
            module.loadStateDict(conv, true);
        } catch (IllegalArgumentException e) {
            problems.add(part + ": " + e.getMessage());
        }
    }

    private static Module part(Stage2Model m, String name) { return m.part(name); }
}
