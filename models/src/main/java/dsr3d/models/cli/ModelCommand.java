package dsr3d.models.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dsr3d.models.dada.DadaConfig;
import dsr3d.models.dada.DadaModel;
import dsr3d.models.dada.Modality;
import dsr3d.models.stage2.Stage2Model;
import dsr3d.models.stage2.Stage2Step;
import dsr3d.models.stage2.SubspaceRestrictionModule;
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
                    "memory the autograd graph of that forward holds (what backward would need). Modules: dada, and the stage-2 networks",
                    "sr_lo, sr_hi, decode, seg (the test-time pass: SR on Q_lo / Q_hi re-quantized by the DADA's codebooks, decode on",
                    "cat(upsample_t(Q~_lo), Q~_hi), seg on (object recon, general recon)); total = the five together."})
    static final class Summary implements Callable<Integer> {
        /** The stage-2 (inference) image side of a preset: 384 paper (the 3DSR protocol), 96 small (64 * 384 / 256). */
        static int stage2ImageSize(String preset) {
            return switch (preset) {
                case "paper" -> 384;
                case "small" -> 96;
                default -> throw new IllegalArgumentException("unknown preset '" + preset + "'; use paper or small");
            };
        }

        @Spec CommandSpec spec;
        @Option(names = "--preset", defaultValue = "paper", description = "paper or small (default ${DEFAULT-VALUE})") String preset;
        @Option(names = "--modality", defaultValue = "rgbd", description = "rgbd, depth or rgb (default ${DEFAULT-VALUE})") String modality;
        @Option(names = "--no-groups", description = "RGB+D without groups (Table 5 VQ-VAE)") boolean noGroups;
        @Option(names = "--image-size", defaultValue = "0", description = {"image side of the measured forward (parameters do not depend on it). Default: the stage-2",
                "image size, 384 paper / 96 small (the test-time pass); with --dada-only the DADA training size, 256 paper / 64 small."}) int imageSize;
        @Option(names = "--dada-only", description = "only the DADA (a forward with gradients of the DADA alone; no stage-2 networks)") boolean dadaOnly;
        @Option(names = "--json", description = "print JSON: {\"parameters\": {...}, \"macs\": {...}, \"activation_bytes\": {...}, ...}") boolean json;
        @Option(names = "--method", defaultValue = "3dsr", paramLabel = "3dsr|dsr",
                description = {"3dsr (default) or dsr: DSR's VQ-VAE (\"vq\") and its five networks sr_lo, sr_hi, decode, seg, upsample",
                        "on test_dsr.py's pass at 256 (paper) / 64 (small); --modality and --no-groups do not apply."}) String method;

        @Override public Integer call() {
            if (!method.equals("3dsr") && !method.equals("dsr")) throw new IllegalArgumentException("--method must be 3dsr or dsr, got '" + method + "'");
            if (method.equals("dsr")) return dsr();
            DadaConfig c = DadaConfig.preset(preset, Modality.parse(modality), noGroups);
            int size = imageSize > 0 ? imageSize : dadaOnly ? c.imageSize() : stage2ImageSize(preset);
            c = c.withImageSize(size);
            DadaModel dada = DadaModel.create(c, new Random(0));
            dada.eval();
            ModelSummary s = new ModelSummary().add("dada", dada);
            Stage2Model.Config sc = dadaOnly ? null : Stage2Model.Config.forDada(c, size);
            Stage2Step.Nets nets = null;
            if (sc != null) {
                nets = Stage2Model.create(sc, null, new Random(2)).eval().nets();
                s.add("sr_lo", nets.srLo()).add("sr_hi", nets.srHi()).add("decode", nets.decode()).add("seg", nets.seg());
            }
            Tensor x = Tensor.uniform(new Random(1), 0, 1, dsr3d.tensor.DType.F32, 1, c.inChannels(), size, size);
            long vq = (long) c.numEmbeddings() * c.embeddingDim();
            {
                DadaModel.Output out = dada.forward(x);
                s.measure(List.of(out.recon(), out.lossB(), out.lossT()));
                s.addMacs("dada._vq_vae_top", out.lo().indices().numel() * vq);
                s.addMacs("dada._vq_vae_bot", out.hi().indices().numel() * vq);
                if (nets != null) {
                    // The stage-2 graph, cut from the DADA's (its inputs detached) so no DADA op counts twice;
                    // upsample_t on Q~_lo is the DADA's module run again as decode's input preparation.
                    s.attribute(dada.namedChildren().get("upsample_t"), "decode.upsample_t");
                    SubspaceRestrictionModule.Output hi = nets.srHi().forward(out.quantizedB().detach(), dada.quantizer(DadaModel.Level.HI));
                    SubspaceRestrictionModule.Output lo = nets.srLo().forward(out.quantizedT().detach(), dada.quantizer(DadaModel.Level.LO));
                    Tensor reconObject = nets.decode().forward(Tensor.concat(1, dada.upsampleLo(lo.quantized()), hi.quantized()));
                    Tensor logits = nets.seg().forward(reconObject, out.recon().detach());
                    s.measure(List.of(logits, hi.loss(), lo.loss()));
                    s.addMacs("sr_hi", hi.indices().numel() * vq);
                    s.addMacs("sr_lo", lo.indices().numel() * vq);
                }
            }
            print(s, c, sc == null ? null : sc.toJson(), size, sc == null ? "" : " + stage 2 (sr_lo, sr_hi, decode, seg)");
            return 0;
        }

        /** DSR: the VQ-VAE and the five networks, measured on test_dsr.py's pass. */
        private int dsr() {
            if (!modality.equals("rgbd") && !modality.equals("rgb") || noGroups)
                throw new IllegalArgumentException("--method dsr is RGB only without groups: drop --modality / --no-groups");
            dsr3d.models.dsr.DsrModel.Config dc = dsr3d.models.dsr.DsrModel.Config.preset(preset);
            int size = imageSize > 0 ? imageSize : dc.imageSize();
            DadaConfig c = dc.vq().withImageSize(size);
            DadaModel vq = DadaModel.create(c, new Random(0));
            vq.eval();
            dsr3d.models.dsr.DsrModel m = dsr3d.models.dsr.DsrModel.create(dc, null, new Random(2)).eval();
            Stage2Step.Nets nets = m.nets();
            ModelSummary s = new ModelSummary().add("vq", vq);
            if (!dadaOnly)
                s.add("sr_lo", nets.srLo()).add("sr_hi", nets.srHi()).add("decode", nets.decode()).add("seg", nets.seg()).add("upsample", m.upsample());
            Tensor x = Tensor.uniform(new Random(1), 0, 1, dsr3d.tensor.DType.F32, 1, 3, size, size);
            long k = (long) c.numEmbeddings() * c.embeddingDim();
            DadaModel.Output out = vq.forward(x);
            s.measure(List.of(out.recon(), out.lossB(), out.lossT()));
            s.addMacs("vq._vq_vae_top", out.lo().indices().numel() * k);
            s.addMacs("vq._vq_vae_bot", out.hi().indices().numel() * k);
            if (!dadaOnly) {
                s.attribute(vq.namedChildren().get("upsample_t"), "decode.upsample_t");
                SubspaceRestrictionModule.Output hi = nets.srHi().forward(out.quantizedB().detach(), vq.quantizer(DadaModel.Level.HI));
                SubspaceRestrictionModule.Output lo = nets.srLo().forward(out.quantizedT().detach(), vq.quantizer(DadaModel.Level.LO));
                Tensor reconObject = nets.decode().forward(Tensor.concat(1, vq.upsampleLo(lo.quantized()), hi.quantized()));
                Tensor sm = nets.seg().forward(reconObject, out.recon().detach()).softmax(1);
                Tensor up = m.upsample().forward(reconObject.detach(), out.recon().detach(), sm.detach());
                s.measure(List.of(sm, hi.loss(), lo.loss()));
                s.measure(List.of(up));
                s.addMacs("sr_hi", hi.indices().numel() * k);
                s.addMacs("sr_lo", lo.indices().numel() * k);
            }
            print(s, c, dadaOnly ? null : dc.toJson(), size, dadaOnly ? " (DSR)" : " (DSR) + sr_lo, sr_hi, decode, seg, upsample");
            return 0;
        }

        private void print(ModelSummary s, DadaConfig c, String stage2Json, int size, String what) {
            PrintWriter w = spec.commandLine().getOut();
            if (json) {
                JsonObject o = s.toJson();
                o.addProperty("preset", preset);
                o.addProperty("modality", c.modality().cliName());
                o.addProperty("class", c.officialClass());
                o.addProperty("image_size", size);
                o.addProperty("batch", 1);
                o.addProperty("method", method);
                o.addProperty("config", c.toJson());
                if (stage2Json != null) o.addProperty("stage2_config", stage2Json);
                w.println(new GsonBuilder().setPrettyPrinting().create().toJson(o));
            } else {
                w.print(s.tree());
                w.printf(Locale.ROOT, "%n%s %s%s, preset %s, %s, %dx%d, batch 1%n", method.equals("dsr") ? "VQ-VAE" : "DADA", c.officialClass(), what,
                        preset, c.modality().cliName(), size, size);
                w.printf(Locale.ROOT, "%-28s %14s %14s %14s%n", "module", "parameters", "MACs", "activations");
                var p = s.parameters();
                var m = s.macs();
                var a = s.activationBytes();
                java.util.LinkedHashSet<String> keys = new java.util.LinkedHashSet<>();
                for (String k : p.keySet()) {               // each module, its children, then MACs attributed to it from elsewhere
                    if (k.contains(".") || k.equals("total")) continue;
                    for (String q : p.keySet()) if (q.equals(k) || q.startsWith(k + ".")) keys.add(q);
                    for (String q : m.keySet()) if (q.startsWith(k + ".")) keys.add(q);
                }
                keys.add("total");
                for (String k : keys)
                    w.printf(Locale.ROOT, "%-28s %14s %14s %14s%n", k, p.containsKey(k) ? String.format(Locale.ROOT, "%,d", p.get(k)) : "-",
                            m.containsKey(k) ? String.format(Locale.ROOT, "%.3f G", m.get(k) / 1e9) : "-",
                            a.containsKey(k) && !k.equals("total") ? String.format(Locale.ROOT, "%.1f MB", a.get(k) / 1e6) : "-");
                w.printf(Locale.ROOT, "activation memory held for backward (the graph at the end of the forward): %.1f MB%n", s.activationTotalBytes() / 1e6);
            }
            w.flush();
        }
    }
}
