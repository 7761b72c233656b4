package dsr3d.models.report;

import dsr3d.models.dada.DadaModel;
import dsr3d.models.data.Sample;
import dsr3d.models.infer.DadaWeights;
import dsr3d.models.viz.CodePictures;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.autograd.NoGrad;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The report's codebook usage: the DADA (eval mode) on every test image of each category, the
 * chosen code of every lo position (1/8 of the side) and hi position (1/4) counted
 * ({@link CodeUsage}), shown as a table (used codes, perplexity) and one histogram per level.
 */
final class CodebookSection {
    private CodebookSection() {}

    static final int BATCH = 8;

    static void add(Doc doc, DemoFolder f, List<String> categories, ModelRunner runner, Consumer<String> note) {
        doc.heading(2, "Codebook usage", "codebook");
        DadaWeights.Loaded d = runner.dada();
        if (d == null) return;
        DadaModel dada = d.model();
        dada.eval();
        doc.text("Which of the DADA's codes the test images use. Each position of the lo feature map (1/8 of the image side) and of the hi "
                + "map (1/4) is replaced by its nearest codeword; the histograms count those choices over all test images of the class. "
                + "Perplexity = exp(entropy of the usage): the number of equally used codes with the same spread (at most the codebook size). "
                + "A small perplexity means a few codes describe everything (codebook collapse).");
        List<List<String>> rows = new ArrayList<>();
        List<Object[]> figures = new ArrayList<>();
        for (String c : categories) {
            int size = runner.model(c) != null ? runner.model(c).config().imageSize() : dada.config().imageSize();
            List<Sample> samples = runner.testSamples(c, size);
            CodeUsage usage = CodeUsage.of(dada);
            try (NoGrad ignored = NoGrad.enter()) {
                for (int i = 0; i < samples.size(); i += BATCH) {
                    List<Tensor> in = new ArrayList<>();
                    for (Sample s : samples.subList(i, Math.min(samples.size(), i + BATCH))) in.add(runner.input(s.load()));
                    DadaModel.Output out = dada.forward(in.size() == 1 ? in.getFirst() : Tensor.concat(0, in.toArray(Tensor[]::new)));
                    usage.add(DadaModel.Level.LO, out.lo().indices());
                    usage.add(DadaModel.Level.HI, out.hi().indices());
                }
            }
            for (DadaModel.Level level : DadaModel.Level.values()) {
                String name = level == DadaModel.Level.LO ? "lo (1/8)" : "hi (1/4)";
                long[] counts = usage.counts(level);
                rows.add(List.of(c, name, usage.used(level) + " / " + counts.length, String.format(Locale.ROOT, "%.1f", usage.perplexity(level)),
                        String.valueOf(samples.size())));
                figures.add(new Object[]{c, level, CodePictures.usageHistogram(c + ": " + name + " codebook on the test images", counts, usage.perplexity(level))});
            }
        }
        doc.table(new Doc.Table(List.of("class", "level", "codes used", "perplexity", "test images"), rows,
                new boolean[]{false, false, true, true, true}, List.of()));
        for (Object[] fig : figures) {
            String c = (String) fig[0];
            DadaModel.Level level = (DadaModel.Level) fig[1];
            String lv = level.name().toLowerCase(Locale.ROOT);
            doc.figure(c + "-codes-" + lv + ".png", (java.awt.image.BufferedImage) fig[2], c + " " + lv + " code usage",
                    c + ", " + lv + " level: one bar per used code, most used first, coloured as the code maps of ./3dsr explain.");
        }
    }
}
