package dsr3d.models.explain;

import dsr3d.models.dada.DadaModel;
import dsr3d.models.dada.DadaModel.Level;
import dsr3d.models.dada.Modality;
import dsr3d.models.data.LoadOptions;
import dsr3d.models.data.LoadedSample;
import dsr3d.models.data.Mvtec3dDataset;
import dsr3d.models.data.Preprocess3dsr;
import dsr3d.models.data.Sample;
import dsr3d.models.infer.DadaWeights;
import dsr3d.models.infer.SampleOverlay;
import dsr3d.models.infer.TestTimePipeline;
import dsr3d.models.report.CodeUsage;
import dsr3d.models.report.Doc;
import dsr3d.models.report.HtmlOut;
import dsr3d.models.stage2.AnomalyModes;
import dsr3d.models.stage2.AnomalyScoring;
import dsr3d.models.stage2.FeatureAnomalies;
import dsr3d.models.stage2.FrozenDada;
import dsr3d.models.stage2.LatentAnomalies;
import dsr3d.models.stage2.Stage2Model;
import dsr3d.models.stage2.Stage2Step;
import dsr3d.models.stage2.Stage2Trainer;
import dsr3d.models.viz.CodePictures;
import dsr3d.models.viz.PanelGrid;
import dsr3d.models.viz.PanelGrid.Panel;
import dsr3d.simulate.AnomalyMasks;
import dsr3d.simulate.Rng;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.autograd.NoGrad;
import dsr3d.tensor.io.AtomicFiles;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Views for teaching ({@code ./3dsr explain}): what the DADA does with one RGB-D image and how
 * stage 2's latent anomaly generation works, as PNGs with a short text each, collected in one
 * self-contained OUT/index.html. The image is preprocessed exactly as {@code ./3dsr infer --rgb --xyz}
 * does it ({@link Mvtec3dDataset#single}) at the model's image size (the DADA's without a model).
 *
 * <p>Pictures: the input; the code-index maps of both levels; the images decoded from Q_lo alone
 * (Q_hi replaced by zeros) and from Q_lo + Q_hi; the codebook usage of this image; then the anomaly
 * generation of one training step with both levels modified (as the use_both mode of
 * {@link AnomalyModes}) and codebook replacements (not the patch shuffle, which the training draws
 * half of the time): the Perlin mask, the replaced codes, the general decoder's image of them; with
 * a stage-2 model also the object decoder's output, the predicted mask, and the test-time anomaly
 * map of the unmodified image.
 */
public final class Explain {
    private Explain() {}

    /** @param model null: only the DADA views */
    public record Options(Path dada, Path model, Path rgb, Path xyz, Path out, long seed) {}

    /** What was written: the page and the pictures. */
    public record Written(Path index, List<Path> pictures) {}

    private static final int SIDE = 256;

    public static Written run(Options o) throws IOException {
        DadaWeights.Loaded d = DadaWeights.load(o.dada(), 0);
        DadaModel dada = d.model();
        dada.eval();
        Stage2Model model = null;
        if (o.model() != null) {
            model = Stage2Model.load(o.model(), dada.config(), Preprocess3dsr.SIZE);
            model.checkDada(d.sha256(), o.dada());
            if (model.config().modality() != dada.config().modality())
                throw new IllegalArgumentException("--model " + o.model() + " is " + model.config().modality().cliName() + " but the DADA is " + dada.config().modality().cliName());
            model.eval();
        }
        int size = model != null ? model.config().imageSize() : dada.config().imageSize();
        Modality mod = dada.config().modality();
        Sample sample = Mvtec3dDataset.single(o.rgb(), o.xyz(), new LoadOptions(size, Preprocess3dsr.GtMode.NEAREST_BINARY));
        LoadedSample l = sample.load();
        Tensor x = Stage2Trainer.select(mod, l.input().reshape(1, 4, size, size));       // [1, C, S, S]

        Doc doc = new Doc("3DSR explained on " + o.rgb().getFileName());
        doc.text(String.format(Locale.ROOT, "DADA %s (%s, codebooks of %d codes x %d dims), image %s at %d x %d%s.", o.dada(), mod.cliName(),
                dada.config().numEmbeddings(), dada.config().embeddingDim(), o.rgb(), size, size,
                model == null ? "; no stage-2 model (--model), so the object decoder and the predicted mask are left out" : ", stage-2 model " + o.model()));
        Views v = new Views(mod, size);
        try (NoGrad ignored = NoGrad.enter()) {
            dadaViews(doc, v, dada, x);
            anomalyViews(doc, v, dada, model, x, l, o.seed());
            if (model != null) testTime(doc, dada, model, x, sample, l, mod);
        }

        Files.createDirectories(o.out());
        List<Path> pictures = new ArrayList<>();
        for (Doc.Figure f : doc.figures()) {
            Path p = o.out().resolve(f.file());
            AtomicFiles.write(p, f.png());
            pictures.add(p);
        }
        Path index = o.out().resolve("index.html");
        AtomicFiles.write(index, HtmlOut.render(doc, true).getBytes(StandardCharsets.UTF_8));
        return new Written(index, pictures);
    }

    /** Panels of model tensors for one modality: an RGB row and/or a depth row. */
    private record Views(Modality mod, int size) {
        boolean hasDepth() { return mod != Modality.RGB; }
        boolean hasRgb() { return mod != Modality.DEPTH; }

        /** [1, C, S, S] -> the RGB panel (channels 1..3 for RGBD, 0..2 for RGB). */
        Panel rgb(String title, Tensor t) { return new Panel(title, PanelGrid.rgb(values(t), mod == Modality.RGBD ? 1 : 0, size, size), false); }

        Panel depth(String title, Tensor t) { return new Panel(title, PanelGrid.depth(values(t), 0, size, size), false); }

        /** Rows "RGB" and "depth" of the given tensors with their titles. */
        BufferedImage rows(List<String> titles, List<Tensor> images) {
            List<List<Panel>> rows = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            if (hasRgb()) { rows.add(each(titles, images, true)); labels.add("RGB"); }
            if (hasDepth()) { rows.add(each(titles, images, false)); labels.add("depth"); }
            return PanelGrid.render(rows, labels, SIDE);
        }

        private List<Panel> each(List<String> titles, List<Tensor> images, boolean rgb) {
            List<Panel> out = new ArrayList<>();
            for (int i = 0; i < titles.size(); i++) out.add(rgb ? rgb(titles.get(i), images.get(i)) : depth(titles.get(i), images.get(i)));
            return out;
        }
    }

    private static float[] values(Tensor t) { return t.to(DType.F32).contiguous().toFloatArray(); }

    private static void dadaViews(Doc doc, Views v, DadaModel dada, Tensor x) {
        DadaModel.Output out = dada.forward(x);
        int[] lo = out.lo().indices().toIntArray(), hi = out.hi().indices().toIntArray();   // [S/8 * S/8], [S/4 * S/4]
        int sLo = v.size() / 8, sHi = v.size() / 4, k = dada.config().numEmbeddings();

        doc.heading(2, "The DADA: image to codes and back", "dada");
        List<Panel> inputs = new ArrayList<>();
        if (v.hasRgb()) inputs.add(v.rgb("RGB", x));
        if (v.hasDepth()) inputs.add(v.depth("depth", x));
        doc.figure("01-input.png", PanelGrid.render(List.of(inputs), null, SIDE), "the input",
                "The model input after the 3DSR preprocessing (as ./3dsr infer): RGB scaled to [0, 1] and the depth from the point cloud, "
                        + "background plane removed, normalised to [0.1, 0.9] on the object (0 = no object, shown dark purple).");
        CodeUsage usage = CodeUsage.of(dada);
        usage.add(Level.LO, out.lo().indices());
        usage.add(Level.HI, out.hi().indices());
        doc.figure("02-codes-lo.png", codeMap(lo, sLo, null, "lo codes (" + sLo + " x " + sLo + ")"), "lo code map",
                String.format(Locale.ROOT, "The lo level: the encoder reduces the image to %d x %d feature vectors (1/8 of the side), and each is replaced by "
                        + "its nearest codeword of the lo codebook K_lo (%d codes). Each cell is one position, its colour the index of the chosen code "
                        + "(one colour per code; equal colours = the same code). This image uses %d distinct lo codes. The lo level carries the coarse layout.",
                        sLo, sLo, k, usage.used(Level.LO)));
        doc.figure("03-codes-hi.png", codeMap(hi, sHi, null, "hi codes (" + sHi + " x " + sHi + ")"), "hi code map",
                String.format(Locale.ROOT, "The hi level: %d x %d positions (1/4 of the side), each quantized with K_hi (%d codes) after combining the "
                        + "encoder's hi features with the upsampled Q_lo. %d distinct hi codes. The hi level adds the fine detail.", sHi, sHi, k, usage.used(Level.HI)));
        Tensor reconLo = dada.decode(out.upQuantizedT(), out.quantizedB().mul(0));
        doc.figure("04-decoded.png", v.rows(List.of("input", "from Q_lo alone", "from Q_lo + Q_hi"), List.of(x, reconLo, out.recon())), "decoded images",
                "The DADA's general decoder on the quantized features. Middle: from Q_lo alone (Q_hi replaced by zeros), so only the coarse "
                        + "codes speak; the decoder was trained with both levels, so this is at best a faint, blurred layout. Right: from Q_lo + Q_hi, the DADA's full reconstruction; what is missing here "
                        + "is what the two codebooks cannot express.");
        doc.figure("05-usage-lo.png", CodePictures.usageHistogram("lo codebook on this image", usage.counts(Level.LO), usage.perplexity(Level.LO)),
                "lo codebook usage", String.format(Locale.ROOT, "How often each lo code is chosen in this image (bars in the colours of the code map). "
                        + "Perplexity %.1f = exp(entropy of the usage): as spread as %.1f equally used codes; at most %d.",
                        usage.perplexity(Level.LO), usage.perplexity(Level.LO), Math.min(k, sLo * sLo)));
        doc.figure("06-usage-hi.png", CodePictures.usageHistogram("hi codebook on this image", usage.counts(Level.HI), usage.perplexity(Level.HI)),
                "hi codebook usage", String.format(Locale.ROOT, "The same for the hi codes: perplexity %.1f, %d of %d codes used.",
                        usage.perplexity(Level.HI), usage.used(Level.HI), k));
    }

    private static void anomalyViews(Doc doc, Views v, DadaModel dada, Stage2Model model, Tensor x, LoadedSample l, long seed) {
        int s = v.size(), sLo = s / 8, sHi = s / 4;
        doc.heading(2, "Latent anomaly generation (stage 2 training)", "anomalies");
        doc.text("Stage 2 learns to detect anomalies without ever seeing a real one: it makes them in the DADA's code space. One training step on "
                + "this image, step by step (seed " + seed + "). The training chooses at random whether the lo level, the hi level or both are "
                + "modified, and half of the time it shuffles patches of codes instead of replacing them; shown here: both levels, replaced codes.");
        Rng rng = new Rng(seed);
        float[] mask = null;
        int tries = 0;
        while (mask == null || sum(mask) == 0) {   // the training draws an empty mask (a normal sample) half of the time
            if (++tries > 100) throw new IllegalArgumentException(l.sample().rgb() + ": no simulated-anomaly mask fits the object (no foreground with valid depth?)");
            mask = AnomalyMasks.threeDsr(s, s, l.foreground(), l.validDepth(), rng);
        }
        Tensor m = Tensor.of(mask, 1, 1, s, s);
        BufferedImage rgbOrDepth = v.hasRgb() ? v.rgb("", x).image() : v.depth("", x).image();
        doc.figure("07-perlin-mask.png", PanelGrid.render(List.of(List.of(new Panel("image", rgbOrDepth, false),
                        new Panel("Perlin mask M", PanelGrid.gray(mask, s, s), true), new Panel("M on the image", PanelGrid.tint(rgbOrDepth, mask), true))), null, SIDE),
                "Perlin mask", "Where the anomaly goes: M = |Perlin noise| > tau (tau uniform in [0.4, 0.8]) on a randomly scaled and rotated noise, "
                        + "kept only on the object (foreground with valid depth). Its shape is random, unlike any real defect: the detector must "
                        + "learn \"different from normal\", not a particular defect.");

        FrozenDada frozen = new FrozenDada(dada);
        FrozenDada.Features f = frozen.encode(x);
        FeatureAnomalies.Draws r = FeatureAnomalies.Draws.random(rng, 1, sLo, sLo, sHi, sHi, dada.codebook(Level.LO).size(0), dada.codebook(Level.HI).size(0));
        FeatureAnomalies.Draws draws = new FeatureAnomalies.Draws(r.strengthLo(), r.strengthHi(), replaced(r.lo()), replaced(r.hiBoth()), replaced(r.hiOnly()),
                new AnomalyModes(new boolean[]{true}, new boolean[]{true}));
        FeatureAnomalies.Batch b = FeatureAnomalies.generate(f.encHi(), f.zLo(), f.qLo(), m, frozen, draws);
        int[] qLo = dada.quantize(Level.LO, f.qLo()).indices().toIntArray(), aLo = dada.quantize(Level.LO, b.loInput()).indices().toIntArray();
        int[] qHi = dada.quantize(Level.HI, b.qHiReal()).indices().toIntArray(), aHi = dada.quantize(Level.HI, b.hiInput()).indices().toIntArray();
        boolean[] mLo = pooled(m, sLo), mHi = pooled(m, sHi);
        int kLo = dada.codebook(Level.LO).size(0);
        doc.figure("08-replaced-codes.png", PanelGrid.render(List.of(
                        List.of(new Panel("Q_lo (quantized)", CodePictures.indexMap(qLo, sLo, sLo, 1, null), true),
                                new Panel("M at lo resolution", CodePictures.indexMap(aLo, sLo, sLo, 8, mLo), true),
                                new Panel("A_lo (codes replaced)", CodePictures.indexMap(aLo, sLo, sLo, 1, null), true)),
                        List.of(new Panel("Q_hi (quantized)", CodePictures.indexMap(qHi, sHi, sHi, 1, null), true),
                                new Panel("M at hi resolution", CodePictures.indexMap(aHi, sHi, sHi, 8, mHi), true),
                                new Panel("A_hi (codes replaced)", CodePictures.indexMap(aHi, sHi, sHi, 1, null), true))),
                        List.of("lo", "hi"), SIDE), "replaced codes",
                String.format(Locale.ROOT, "The quantized map and the replaced codes. The mask is max-pooled to each level's grid (middle: the "
                        + "replaced positions outlined, the rest faded). At each masked position the code is swapped for one that is near but "
                        + "not nearest: codes ranked by distance to the feature, the nearest %d (5 %%) skipped, one drawn from the next ranks up "
                        + "to the strength s (here s_lo = %.2f, s_hi = %.2f of the %d codes). The hi features are recomputed from the modified "
                        + "A_lo before their own replacement. %d of %d lo and %d of %d hi positions changed.",
                        LatentAnomalies.excluded(kLo), draws.strengthLo()[0], draws.strengthHi()[0], kLo,
                        changed(qLo, aLo), qLo.length, changed(qHi, aHi), qHi.length));

        Tensor general = dada.decode(dada.upsampleLo(b.loInput()), b.hiInput());
        float[] gt = b.groundTruth().toFloatArray();
        if (model == null) {
            doc.figure("09-general-decoder.png", v.rows(List.of("input", "DADA decoder on A"), List.of(x, general)), "general decoder output",
                    "What the frozen DADA decoder makes of the modified codes: the simulated anomaly in image space (the U-Net's second input). "
                            + "Give --model to see the object decoder's answer and the predicted mask.");
            return;
        }
        Stage2Step.Result res = Stage2Step.forward(model.nets(), frozen, b, x);
        doc.figure("09-decoders.png", v.rows(List.of("input", "DADA decoder on A", "object decoder"), List.of(x, res.reconGeneral(), res.reconObject())),
                "decoder outputs", "Middle: the general DADA decoder on the modified codes, the anomaly visible. Right: the object decoder's output: the "
                        + "subspace restriction networks map A_lo and A_hi back towards codes of normal appearance of this object and the "
                        + "object-specific decoder draws them, ideally the anomaly-free object. Where the two disagree is where the anomaly is.");
        float[] prob = AnomalyScoring.anomalyProbability(res.logits()).to(DType.F32).toFloatArray();
        doc.figure("10-predicted-mask.png", PanelGrid.render(List.of(List.of(new Panel("training target", PanelGrid.gray(gt, s, s), true),
                        new Panel("predicted anomaly probability", PanelGrid.heat(prob, s, s), true),
                        new Panel("prediction on the image", PanelGrid.tint(rgbOrDepth, threshold(prob)), true))), null, SIDE),
                "predicted mask", String.format(Locale.ROOT, "Left: the mask the anomaly detection module is trained to output (M max-pooled to the lo "
                        + "grid and back: blocks of %d pixels). Middle: its prediction from the two decoder outputs, the softmax probability of "
                        + "'anomalous' (blue 0, red 1). Right: probability > 0.5 tinted red. Mean probability inside the target %.3f, outside %.3f.",
                        s / sLo, meanWhere(prob, gt, true), meanWhere(prob, gt, false)));
    }

    private static void testTime(Doc doc, DadaModel dada, Stage2Model model, Tensor x, Sample sample, LoadedSample l, Modality mod) throws IOException {
        TestTimePipeline.Result r = new TestTimePipeline(dada, model, TestTimePipeline.officialSmoothing(model)).run(x);
        int h = r.anomalyMap().size(2), w = r.anomalyMap().size(3);
        doc.heading(2, "At test time", "test");
        doc.figure("11-test-time.png", SampleOverlay.render("", sample, l, values(r.anomalyMap()), w, h, r.scores()[0],
                        r.reconObject().to(DType.F32).contiguous(), mod), "test-time anomaly map",
                String.format(Locale.ROOT, "The unmodified image through the whole model (as ./3dsr infer): RGB, depth, the object decoder's "
                        + "reconstruction, and the smoothed anomaly map over the image. Image score (map maximum) %.4f.", r.scores()[0]));
    }

    /** The draws with the patch shuffle switched off (codebook replacement only). */
    private static LatentAnomalies.Draws replaced(LatentAnomalies.Draws d) { return new LatentAnomalies.Draws(d.offsets(), false, 0, null); }

    /** M [1, 1, S, S] max-pooled to n x n, as booleans. */
    private static boolean[] pooled(Tensor m, int n) {
        double[] v = LatentAnomalies.downsampleMask(m, 1, n, n);
        boolean[] out = new boolean[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i] > 0.5;
        return out;
    }

    private static BufferedImage codeMap(int[] idx, int n, boolean[] highlight, String what) {
        return CodePictures.indexMap(idx, n, n, Math.max(1, SIDE / n), highlight);
    }

    private static int changed(int[] a, int[] b) {
        int n = 0;
        for (int i = 0; i < a.length; i++) if (a[i] != b[i]) n++;
        return n;
    }

    private static double sum(float[] v) {
        double s = 0;
        for (float f : v) s += f;
        return s;
    }

    private static float[] threshold(float[] p) {
        float[] out = new float[p.length];
        for (int i = 0; i < p.length; i++) out[i] = p[i] > 0.5f ? 1 : 0;
        return out;
    }

    private static double meanWhere(float[] p, float[] gt, boolean inside) {
        double s = 0;
        int n = 0;
        for (int i = 0; i < p.length; i++) if ((gt[i] > 0.5f) == inside) { s += p[i]; n++; }
        return n == 0 ? Double.NaN : s / n;
    }
}
