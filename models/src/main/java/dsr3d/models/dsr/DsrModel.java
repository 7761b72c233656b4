package dsr3d.models.dsr;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dsr3d.models.dada.DadaConfig;
import dsr3d.models.stage2.Stage2Model;
import dsr3d.models.stage2.Stage2Sizes;
import dsr3d.models.stage2.Stage2Step;
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
 * The trained DSR networks of one class (train_dsr.py, spec §8): the two subspace restriction
 * modules, the object decoder ("image reconstruction module"), the anomaly detection U-Net and the
 * upsampling module. Our file {@code model.safetensors}:
 * <pre>
 *   tensors   subspace_restriction_hi.*  subspace_restriction_lo.*  image_recon_module.*
 *             anomaly_det_module.*  upsample_module.*          (each network's official state dict)
 *   metadata  format = {@value #FORMAT}, config = {@link Config#toJson}, dada_sha256 (the VQ-VAE's weights)
 * </pre>
 * The prefixes are the official file names' stems, so {@code P<part>_<obj>.pckl} of the official
 * test script maps 1:1 ({@link #loadOfficial}).
 */
public final class DsrModel {
    public static final String FORMAT = "dsr3d-dsr/1";
    /** Our key prefixes = the official file stems (test_dsr.py), in test_dsr.py's loading order. */
    public static final List<String> PARTS = List.of("subspace_restriction_hi", "subspace_restriction_lo",
            "anomaly_det_module", "upsample_module", "image_recon_module");

    /**
     * @param stage2            the VQ-VAE, the four stage-2 widths and the image size (256 officially)
     * @param upsampleBaseWidth the upsampling U-Net's base width (64 officially)
     */
    public record Config(Stage2Model.Config stage2, int upsampleBaseWidth) {
        public Config {
            if (upsampleBaseWidth <= 0) throw new IllegalArgumentException("DSR config: upsampling base width must be positive, got " + upsampleBaseWidth);
            if (stage2.modality() != dsr3d.models.dada.Modality.RGB)
                throw new IllegalArgumentException("DSR config: DSR is RGB only, got a " + stage2.modality().cliName() + " VQ model");
        }

        public DadaConfig vq() { return stage2.dada(); }
        public Stage2Sizes sizes() { return stage2.sizes(); }
        public int imageSize() { return stage2.imageSize(); }

        /** The official sizes (train_dsr.py): SR in/out 128 with base width 128 (SubspaceRestrictionModule(embedding_size=128)),
         *  ImageReconstructionNetwork(256, 128, 2, 64) with bottleneck 64, AnomalyDetectionModule U-Net (6 -> 2, base 64),
         *  UpsamplingModule U-Net (8 -> 2, base 64), 256 x 256 images. */
        public static Config paper() {
            return new Config(new Stage2Model.Config(DadaConfig.dsr(), new Stage2Sizes(128, 128, 128, 2, 64, 64, 64, 3), 256), 64);
        }

        /** The 2-core demo size: every width / 4 with {@link DadaConfig#dsrSmall} (codebooks 256 x 32), 64 x 64 images. */
        public static Config small() {
            return new Config(new Stage2Model.Config(DadaConfig.dsrSmall(), new Stage2Sizes(32, 32, 32, 2, 16, 16, 16, 3), 64), 16);
        }

        public static Config preset(String name) {
            return switch (name) {
                case "paper" -> paper();
                case "small" -> small();
                default -> throw new IllegalArgumentException("unknown preset '" + name + "'; use paper or small");
            };
        }

        /** What train_dsr.py builds for a VQ-VAE configuration: SR base width = D, the decoder from the
         *  VQ's hidden sizes with the fixed bottleneck 64, both U-Nets of the fixed base width 64. */
        public static Config forVq(DadaConfig vq, int imageSize) {
            Stage2Sizes s = new Stage2Sizes(vq.embeddingDim(), vq.embeddingDim(), vq.numHiddens(), vq.numResidualLayers(),
                    vq.numResidualHiddens(), 64, 64, 3);
            return new Config(new Stage2Model.Config(vq, s, imageSize), UpsamplingModule.OFFICIAL_BASE_WIDTH);
        }

        public String toJson() {
            JsonObject o = JsonParser.parseString(stage2.toJson()).getAsJsonObject();
            o.addProperty("method", "dsr");
            o.addProperty("upsample_base_width", upsampleBaseWidth);
            return o.toString();
        }

        public static Config fromJson(String json) {
            JsonObject o;
            try {
                o = JsonParser.parseString(json).getAsJsonObject();
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("DSR config is not a JSON object: " + e.getMessage());
            }
            if (!o.has("upsample_base_width")) throw new IllegalArgumentException("DSR config: field 'upsample_base_width' is missing");
            int up;
            try { up = o.get("upsample_base_width").getAsInt(); } catch (RuntimeException e) {
                throw new IllegalArgumentException("DSR config: field 'upsample_base_width' is not an integer");
            }
            return new Config(Stage2Model.Config.fromJson(json), up);
        }
    }

    private final Config config;
    private final Stage2Step.Nets nets;
    private final UpsamplingModule upsample;
    private final String dadaSha256;

    public DsrModel(Config config, Stage2Step.Nets nets, UpsamplingModule upsample, String dadaSha256) {
        this.config = config;
        this.nets = nets;
        this.upsample = upsample;
        this.dadaSha256 = dadaSha256;
    }

    /** New networks initialised as train_dsr.py does: SR nets and the upsampling module PyTorch's
     *  default, object decoder and anomaly U-Net weights_init (conv weights N(0, 0.02^2)). */
    public static DsrModel create(Config config, String dadaSha256, Random rng) {
        Stage2Step.Nets nets = config.sizes().create(rng);
        return new DsrModel(config, nets, new UpsamplingModule(config.upsampleBaseWidth(), rng), dadaSha256);
    }

    public Config config() { return config; }
    public Stage2Step.Nets nets() { return nets; }
    public UpsamplingModule upsample() { return upsample; }
    public String dadaSha256() { return dadaSha256; }

    public Module part(String name) {
        return switch (name) {
            case "subspace_restriction_hi" -> nets.srHi();
            case "subspace_restriction_lo" -> nets.srLo();
            case "image_recon_module" -> nets.decode();
            case "anomaly_det_module" -> nets.seg();
            case "upsample_module" -> upsample;
            default -> throw new IllegalArgumentException("no DSR network '" + name + "'; parts are " + PARTS);
        };
    }

    public DsrModel eval() {
        for (String p : PARTS) part(p).eval();
        return this;
    }

    public DsrModel to(DType dtype) {
        for (String p : PARTS) part(p).to(dtype);
        return this;
    }

    public long parameterCount() {
        long n = 0;
        for (String p : PARTS) n += part(p).parameterCount();
        return n;
    }

    /** Every tensor with its part prefix. */
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

    /** Throws when this model was trained with another VQ-VAE than the one of the given hash. */
    public void checkDada(String actualSha256, Path dadaFile) {
        if (dadaSha256 != null && !dadaSha256.equals(actualSha256))
            throw new IllegalArgumentException("the DSR model was trained with the VQ model of weights SHA-256 " + dadaSha256
                    + " but " + dadaFile + " has weights SHA-256 " + actualSha256);
    }

    // ============================ loading ========================================================
    /**
     * Loads our model.safetensors, or the official files of class {@code obj}:
     * <ul>
     *   <li>{@code fileOrPrefix} a folder D: D/&lt;run&gt;subspace_restriction_hi_&lt;obj&gt;.pckl etc., the one
     *       run name in D that has all four stage-2 files;</li>
     *   <li>else a prefix P (test_dsr.py's "./checkpoints/" + run_name): P + "subspace_restriction_hi_" + obj + ".pckl", ...</li>
     * </ul>
     * The upsampling module is read from P + "upsample_module_" + obj + ".pckl", the name test_dsr.py
     * loads; train_dsr.py never writes that name (it saves P + "_upsample.pckl", without the class), so
     * that file is the fallback.
     */
    public static DsrModel load(Path fileOrPrefix, String obj, DadaConfig vq, int imageSize) throws IOException {
        if (Files.isRegularFile(fileOrPrefix)) return loadOurs(fileOrPrefix);
        if (obj == null || obj.isEmpty())
            throw new IllegalArgumentException("official DSR files are named by class: give --category (the <obj> of subspace_restriction_hi_<obj>.pckl)");
        String prefix = Files.isDirectory(fileOrPrefix) ? runPrefix(fileOrPrefix, obj) : fileOrPrefix.toString();
        Map<String, Path> files = new LinkedHashMap<>();
        List<String> absent = new ArrayList<>();
        for (String p : PARTS) {
            Path f = Path.of(prefix + p + "_" + obj + ".pckl");
            if (p.equals("upsample_module") && !Files.isRegularFile(f)) {
                Path trainName = Path.of(prefix + "_upsample.pckl");
                if (Files.isRegularFile(trainName)) f = trainName;
                else { absent.add(f + " (or train_dsr.py's " + trainName + ")"); continue; }
            }
            if (!Files.isRegularFile(f)) absent.add(f.toString());
            files.put(p, f);
        }
        if (absent.size() == PARTS.size())
            throw new java.nio.file.NoSuchFileException(fileOrPrefix.toString(), null,
                    "neither a DSR model file nor an official prefix or folder (no " + String.join(", ", absent) + ")");
        if (!absent.isEmpty())
            throw new CheckpointFormatException(fileOrPrefix, "official DSR files incomplete: missing " + String.join(", ", absent));
        return loadOfficial(files, Config.forVq(vq, imageSize));
    }

    /** The run-name prefix in folder dir: the unique R with R + "subspace_restriction_hi_" + obj + ".pckl" there. */
    static String runPrefix(Path dir, String obj) throws IOException {
        String suffix = "subspace_restriction_hi_" + obj + ".pckl";
        List<String> runs = new ArrayList<>();
        try (var s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix)).sorted()
                    .forEach(n -> runs.add(n.substring(0, n.length() - suffix.length())));
        }
        if (runs.isEmpty())
            throw new java.nio.file.NoSuchFileException(dir.toString(), null, "no *" + suffix + " in this folder");
        if (runs.size() > 1)
            throw new IllegalArgumentException("--model " + dir + ": several runs hold " + suffix + " (" + runs + "); give the prefix DIR/<run> instead");
        return dir.resolve(runs.getFirst()).toString();
    }

    static DsrModel loadOurs(Path file) throws IOException {
        CheckpointFiles.Contents c = CheckpointFiles.read(file);
        if (c.format() != CheckpointFiles.Format.SAFETENSORS || !FORMAT.equals(c.info().get("format")))
            throw new CheckpointFormatException(file, "not a DSR model file (metadata format is " + c.info().get("format")
                    + ", expected " + FORMAT + "); for official files give their folder or prefix and --category");
        Object json = c.info().get("config");
        if (!(json instanceof String js)) throw new CheckpointFormatException(file, "metadata 'config' is missing");
        Config config;
        try {
            config = Config.fromJson(js);
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(file, "metadata 'config': " + e.getMessage());
        }
        DsrModel m = create(config, (String) c.info().get("dada_sha256"), new Random(0));
        Map<String, Map<String, Tensor>> byPart = new LinkedHashMap<>();
        for (String p : PARTS) byPart.put(p, new LinkedHashMap<>());
        List<String> problems = new ArrayList<>();
        c.tensors().forEach((k, v) -> {
            int dot = k.indexOf('.');
            Map<String, Tensor> target = dot < 0 ? null : byPart.get(k.substring(0, dot));
            if (target == null) problems.add("unexpected tensor '" + k + "' (keys must start with one of " + PARTS + ")");
            else target.put(k.substring(dot + 1), v);
        });
        for (String p : PARTS) loadPart(m, p, byPart.get(p), problems);
        if (!problems.isEmpty()) throw new CheckpointFormatException(file, String.join("; ", problems));
        return m.eval();
    }

    /** Official state dicts (restricted torch pickle reader, never executes code), strict by name
     *  and shape; the widths follow from the shapes (defaults: {@code fallback}, train_dsr.py's). */
    static DsrModel loadOfficial(Map<String, Path> files, Config fallback) throws IOException {
        List<String> problems = new ArrayList<>();
        Map<String, Map<String, Tensor>> sds = new LinkedHashMap<>();
        for (var e : files.entrySet()) {
            try {
                sds.put(e.getKey(), CheckpointFiles.read(e.getValue()).tensors());
            } catch (IOException ex) {
                problems.add(ex.getMessage());
                sds.put(e.getKey(), Map.of());
            }
        }
        Stage2Sizes d = fallback.sizes();
        Map<String, Tensor> dec = sds.get("image_recon_module");
        int layers = 0;
        while (dec.containsKey("_residual_stack._layers." + layers + "._block.1.weight")) layers++;
        String first = "unet.encoder.block1.0.weight";
        Stage2Sizes sizes = new Stage2Sizes(d.embeddingDim(), dim0(sds.get("subspace_restriction_hi"), first, d.srBaseWidth()),
                dim0(dec, "_conv_1.weight", d.numHiddens()), layers > 0 ? layers : d.numResidualLayers(),
                dim0(dec, "_residual_stack._layers.0._block.1.weight", d.numResidualHiddens()),
                dim0(dec, "pre_vq_conv.weight", d.bottleneck()), dim0(sds.get("anomaly_det_module"), first, d.segBaseWidth()), 3);
        Config config = new Config(new Stage2Model.Config(fallback.vq(), sizes, fallback.imageSize()),
                dim0(sds.get("upsample_module"), first, fallback.upsampleBaseWidth()));
        DsrModel m = create(config, null, new Random(0));
        for (var e : files.entrySet()) {
            if (sds.get(e.getKey()).isEmpty()) continue;
            List<String> mine = new ArrayList<>();
            loadPart(m, e.getKey(), sds.get(e.getKey()), mine);
            for (String s : mine) problems.add(e.getValue() + ": " + s);
        }
        if (!problems.isEmpty())
            throw new CheckpointFormatException(files.values().iterator().next(), "official DSR files do not fit the networks "
                    + config.toJson() + ": " + String.join("; ", problems));
        return m.eval();
    }

    private static int dim0(Map<String, Tensor> sd, String key, int fallback) {
        Tensor t = sd.get(key);
        return t == null ? fallback : t.size(0);
    }

    private static void loadPart(DsrModel m, String part, Map<String, Tensor> sd, List<String> problems) {
        Map<String, Tensor> conv = new LinkedHashMap<>();
        sd.forEach((k, v) -> conv.put(k, v.dtype().isFloating() && v.dtype() != DType.F32 ? v.to(DType.F32) : v));
        try {
            m.part(part).loadStateDict(conv, true);
        } catch (IllegalArgumentException e) {
            problems.add(part + ": " + e.getMessage());
        }
    }
}
