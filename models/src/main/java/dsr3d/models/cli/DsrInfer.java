package dsr3d.models.cli;

import dsr3d.models.data.MvtecAdDataset;
import dsr3d.models.dsr.DsrModel;
import dsr3d.models.dsr.DsrPipeline;
import dsr3d.models.infer.DadaWeights;
import dsr3d.models.viz.AnomalyOverlay;
import dsr3d.nn.io.SafeTensors;
import dsr3d.simulate.io.ByteImage;
import dsr3d.simulate.io.FloatImage;
import dsr3d.simulate.io.Tiff;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.cpu.simd.Parallel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./3dsr infer --method dsr}: the official test_dsr.py loop ({@link DsrPipeline}) over an
 * MVTec AD class's test split, or one PNG. Same layout as 3DSR's infer: OUT/C/test/TYPE/STEM.tiff
 * (the pixel map, the upsampling module's softmax channel 1 at the model resolution, float32:
 * what {@code ./3dsr evaluate --layout mvtec-ad} reads), OUT/C/scores.json (image score = max of the
 * 21 x 21 box mean of the anomaly module's output), optionally OUT/C/intermediates/ and overlays/.
 */
final class DsrInfer {
    private DsrInfer() {}

    static int run(InferCommand c) throws IOException {
        boolean single = c.rgb != null;
        if (c.xyz != null) throw new IllegalArgumentException("--method dsr is RGB only: no --xyz");
        if (single && c.datasetDir != null)
            throw new IllegalArgumentException("give either --rgb or --dataset-base-dir, not both (--category names the official files' class)");
        if (!single && (c.datasetDir == null || c.category == null))
            throw new IllegalArgumentException("--dataset-base-dir and --category are required (or --rgb for one image)");
        if (c.modality != null && !c.modality.equals("rgb")) throw new IllegalArgumentException("--method dsr is RGB only, got --modality " + c.modality);
        if (c.smoothing != null) throw new IllegalArgumentException("--smoothing: DSR's score is fixed (21 x 21 box) and its map unsmoothed");
        if (c.batch < 1) throw new IllegalArgumentException("--batch must be >= 1, got " + c.batch);
        if (c.threads < 0) throw new IllegalArgumentException("--threads must be >= 1, got " + c.threads);
        if (c.imageSize < 0 || c.imageSize % 32 != 0) throw new IllegalArgumentException("--image-size must be a positive multiple of 32, got " + c.imageSize);
        if (c.threads > 0) Parallel.setThreads(c.threads);

        DadaWeights.Loaded vq = DadaWeights.loadDsr(c.dada);
        DsrModel m = DsrModel.load(c.model, c.category, vq.model().config(), c.imageSize > 0 ? c.imageSize : 256);
        m.checkDada(vq.sha256(), c.dada);
        int size = c.imageSize > 0 ? c.imageSize : m.config().imageSize();
        DsrPipeline pipeline = new DsrPipeline(vq.model(), m);

        List<MvtecAdDataset.Item> items;
        Path base;
        if (single) {
            String stem = c.rgb.getFileName().toString().split("\\.", -1)[0];
            items = List.of(new MvtecAdDataset.Item("", "single", stem, c.rgb, null));
            base = c.out;
        } else {
            MvtecAdDataset ds = MvtecAdDataset.open(c.datasetDir);
            if (!ds.categories().contains(c.category))
                throw new IllegalArgumentException("--category " + c.category + ": not in " + c.datasetDir + " (has " + ds.categories() + ")");
            items = ds.samples(c.category, "test");
            if (items.isEmpty()) throw new IllegalArgumentException("--category " + c.category + ": no test images under " + c.datasetDir);
            base = c.out.resolve(c.category);
        }
        Files.createDirectories(base);
        List<Map<String, Object>> scores = new ArrayList<>();
        Progress progress = new Progress("infer", items.size());
        try {
            for (int i = 0; i < items.size(); i += c.batch) {
                List<MvtecAdDataset.Item> chunk = items.subList(i, Math.min(items.size(), i + c.batch));
                List<MvtecAdDataset.Loaded> loaded = new ArrayList<>();
                Tensor[] inputs = new Tensor[chunk.size()];
                for (int b = 0; b < chunk.size(); b++) {
                    MvtecAdDataset.Loaded l = MvtecAdDataset.load(chunk.get(b), size);
                    loaded.add(l);
                    inputs[b] = Tensor.of(l.image(), 1, 3, size, size);
                }
                DsrPipeline.Result r = pipeline.run(inputs.length == 1 ? inputs[0] : Tensor.concat(0, inputs));
                for (int b = 0; b < chunk.size(); b++) {
                    MvtecAdDataset.Item it = chunk.get(b);
                    write(c, base, single, loaded.get(b), r, b);
                    scores.add(ScoresFile.entry(it.type(), it.stem(), r.scores()[b]));
                }
                progress.advance(chunk.size(), chunk.getLast().type() + "/" + chunk.getLast().stem());
            }
        } finally {
            progress.done();
        }
        ScoresFile.write(base, scores, single);
        return 0;
    }

    private static void write(InferCommand c, Path base, boolean single, MvtecAdDataset.Loaded l, DsrPipeline.Result r, int b) throws IOException {
        MvtecAdDataset.Item it = l.item();
        int h = r.anomalyMap().size(2), w = r.anomalyMap().size(3);
        float[] map = r.anomalyMap().slice(0, b, b + 1).to(DType.F32).toFloatArray();
        Path tiff = single ? base.resolve(it.stem() + ".tiff") : base.resolve("test").resolve(it.type()).resolve(it.stem() + ".tiff");
        Files.createDirectories(tiff.getParent());
        Tiff.writeFloat(tiff, new FloatImage(w, h, 1, map));
        if (c.saveIntermediates && !single) {
            Map<String, Tensor> t = new LinkedHashMap<>();
            t.put("input", one(r.input(), b));
            t.put("recon_general", one(r.reconGeneral(), b));
            t.put("recon_object", one(r.reconObject(), b));
            t.put("mask_logits", one(r.maskLogits(), b));
            t.put("upsample_logits", one(r.upsampleLogits(), b));
            t.put("anomaly_map", Tensor.of(map, h, w));
            t.put("score_map", one(r.scoreMap(), b));
            t.put("indices_lo", r.indicesLo().slice(0, b, b + 1).contiguous());
            t.put("indices_hi", r.indicesHi().slice(0, b, b + 1).contiguous());
            t.put("indices_lo_restricted", r.indicesLoRestricted().slice(0, b, b + 1).contiguous());
            t.put("indices_hi_restricted", r.indicesHiRestricted().slice(0, b, b + 1).contiguous());
            Path f = base.resolve("intermediates").resolve(it.type()).resolve(it.stem() + ".safetensors");
            Files.createDirectories(f.getParent());
            SafeTensors.write(f, t, Map.of("sample", it.id()));
        }
        if (c.overlays || single) {
            Path png = single ? base.resolve(it.stem() + ".png") : base.resolve("overlays").resolve(it.type()).resolve(it.stem() + ".png");
            Files.createDirectories(png.getParent());
            int s = l.size();
            boolean[] gt = new boolean[s * s];
            for (int i = 0; i < gt.length; i++) gt[i] = l.mask()[i] > 0.5f;
            AnomalyOverlay.Sample o = new AnomalyOverlay.Sample(it.type() + "/" + it.stem() + String.format(Locale.ROOT, "  score %.4f", r.scores()[b]),
                    bgrPicture(l.image(), s, s), null, 0, 0, gt, s, s, map, w, h, Double.NaN, Double.NaN);
            AnomalyOverlay.write(png, o, bgrPicture(one(r.reconObject(), b).toFloatArray(), r.reconObject().size(2), r.reconObject().size(3)));
        }
    }

    private static Tensor one(Tensor t, int b) { return t.slice(0, b, b + 1).to(DType.F32).contiguous(); }

    /** [3, h, w] BGR in [0, 1] (clamped) as an 8-bit RGB picture. */
    static ByteImage bgrPicture(float[] bgr, int h, int w) {
        byte[] px = new byte[h * w * 3];
        for (int i = 0; i < h * w; i++)
            for (int k = 0; k < 3; k++) {
                float x = Math.max(0, Math.min(1, bgr[(2 - k) * h * w + i]));
                px[i * 3 + k] = (byte) Math.round(x * 255);
            }
        return new ByteImage(w, h, 3, px);
    }
}
