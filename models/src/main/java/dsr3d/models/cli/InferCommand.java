package dsr3d.models.cli;

import dsr3d.models.dada.Modality;
import dsr3d.models.data.LoadOptions;
import dsr3d.models.data.LoadedSample;
import dsr3d.models.data.Mvtec3dDataset;
import dsr3d.models.data.Preprocess3dsr;
import dsr3d.models.data.Sample;
import dsr3d.models.infer.DadaWeights;
import dsr3d.models.infer.SampleOverlay;
import dsr3d.models.infer.TestTimePipeline;
import dsr3d.models.stage2.AnomalyScoring;
import dsr3d.models.stage2.Stage2Model;
import dsr3d.nn.io.SafeTensors;
import dsr3d.simulate.io.FloatImage;
import dsr3d.simulate.io.Tiff;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.cpu.simd.Parallel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./3dsr infer}: the official test loop (test_dsr.py) over a category's test split, or over
 * one rgb/xyz pair. Writes OUT/C/test/TYPE/STEM.tiff (the smoothed map, float32, model resolution:
 * what {@code ./3dsr evaluate --anomaly-maps-dir OUT} reads), OUT/C/scores.json, and optionally
 * intermediates and overlays. See {@link TestTimePipeline}.
 */
@Command(name = "infer", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class, sortOptions = false,
        description = {"Run 3DSR on a test set (or one image) and write anomaly maps and image scores.",
                "Dataset mode: OUT/C/test/<type>/<stem>.tiff, OUT/C/scores.json [, intermediates/, overlays/].",
                "Single image (--rgb, --xyz): OUT/<stem>.tiff, OUT/<stem>.png, OUT/scores.json."})
public final class InferCommand implements Callable<Integer> {
    @Option(names = "--dataset-base-dir", paramLabel = "DIR", description = "MVTec 3D-AD root (holds C/test/<type>/{rgb,xyz,gt}).")
    Path datasetDir;
    @Option(names = "--category", paramLabel = "C", description = "The category (object) to run.")
    String category;
    @Option(names = "--rgb", paramLabel = "IMG.png", description = "Single image: the RGB PNG (with --xyz, instead of a dataset).")
    Path rgb;
    @Option(names = "--xyz", paramLabel = "IMG.tiff", description = "Single image: the organized point cloud TIFF.")
    Path xyz;
    @Option(names = "--dada", required = true, paramLabel = "FILE", description = "DADA weights: our .safetensors or an official torch.save file (DADA_RGB_D.pckl).")
    Path dada;
    @Option(names = "--model", required = true, paramLabel = "FILE|PREFIX",
            description = "Our model.safetensors, or an official prefix P (P_seg.pckl, P_recon_lo.pckl, P_recon_hi.pckl, P_decode.pckl).")
    Path model;
    @Option(names = "--out", required = true, paramLabel = "OUT", description = "Output folder.")
    Path out;
    @Option(names = "--modality", paramLabel = "rgbd|depth|rgb", description = {"Official files: rgbd unless given (DADA_D.pckl: give depth).",
            "Our files carry theirs; a different value is an error."})
    String modality;
    @Option(names = "--save-intermediates", description = "Also write OUT/C/intermediates/<type>/<stem>.safetensors.")
    boolean saveIntermediates;
    @Option(names = "--overlays", description = "Also write OUT/C/overlays/<type>/<stem>.png.")
    boolean overlays;
    @Option(names = "--smoothing", paramLabel = "box:K|gaussian:SIGMA",
            description = "Map smoothing (default: the official box, 11 for rgbd/rgb, 21 for depth).")
    String smoothing;
    @Option(names = "--batch", defaultValue = "1", paramLabel = "N", description = "Images per forward pass (default: ${DEFAULT-VALUE}, as the official loop).")
    int batch;
    @Option(names = "--threads", defaultValue = "0", paramLabel = "N", description = "Worker threads (default: -Ddsr3d.threads, else all processors).")
    int threads;
    @Option(names = "--method", defaultValue = "3dsr", paramLabel = "3dsr|dsr",
            description = {"3dsr (default) or dsr: DSR (ECCV 2022) on an MVTec AD layout (--dataset-base-dir ROOT with ROOT/C/test/<type>/*.png,",
                    "or one --rgb PNG); --dada its VQ model (vq_model_pretrained_128_4096.pckl or ours), --model our DSR model.safetensors",
                    "or the folder / prefix holding the official <run>subspace_restriction_hi_C.pckl, ..., upsample_module_C.pckl."})
    String method;
    @Option(names = "--image-size", defaultValue = "0", paramLabel = "S", description = "--method dsr: the model resolution (default: the model file's, 256 for official files).")
    int imageSize;

    @Override
    public Integer call() throws IOException {
        if (!method.equals("3dsr") && !method.equals("dsr")) throw new IllegalArgumentException("--method must be 3dsr or dsr, got '" + method + "'");
        if (method.equals("dsr")) return DsrInfer.run(this);
        if (imageSize != 0) throw new IllegalArgumentException("--image-size applies to --method dsr only");
        boolean single = rgb != null || xyz != null;
        if (single && (rgb == null || xyz == null)) throw new IllegalArgumentException("--rgb and --xyz go together");
        if (single && (datasetDir != null || category != null))
            throw new IllegalArgumentException("give either --rgb/--xyz or --dataset-base-dir/--category, not both");
        if (!single && (datasetDir == null || category == null))
            throw new IllegalArgumentException("--dataset-base-dir and --category are required (or --rgb and --xyz for one image)");
        if (batch < 1) throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        if (threads < 0) throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
        if (threads > 0) Parallel.setThreads(threads);

        Modality wanted = modality == null ? null : Modality.parse(modality);
        DadaWeights.Loaded d = DadaWeights.load(dada, 0);
        Stage2Model m = Stage2Model.load(model, d.model().config(), Preprocess3dsr.SIZE);
        runModality(wanted, dada, d.configured(), d.model().config().modality(), model, Files.isRegularFile(model), m.config().modality());
        m.checkDada(d.sha256(), dada);
        AnomalyScoring.Smoothing sm = smoothing == null ? TestTimePipeline.officialSmoothing(m) : AnomalyScoring.Smoothing.parse(smoothing);
        TestTimePipeline pipeline = new TestTimePipeline(d.model(), m, sm);
        LoadOptions lo = new LoadOptions(m.config().imageSize(), Preprocess3dsr.GtMode.NEAREST_BINARY);

        List<Sample> samples;
        Path base;
        if (single) {
            samples = List.of(Mvtec3dDataset.single(rgb, xyz, lo));
            base = out;
        } else {
            Mvtec3dDataset ds = Mvtec3dDataset.open(datasetDir, lo);
            if (!ds.categories().contains(category))
                throw new IllegalArgumentException("--category " + category + ": not in " + datasetDir + " (has " + ds.categories() + ")");
            samples = ds.samples(category, "test").toList();
            if (samples.isEmpty()) throw new IllegalArgumentException("--category " + category + ": no test samples under " + datasetDir);
            base = out.resolve(category);
        }
        Files.createDirectories(base);
        List<Map<String, Object>> scores = new ArrayList<>();
        Progress progress = new Progress("infer", samples.size());
        try {
            for (int i = 0; i < samples.size(); i += batch) {
                List<Sample> chunk = samples.subList(i, Math.min(samples.size(), i + batch));
                List<LoadedSample> loaded = new ArrayList<>();
                List<Tensor> inputs = new ArrayList<>();
                for (Sample s : chunk) {
                    LoadedSample l = s.load();
                    loaded.add(l);
                    Tensor in = select(l.input(), m.config().modality());
                    inputs.add(in.reshape(1, in.size(0), in.size(1), in.size(2)));
                }
                TestTimePipeline.Result r = pipeline.run(inputs.size() == 1 ? inputs.getFirst() : Tensor.concat(0, inputs.toArray(Tensor[]::new)));
                for (int b = 0; b < chunk.size(); b++) {
                    Sample s = chunk.get(b);
                    write(base, single, s, loaded.get(b), r, b, m.config().modality());
                    scores.add(ScoresFile.entry(s.type(), s.stem(), r.scores()[b]));
                }
                progress.advance(chunk.size(), chunk.getLast().type() + "/" + chunk.getLast().stem());
            }
        } finally {
            progress.done();
        }
        ScoresFile.write(base, scores, single);
        return 0;
    }

    /**
     * The modality of a run. Our files carry it in their configuration (the model file's first,
     * else the DADA's): a {@code --modality} that contradicts it is a command-line error. Official
     * files (a torch.save DADA, an official prefix) are rgbd unless {@code --modality} says
     * otherwise, and the official DADA's shapes (its input channels) must agree: DADA_D.pckl needs
     * {@code --modality depth}. Errors are IllegalArgumentException (exit 2, one line).
     *
     * @param given         --modality, or null
     * @param dadaOurs      whether the DADA's configuration came from its metadata
     * @param dadaModality  the DADA's modality (from its metadata, or inferred from its shapes)
     * @param modelOurs     whether the model is our model.safetensors (not an official prefix)
     * @param modelModality the stage-2 model's modality (its configuration; an official prefix takes the DADA's)
     */
    static Modality runModality(Modality given, Path dadaFile, boolean dadaOurs, Modality dadaModality,
                                Path modelFile, boolean modelOurs, Modality modelModality) {
        if (modelOurs || dadaOurs) {
            Path file = modelOurs ? modelFile : dadaFile;
            Modality own = modelOurs ? modelModality : dadaModality;
            if (given != null && given != own)
                throw new IllegalArgumentException("--modality " + given.cliName() + " contradicts " + file + ", whose configuration says "
                        + own.cliName() + " (our files carry their modality: leave --modality out or give " + own.cliName() + ")");
            return own;
        }
        Modality m = given != null ? given : Modality.RGBD;
        if (dadaModality != m)
            throw new IllegalArgumentException((given != null ? "--modality " + m.cliName() + " but " : "official files are taken as rgbd, but ")
                    + "the official DADA " + dadaFile + " is a " + dadaModality.cliName() + " DADA (" + dadaModality.channels
                    + " input channel" + (dadaModality.channels == 1 ? "" : "s") + ")"
                    + (given != null ? "" : ": give --modality " + dadaModality.cliName()));
        return m;
    }

    /** The model input from the [D, R, G, B] sample: all four, depth only, or RGB only. */
    static Tensor select(Tensor drgb, Modality m) {
        return switch (m) {
            case RGBD -> drgb;
            case DEPTH -> drgb.slice(0, 0, 1).contiguous();
            case RGB -> drgb.slice(0, 1, 4).contiguous();
        };
    }

    private void write(Path base, boolean single, Sample s, LoadedSample l, TestTimePipeline.Result r, int b, Modality mod) throws IOException {
        int h = r.anomalyMap().size(2), w = r.anomalyMap().size(3);
        float[] map = r.anomalyMap().slice(0, b, b + 1).to(DType.F32).toFloatArray();
        Path tiff = single ? base.resolve(s.stem() + ".tiff") : base.resolve("test").resolve(s.type()).resolve(s.stem() + ".tiff");
        Files.createDirectories(tiff.getParent());
        Tiff.writeFloat(tiff, new FloatImage(w, h, 1, map));
        if (saveIntermediates && !single) {
            Map<String, Tensor> t = new LinkedHashMap<>();
            t.put("input", one(r.input(), b));
            t.put("recon_general", one(r.reconGeneral(), b));
            t.put("recon_object", one(r.reconObject(), b));
            t.put("mask_logits", one(r.maskLogits(), b));
            t.put("anomaly_map", Tensor.of(map, h, w));
            t.put("indices_lo", r.indicesLo().slice(0, b, b + 1).contiguous());
            t.put("indices_hi", r.indicesHi().slice(0, b, b + 1).contiguous());
            t.put("indices_lo_restricted", r.indicesLoRestricted().slice(0, b, b + 1).contiguous());
            t.put("indices_hi_restricted", r.indicesHiRestricted().slice(0, b, b + 1).contiguous());
            Path f = base.resolve("intermediates").resolve(s.type()).resolve(s.stem() + ".safetensors");
            Files.createDirectories(f.getParent());
            SafeTensors.write(f, t, Map.of("sample", s.id()));
        }
        if (overlays || single) {
            Path png = single ? base.resolve(s.stem() + ".png") : base.resolve("overlays").resolve(s.type()).resolve(s.stem() + ".png");
            Files.createDirectories(png.getParent());
            SampleOverlay.write(png, "", s, l, map, w, h, r.scores()[b], one(r.reconObject(), b), mod);
        }
    }

    private static Tensor one(Tensor t, int b) { return t.slice(0, b, b + 1).to(DType.F32).contiguous(); }
}
