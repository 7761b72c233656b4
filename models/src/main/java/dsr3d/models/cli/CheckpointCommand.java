package dsr3d.models.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dsr3d.models.dada.DadaCheckpoints;
import dsr3d.models.dada.DadaConfig;
import dsr3d.models.dada.Modality;
import dsr3d.nn.io.Checkpoint;
import dsr3d.nn.io.CheckpointFiles;
import dsr3d.nn.io.SafeTensors;
import dsr3d.tensor.Tensor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./3dsr checkpoint inspect FILE [--json]} and {@code ./3dsr checkpoint convert IN OUT}:
 * look inside a safetensors or PyTorch (torch.save zip) checkpoint, and turn a PyTorch state dict
 * into safetensors. The format is recognised by content. PyTorch files are read by a restricted
 * unpickler that executes nothing (see dsr3d.nn.io.TorchZip); hostile or broken files give a
 * message naming the file and exit status 1.
 */
@Command(name = "checkpoint", mixinStandardHelpOptions = true,
        description = {"Inspect and convert model checkpoints (safetensors; PyTorch torch.save zip files, PyTorch >= 1.6).",
                "PyTorch files are parsed, never executed: only tensors, dicts, lists and plain values are accepted."},
        subcommands = {CheckpointCommand.Inspect.class, CheckpointCommand.Convert.class},
        footer = {"", "Examples:", "  ./3dsr checkpoint inspect model.safetensors", "  ./3dsr checkpoint inspect dsr_stage1.pth --json",
                "  ./3dsr checkpoint convert dsr_stage1.pth dsr_stage1.safetensors",
                "  ./3dsr checkpoint convert train_state.pth model.safetensors --select model."})
public final class CheckpointCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    @Command(name = "inspect", mixinStandardHelpOptions = true,
            description = {"List every tensor of a checkpoint: name, dtype, shape and the sum of its elements (computed in double).",
                    "dtype is the type as loaded: F32, F64 or I32 (PyTorch int64 and safetensors I64 are narrowed to I32, float16/bfloat16 widened to F32).",
                    "Non-tensor entries (safetensors metadata, PyTorch values such as epoch) are listed after the tensors in text mode."},
            exitCodeListHeading = "%nExit status:%n", exitCodeList = {"0:success", "1:the file is missing, unsupported, malformed or hostile", "2:bad command line"})
    static final class Inspect implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "a .safetensors file or a PyTorch torch.save file (detected by content)")
        Path file;

        @Option(names = "--json", description = "print a JSON array of {\"name\", \"dtype\", \"shape\", \"sum\"} objects instead of a table (sum is null when not finite)")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            CheckpointFiles.Contents c;
            try {
                c = CheckpointFiles.read(file);
            } catch (IOException | RuntimeException e) {
                return fail(spec, e);
            }
            if (json) {
                JsonArray rows = new JsonArray();
                c.tensors().forEach((name, t) -> {
                    JsonObject o = new JsonObject();
                    o.addProperty("name", name);
                    o.addProperty("dtype", t.dtype().name());
                    JsonArray shape = new JsonArray();
                    for (int d : t.shape()) shape.add(d);
                    o.add("shape", shape);
                    double s = sum(t);
                    if (Double.isFinite(s)) o.addProperty("sum", s); else o.add("sum", JsonNull.INSTANCE);
                    rows.add(o);
                });
                out.println(new GsonBuilder().serializeNulls().setPrettyPrinting().create().toJson(rows));
            } else {
                out.printf("%s: %s, %d tensors%n", file, c.format() == CheckpointFiles.Format.SAFETENSORS ? "safetensors" : "PyTorch zip", c.tensors().size());
                int width = c.tensors().keySet().stream().mapToInt(String::length).max().orElse(4);
                c.tensors().forEach((name, t) -> out.printf("  %-" + width + "s  %-3s  %-16s  sum=%.10g%n", name, t.dtype(), Arrays.toString(t.shape()), sum(t)));
                if (!c.info().isEmpty()) {
                    out.println(c.format() == CheckpointFiles.Format.SAFETENSORS ? "metadata:" : "other values:");
                    c.info().forEach((k, v) -> out.printf("  %s = %s%n", k, abbreviate(v instanceof byte[] b ? b.length + " bytes" : String.valueOf(v))));
                }
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "convert", mixinStandardHelpOptions = true,
            description = {"Convert a PyTorch state dict (torch.save zip file) or a safetensors file into safetensors.",
                    "Tensor names are kept (nested dicts are flattened with dots, e.g. model._encoder_b._conv_1.weight);",
                    "int64 becomes I32 (error on overflow), float16/bfloat16 become F32. Non-tensor values are kept as JSON",
                    "in the metadata key 'torch_values'. The output is written to a temporary file and renamed atomically."},
            exitCodeListHeading = "%nExit status:%n", exitCodeList = {"0:success", "1:the input is missing, unsupported, malformed or hostile, or OUT cannot be written", "2:bad command line"})
    static final class Convert implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Parameters(index = "0", paramLabel = "IN", description = "PyTorch torch.save file (zip format) or safetensors file")
        Path in;

        @Parameters(index = "1", paramLabel = "OUT", description = "the safetensors file to write (replaced atomically if it exists)")
        Path out;

        @Option(names = "--select", paramLabel = "PREFIX",
                description = "keep only tensors whose name starts with PREFIX and remove it (e.g. --select model. for a training checkpoint)")
        String select;

        @Option(names = "--dada", description = {"convert a DADA state dict (e.g. the official DADA_RGB_D.pckl, DADA_D.pckl): strict load into the model,",
                "written with the configuration in the metadata. Automatic when the file holds _vq_vae_top._embedding.weight."})
        boolean dada;

        @Option(names = "--preset", description = "DADA configuration preset (paper|small) instead of inferring it from the shapes")
        String preset;

        @Option(names = "--modality", defaultValue = "rgbd", description = "with --preset: rgbd|depth|rgb (default ${DEFAULT-VALUE})")
        String modality;

        @Option(names = "--no-groups", description = "with --preset: the DiscreteLatentModel (no groups) on RGB+D")
        boolean noGroups;

        @Option(names = "--image-size", defaultValue = "0", description = "DADA image size to record (official files do not store it; default 256)")
        int imageSize;

        @Override
        public Integer call() {
            try {
                CheckpointFiles.Contents c = CheckpointFiles.read(in);
                if (select == null && (dada || preset != null || c.tensors().containsKey("_vq_vae_top._embedding.weight"))) {
                    DadaConfig override = preset == null ? null : DadaConfig.preset(preset, Modality.parse(modality), noGroups);
                    DadaCheckpoints.Loaded l = DadaCheckpoints.load(in, override, imageSize);
                    DadaCheckpoints.save(out, l.model(), Map.of("converted_from", String.valueOf(in.getFileName())));
                    PrintWriter w = spec.commandLine().getOut();
                    w.printf("wrote %s: %s with %,d parameters, configuration %s (%s)%n", out, l.model().config().officialClass(),
                            l.model().parameterCount(), l.model().config().toJson(), l.configSource());
                    w.flush();
                    return 0;
                }
                Map<String, Tensor> tensors = new LinkedHashMap<>();
                c.tensors().forEach((k, v) -> {
                    if (select == null) tensors.put(k, v);
                    else if (k.startsWith(select) && k.length() > select.length()) tensors.put(k.substring(select.length()), v);
                });
                if (tensors.isEmpty())
                    throw new IOException(in + ": no tensors" + (select == null ? "" : " whose name starts with '" + select + "'") + " to convert");
                Map<String, String> meta = new LinkedHashMap<>();
                if (c.format() == CheckpointFiles.Format.SAFETENSORS) c.info().forEach((k, v) -> meta.put(k, (String) v));
                else if (!c.info().isEmpty()) meta.put("torch_values", new GsonBuilder().serializeNulls().create().toJson(c.info()));
                meta.put("converted_from", String.valueOf(in.getFileName()));
                SafeTensors.write(out, tensors, meta);
                PrintWriter w = spec.commandLine().getOut();
                w.printf("wrote %d tensors to %s%n", tensors.size(), out);
                w.flush();
                return 0;
            } catch (IOException | RuntimeException e) {
                return fail(spec, e);
            }
        }
    }

    private static int fail(CommandSpec spec, Exception e) {
        PrintWriter err = spec.commandLine().getErr();
        String msg = e instanceof NoSuchFileException n ? n.getFile() + ": no such file" : e.getMessage();
        err.println(spec.qualifiedName() + ": " + (msg == null ? e.toString() : msg));
        if (e instanceof RuntimeException) e.printStackTrace(err); // a bug, not bad input: show where
        err.flush();
        return 1;
    }

    /** Sum of all elements in double, in row-major order. */
    static double sum(Tensor t) {
        double s = 0;
        for (double v : t.toDoubleArray()) s += v;
        return s;
    }

    private static String abbreviate(String s) { return s.length() <= 200 ? s : s.substring(0, 200) + "... (" + s.length() + " chars)"; }

    /** Runs the command alone (the CLI Main adds it as a subcommand instead). */
    public static void main(String[] args) {
        System.exit(new CommandLine(new CheckpointCommand()).execute(args));
    }
}
