package dsr3d.models.dada;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * Everything needed to rebuild a DADA: the constructor arguments of the official
 * DiscreteLatentModelGroups / DiscreteLatentModel plus the image size it is trained at. Stored as
 * JSON in the {@code config} metadata of every checkpoint we write ({@link #toJson}).
 *
 * <p>groups = 2 is the grouped DADA (DiscreteLatentModelGroups: depth half | RGB half, needs
 * modality RGBD); groups = 1 is DiscreteLatentModel (depth-only, RGB-only, or the Table-5
 * "VQ-VAE" ablation on RGB+D).
 *
 * <p>Presets: {@link #paper} = train_dada.py / train_dada_depth.py (hidden 256, residual hidden
 * 128, 2 residual layers, 2048 x 256 codebooks, commitment 0.25, decay 0.99, 256 x 256 training
 * images). {@link #small} = the same architecture scaled for the 2-core CPU demo (see README,
 * "DADA"): hidden 64, residual hidden 32, 2 layers, 256 x 64 codebooks, 64 x 64 images.
 *
 * <p>inplaceRelu: the residual blocks of the encoders and of the general decoder compute
 * relu(x) + f(x) instead of x + f(x) ({@link dsr3d.nn.layers.Residual.Skip#RELU_INPUT}): DSR's
 * discrete_model.py uses nn.ReLU(True), whose in-place first ReLU overwrites the skip input.
 * False for every 3DSR file (their ReLUs are not in place). {@link #dsr} is DSR's VQ-VAE.
 */
public record DadaConfig(Modality modality, int inChannels, int outChannels, int numHiddens, int numResidualHiddens,
                         int numResidualLayers, int embeddingDim, int numEmbeddings, double commitmentCost, double decay,
                         int groups, int imageSize, boolean inplaceRelu) {
    /** The 3DSR form (no in-place-ReLU quirk in the VQ's residual blocks). */
    public DadaConfig(Modality modality, int inChannels, int outChannels, int numHiddens, int numResidualHiddens,
                      int numResidualLayers, int embeddingDim, int numEmbeddings, double commitmentCost, double decay,
                      int groups, int imageSize) {
        this(modality, inChannels, outChannels, numHiddens, numResidualHiddens, numResidualLayers, embeddingDim, numEmbeddings,
                commitmentCost, decay, groups, imageSize, false);
    }

    public DadaConfig {
        if (modality == null) throw new IllegalArgumentException("DADA config: modality is missing");
        if (inChannels != modality.channels || outChannels != modality.channels)
            throw new IllegalArgumentException("DADA config: modality " + modality.cliName() + " needs in_channels = out_channels = "
                    + modality.channels + ", got " + inChannels + " / " + outChannels);
        if (numHiddens <= 0 || numResidualHiddens <= 0 || numResidualLayers <= 0 || embeddingDim <= 0 || numEmbeddings <= 0 || imageSize <= 0)
            throw new IllegalArgumentException("DADA config: sizes must be positive: " + describe(numHiddens, numResidualHiddens, numResidualLayers, embeddingDim, numEmbeddings, imageSize));
        if (groups != 1 && groups != 2) throw new IllegalArgumentException("DADA config: groups must be 1 or 2, got " + groups);
        if (groups == 2 && modality != Modality.RGBD)
            throw new IllegalArgumentException("DADA config: groups = 2 (the grouped DADA) needs modality rgbd, got " + modality.cliName());
        if (numHiddens % (groups == 2 ? 8 : 2) != 0)
            throw new IllegalArgumentException("DADA config: num_hiddens " + numHiddens + " must be divisible by " + (groups == 2 ? 8 : 2));
        if (groups == 2 && (embeddingDim % 2 != 0 || numResidualHiddens % 2 != 0))
            throw new IllegalArgumentException("DADA config: with groups = 2, embedding_dim " + embeddingDim + " and num_residual_hiddens " + numResidualHiddens + " must be even");
        if (imageSize % 8 != 0) throw new IllegalArgumentException("DADA config: image size " + imageSize + " must be divisible by 8 (lo features are 1/8)");
        if (!(commitmentCost >= 0) || !(decay >= 0 && decay < 1))
            throw new IllegalArgumentException("DADA config: need commitment_cost >= 0 (got " + commitmentCost + ") and 0 <= decay < 1 (got " + decay + ")");
    }

    private static String describe(int h, int rh, int l, int e, int k, int s) {
        return "num_hiddens " + h + ", num_residual_hiddens " + rh + ", num_residual_layers " + l + ", embedding_dim " + e + ", num_embeddings " + k + ", image size " + s;
    }

    /** The official sizes (spec section 2); grouped for RGBD unless noGroups (the Table-5 VQ-VAE ablation). */
    public static DadaConfig paper(Modality m, boolean noGroups) {
        return new DadaConfig(m, m.channels, m.channels, 256, 128, 2, 256, 2048, 0.25, 0.99, groupsFor(m, noGroups), 256);
    }

    /** The demo-sized DADA: same architecture, widths / 4, codebooks of 256 x 64, 64 x 64 images. */
    public static DadaConfig small(Modality m, boolean noGroups) {
        return new DadaConfig(m, m.channels, m.channels, 64, 32, 2, 64, 256, 0.25, 0.99, groupsFor(m, noGroups), 64);
    }

    /** DSR's VQ-VAE (train_dsr.py / test_dsr.py, "vq_model_pretrained_128_4096"): DiscreteLatentModel
     *  on RGB (BGR order) with hidden 128, residual hidden 64, 2 layers, 4096 x 128 codebooks,
     *  commitment 0.25, decay 0.99, the in-place-ReLU quirk, 256 x 256 images. */
    public static DadaConfig dsr() {
        return new DadaConfig(Modality.RGB, 3, 3, 128, 64, 2, 128, 4096, 0.25, 0.99, 1, 256, true);
    }

    /** DSR's VQ-VAE scaled for the 2-core CPU demo: hidden 32, residual hidden 16, 2 layers,
     *  256 x 32 codebooks, 64 x 64 images (the same quirk). */
    public static DadaConfig dsrSmall() {
        return new DadaConfig(Modality.RGB, 3, 3, 32, 16, 2, 32, 256, 0.25, 0.99, 1, 64, true);
    }

    /** The residual-block skip form of this configuration. */
    public dsr3d.nn.layers.Residual.Skip residualSkip() {
        return inplaceRelu ? dsr3d.nn.layers.Residual.Skip.RELU_INPUT : dsr3d.nn.layers.Residual.Skip.INPUT;
    }

    public DadaConfig withInplaceRelu(boolean quirk) {
        return new DadaConfig(modality, inChannels, outChannels, numHiddens, numResidualHiddens, numResidualLayers, embeddingDim, numEmbeddings, commitmentCost, decay, groups, imageSize, quirk);
    }

    /** A preset by name: "paper" or "small"; "dsr" / "dsr-small" are DSR's VQ-VAE ({@link #dsr}, {@link #dsrSmall}: RGB, no groups). */
    public static DadaConfig preset(String name, Modality m, boolean noGroups) {
        return switch (name) {
            case "paper" -> paper(m, noGroups);
            case "small" -> small(m, noGroups);
            case "dsr" -> dsr();
            case "dsr-small" -> dsrSmall();
            default -> throw new IllegalArgumentException("unknown preset '" + name + "'; use paper or small");
        };
    }

    private static int groupsFor(Modality m, boolean noGroups) {
        if (noGroups || m != Modality.RGBD) return 1;
        return 2;
    }

    public DadaConfig withImageSize(int size) {
        return new DadaConfig(modality, inChannels, outChannels, numHiddens, numResidualHiddens, numResidualLayers, embeddingDim, numEmbeddings, commitmentCost, decay, groups, size, inplaceRelu);
    }

    /** The official class this configuration builds. */
    public String officialClass() { return groups == 2 ? "DiscreteLatentModelGroups" : "DiscreteLatentModel"; }

    /** JSON with the official argument names (plus modality, groups, image_size; "inplace_relu": true
     *  only for the DSR form, so 3DSR files keep their exact metadata). */
    public String toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("class", officialClass());
        o.addProperty("modality", modality.cliName());
        o.addProperty("in_channels", inChannels);
        o.addProperty("out_channels", outChannels);
        o.addProperty("num_hiddens", numHiddens);
        o.addProperty("num_residual_hiddens", numResidualHiddens);
        o.addProperty("num_residual_layers", numResidualLayers);
        o.addProperty("embedding_dim", embeddingDim);
        o.addProperty("num_embeddings", numEmbeddings);
        o.addProperty("commitment_cost", commitmentCost);
        o.addProperty("decay", decay);
        o.addProperty("groups", groups);
        o.addProperty("image_size", imageSize);
        if (inplaceRelu) o.addProperty("inplace_relu", true);
        return o.toString();
    }

    /** Inverse of {@link #toJson}; a missing or bad field gives IllegalArgumentException naming it. */
    public static DadaConfig fromJson(String json) {
        JsonObject o;
        try {
            JsonElement e = JsonParser.parseString(json);
            if (!e.isJsonObject()) throw new IllegalArgumentException("DADA config is not a JSON object: " + json);
            o = e.getAsJsonObject();
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException iae) throw iae;
            throw new IllegalArgumentException("DADA config is not JSON: " + e.getMessage(), e);
        }
        return new DadaConfig(Modality.parse(str(o, "modality")), integer(o, "in_channels"), integer(o, "out_channels"),
                integer(o, "num_hiddens"), integer(o, "num_residual_hiddens"), integer(o, "num_residual_layers"),
                integer(o, "embedding_dim"), integer(o, "num_embeddings"), number(o, "commitment_cost"), number(o, "decay"),
                integer(o, "groups"), integer(o, "image_size"), o.has("inplace_relu") && bool(o, "inplace_relu"));
    }

    private static boolean bool(JsonObject o, String name) {
        try { return field(o, name).getAsBoolean(); } catch (ClassCastException | IllegalStateException | UnsupportedOperationException e) {
            throw new IllegalArgumentException("DADA config: field '" + name + "' is not a boolean");
        }
    }

    private static JsonElement field(JsonObject o, String name) {
        JsonElement e = o.get(name);
        if (e == null || e.isJsonNull()) throw new IllegalArgumentException("DADA config: field '" + name + "' is missing");
        return e;
    }

    private static String str(JsonObject o, String name) {
        try { return field(o, name).getAsString(); } catch (ClassCastException | IllegalStateException | UnsupportedOperationException e) {
            throw new IllegalArgumentException("DADA config: field '" + name + "' is not a string");
        }
    }

    private static int integer(JsonObject o, String name) {
        try { return field(o, name).getAsInt(); } catch (NumberFormatException | ClassCastException | IllegalStateException | UnsupportedOperationException e) {
            throw new IllegalArgumentException("DADA config: field '" + name + "' is not an integer");
        }
    }

    private static double number(JsonObject o, String name) {
        try { return field(o, name).getAsDouble(); } catch (NumberFormatException | ClassCastException | IllegalStateException | UnsupportedOperationException e) {
            throw new IllegalArgumentException("DADA config: field '" + name + "' is not a number");
        }
    }
}
