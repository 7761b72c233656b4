package dsr3d.models.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dsr3d.models.dada.DadaConfig;
import dsr3d.models.dada.DadaModel;
import dsr3d.models.dada.Modality;
import dsr3d.models.summary.ModelSummary;
import dsr3d.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;

/** {@code ./3dsr model summary}: module tree, parameters, MACs and activation memory, measured on a forward. */
@Command(name = "model", mixinStandardHelpOptions = true, description = "Describe the models.",
        subcommands = {ModelCommand.Summary.class})
public final class ModelCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    @Command(name = "summary", mixinStandardHelpOptions = true,
            description = {"The module tree (PyTorch-like), parameters per module (PyTorch's definition: the VQ EMA sums count, cluster sizes do not),",
                    "MACs per module counted from the ops a forward at the configured image size executed (batch 1), and the activation",
                    "memory the autograd graph holds after a training-mode forward (what backward needs)."})
    static final class Summary implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Option(names = "--preset", defaultValue = "paper", description = "paper or small (default ${DEFAULT-VALUE})") String preset;
        @Option(names = "--modality", defaultValue = "rgbd", description = "rgbd, depth or rgb (default ${DEFAULT-VALUE})") String modality;
        @Option(names = "--no-groups", description = "RGB+D without groups (Table 5 VQ-VAE)") boolean noGroups;
        @Option(names = "--image-size", defaultValue = "0", description = "image side (default: the preset's training size, 256 paper / 64 small)") int imageSize;
        @Option(names = "--json", description = "print JSON: {\"parameters\": {...}, \"macs\": {...}, \"activation_bytes\": {...}, ...}") boolean json;

        @Override public Integer call() {
            DadaConfig c = DadaConfig.preset(preset, Modality.parse(modality), noGroups);
            if (imageSize > 0) c = c.withImageSize(imageSize);
            DadaModel dada = DadaModel.create(c, new Random(0));
            dada.eval();
            ModelSummary s = new ModelSummary().add("dada", dada);
            int size = c.imageSize();
            Tensor x = Tensor.uniform(new Random(1), 0, 1, dsr3d.tensor.DType.F32, 1, c.inChannels(), size, size);
            DadaModel.Output out = dada.forward(x);
            s.measure(List.of(out.recon(), out.lossB(), out.lossT()));
            s.addMacs("dada._vq_vae_top", (long) out.lo().indices().numel() * c.numEmbeddings() * c.embeddingDim());
            s.addMacs("dada._vq_vae_bot", (long) out.hi().indices().numel() * c.numEmbeddings() * c.embeddingDim());
            PrintWriter w = spec.commandLine().getOut();
            if (json) {
                JsonObject o = s.toJson();
                o.addProperty("preset", preset);
                o.addProperty("modality", c.modality().cliName());
                o.addProperty("class", c.officialClass());
                o.addProperty("image_size", size);
                o.addProperty("batch", 1);
                o.addProperty("config", c.toJson());
                w.println(new GsonBuilder().setPrettyPrinting().create().toJson(o));
            } else {
                w.print(s.tree());
                w.printf(Locale.ROOT, "%nDADA %s, preset %s, %s, %dx%d, batch 1%n", c.officialClass(), preset, c.modality().cliName(), size, size);
                w.printf(Locale.ROOT, "%-28s %14s %14s %14s%n", "module", "parameters", "MACs", "activations");
                var p = s.parameters();
                var m = s.macs();
                var a = s.activationBytes();
                for (String k : p.keySet())
                    w.printf(Locale.ROOT, "%-28s %,14d %14s %14s%n", k, p.get(k), m.containsKey(k) ? String.format(Locale.ROOT, "%.3f G", m.get(k) / 1e9) : "-",
                            a.containsKey(k) && !k.equals("total") ? String.format(Locale.ROOT, "%.1f MB", a.get(k) / 1e6) : "-");
                w.printf(Locale.ROOT, "activation memory held for backward (peak of a training forward): %.1f MB%n", s.activationTotalBytes() / 1e6);
            }
            w.flush();
            return 0;
        }
    }
}
