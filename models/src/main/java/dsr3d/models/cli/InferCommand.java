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
import dsr3d.simulate.io.JsonText;
import dsr3d.simulate.io.Tiff;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.cpu.simd.Parallel;
import dsr3d.tensor.io.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
    @Option(names = "--modality", paramLabel = "rgbd|depth|rgb", description = "For official files (default rgbd); our files carry theirs.")
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

    @Override
    public Integer call() throws IOException {
        boolean single = rgb != null || xyz != null;
        if (single && (rgb == null || xyz == null)) throw new IllegalArgumentException("--rgb and --xyz go together");
        if (single && (datasetDir != null || category != null))
            throw new IllegalArgumentException("give either --rgb/--xyz or --dataset-base-dir/--category, not both");
        if (!single && (datasetDir == null || category == null))
            throw new IllegalArgumentException("--dataset-base-dir and --category are required (or --rgb and --xyz for one image)");
        if (batch < 1) throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        if (threads < 0) throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
        if (threads > 0) Parallel.setThreads(threads);

        DadaWeights.Loaded d = DadaWeights.load(dada, 0);
        Modality wanted = modality == null ? null : Modality.parse(modality);
        Stage2Model m = Stage2Model.load(model, d.model().config(), Preprocess3dsr.SIZE);
        if (wanted != null && wanted != m.config().modality())
            throw new IllegalArgumentException("--modality " + wanted.cliName() + " but " + dada + " is a " + m.config().modality().cliName() + " DADA");
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
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("type", s.type());
                    e.put("stem", s.stem());
                    e.put("score", r.scores()[b]);
                    scores.add(e);
                }
                progress.advance(chunk.size(), chunk.getLast().type() + "/" + chunk.getLast().stem());
            }
        } finally {
            progress.done();
        }
        AtomicFiles.write(base.resolve("scores.json"), (JsonText.of(scores) + "\n").getBytes(StandardCharsets.UTF_8));
        System.out.println("wrote " + samples.size() + " anomaly map(s) and " + base.resolve("scores.json"));
        if (single) System.out.println("score " + scores.getFirst().get("score"));
        return 0;
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
