package dsr3d.models.dada;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * The settings of one stage-1 run (what {@code ./3dsr train-dada} parses), stored as JSON in its
 * checkpoints so that {@code --resume} can refuse a command line that would change the run.
 *
 * @param depthSource   "perlin" (3DSR) or "grayscale" (Table 5 "no Perlin")
 * @param affine        false = Table 5 "no affine" (no alpha/beta transform)
 * @param loss          "official" or "weighted" (Table 5 "VQ-VAE with re-weighted depth loss" with --no-groups)
 * @param images        a JPEG/PNG folder tree, or null for the procedural source
 * @param datasetBaseDir an MVTec 3D-AD tree whose train/good RGB-D images replace the simulation (Table 5 "DSR_naive"), or null
 * @param codebookInit  "official" (N(0,1), the paper) or "data" (not in the paper: codewords from encoder outputs)
 * @param weightInit    "official" (the scripts' weights_init: conv weights N(0, 0.02^2)) or "default" (PyTorch's
 *                      Kaiming-uniform layer default; not what the scripts do, helps small models)
 * @param codebookRestart every N steps restart dead codes (not in the paper); 0 = never (the official behaviour)
 */
public record Stage1Options(String preset, String modality, boolean noGroups, int imageSize, long iterations, int batch,
                            double lr, long seed, String loss, double lambdaDepth, double lambdaRgb, double lambdaCommit,
                            String depthSource, boolean affine, String images, int proceduralImages, String datasetBaseDir,
                            String codebookInit, int codebookRestart, String weightInit) {
    private static final Gson GSON = new Gson();

    public Stage1Options {
        if (iterations <= 0) throw new IllegalArgumentException("--iterations must be > 0, got " + iterations);
        if (batch <= 0) throw new IllegalArgumentException("--batch must be > 0, got " + batch);
        if (!(lr > 0)) throw new IllegalArgumentException("--lr must be > 0, got " + lr);
        if (!loss.equals("official") && !loss.equals("weighted")) throw new IllegalArgumentException("--loss must be official or weighted, got '" + loss + "'");
        if (!depthSource.equals("perlin") && !depthSource.equals("grayscale"))
            throw new IllegalArgumentException("--depth-source must be perlin or grayscale, got '" + depthSource + "'");
        if (!codebookInit.equals("official") && !codebookInit.equals("data"))
            throw new IllegalArgumentException("--codebook-init must be official or data, got '" + codebookInit + "'");
        if (proceduralImages <= 0) throw new IllegalArgumentException("--procedural-images must be > 0, got " + proceduralImages);
        if (!weightInit.equals("official") && !weightInit.equals("default"))
            throw new IllegalArgumentException("--weight-init must be official or default, got '" + weightInit + "'");
        if (codebookRestart < 0) throw new IllegalArgumentException("--codebook-restart must be >= 0, got " + codebookRestart);
        Modality.parse(modality);
    }

    /** The model configuration these options train. */
    public DadaConfig config() {
        DadaConfig c = DadaConfig.preset(preset, Modality.parse(modality), noGroups);
        return imageSize > 0 ? c.withImageSize(imageSize) : c;
    }

    public DadaLoss dadaLoss() {
        return new DadaLoss(loss.equals("official") ? DadaLoss.Kind.OFFICIAL : DadaLoss.Kind.WEIGHTED, lambdaDepth, lambdaRgb, lambdaCommit);
    }

    public String toJson() { return GSON.toJson(this); }

    /** The fields whose values differ between the stored JSON and these options ("name: stored -> now"). */
    public List<String> differences(String storedJson) {
        JsonObject a = GSON.toJsonTree(this).getAsJsonObject();
        JsonObject b = com.google.gson.JsonParser.parseString(storedJson).getAsJsonObject();
        List<String> out = new ArrayList<>();
        for (String k : a.keySet()) {
            JsonElement now = a.get(k), then = b.get(k);
            if (!now.equals(then)) out.add(k + ": " + then + " in the checkpoint, " + now + " now");
        }
        return out;
    }
}
