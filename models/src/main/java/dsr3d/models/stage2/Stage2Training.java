package dsr3d.models.stage2;

import dsr3d.models.dada.DadaConfig;
import dsr3d.models.dada.Modality;
import dsr3d.models.data.LoadOptions;
import dsr3d.models.data.LoadedSample;
import dsr3d.models.data.Mvtec3dDataset;
import dsr3d.models.data.Preprocess3dsr;
import dsr3d.models.data.Sample;
import dsr3d.models.infer.DadaWeights;
import dsr3d.models.train.TrainingLoop;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One stage-2 training job from its settings to {@link Stage2Run}: what {@code ./3dsr train} does,
 * in one place, so that the command and the demo (which trains several categories at once) run
 * exactly the same code, and {@link Request#commandLine()} is the command a user types to repeat it.
 */
public final class Stage2Training {
    private Stage2Training() {}

    /**
     * @param modality  null = the DADA's
     * @param imageSize 0 = the preset's default (paper 384, small the DADA's image size)
     */
    public record Request(Path datasetBaseDir, String category, Path dada, Path out, String preset, Modality modality,
                          int imageSize, Stage2Trainer.Options options, Stage2Run.Settings settings,
                          Stage2Data.MaskAlignment alignment) {
        public Request {
            if (!preset.equals("paper") && !preset.equals("small")) throw new IllegalArgumentException("--preset must be paper or small, got '" + preset + "'");
            if (imageSize < 0) throw new IllegalArgumentException("--image-size must be >= 0, got " + imageSize);
        }

        /** The equivalent {@code ./3dsr train} command line (every non-default setting spelled out). */
        public List<String> commandLine(int threads) {
            List<String> a = new ArrayList<>(List.of("./3dsr", "train", "--dataset-base-dir", datasetBaseDir.toString(), "--category", category,
                    "--dada", dada.toString(), "--out", out.toString(), "--preset", preset));
            if (modality != null) a.addAll(List.of("--modality", modality.cliName()));
            if (imageSize > 0) a.addAll(List.of("--image-size", Integer.toString(imageSize)));
            a.addAll(List.of("--iterations", Long.toString(options.iterations()), "--batch", Integer.toString(options.batch()),
                    "--lr", String.format(Locale.ROOT, "%s", options.lr()), "--seed", Long.toString(options.seed()),
                    "--checkpoint-every", Long.toString(settings.checkpointEvery())));
            if (settings.validateEvery() > 0) a.addAll(List.of("--validate-every", Long.toString(settings.validateEvery())));
            if (settings.sampleEvery() > 0) a.addAll(List.of("--sample-every", Long.toString(settings.sampleEvery())));
            if (alignment != Stage2Data.MaskAlignment.OFFICIAL_UNROTATED) a.addAll(List.of("--mask-alignment", "rotated"));
            a.addAll(List.of("--threads", Integer.toString(threads)));
            return a;
        }
    }

    /** Loads a list of samples ("train images" / "test images"); the command shows a progress bar. */
    @FunctionalInterface
    public interface SampleLoader {
        List<LoadedSample> load(String what, List<Sample> samples) throws IOException;
    }

    /** Loads every sample, quietly. */
    public static List<LoadedSample> loadQuietly(String what, List<Sample> samples) throws IOException {
        List<LoadedSample> out = new ArrayList<>(samples.size());
        for (Sample s : samples) out.add(s.load());
        return out;
    }

    /** A trainer ready to run, the DADA's SHA-256 (recorded in the model), the validation split and a one-line summary. */
    public record Prepared(Request request, Stage2Trainer trainer, String dadaSha256, List<LoadedSample> validation, String summary) {
        /** Runs (or resumes) to the last iteration or stopAfter; returns the last completed step. */
        public long run(boolean resume, long stopAfter, TrainingLoop.Listener listener) throws IOException {
            return Stage2Run.run(trainer, dadaSha256, request.out(), request.settings(), validation, resume, stopAfter, listener);
        }
    }

    /** Loads the DADA and the data and checks they agree with the request (preset, modality, sizes). */
    public static Prepared prepare(Request r, SampleLoader loader) throws IOException {
        DadaWeights.Loaded d = DadaWeights.load(r.dada(), 0);
        DadaConfig dc = d.model().config();
        Modality m = dc.modality();
        if (r.modality() != null && r.modality() != m)
            throw new IllegalArgumentException("--modality " + r.modality().cliName() + " but the DADA " + r.dada() + " is a " + m.cliName() + " model");
        DadaConfig presetDada = DadaConfig.preset(r.preset(), m, dc.groups() == 1).withImageSize(dc.imageSize());
        if (!presetDada.equals(dc))
            throw new IllegalArgumentException("--preset " + r.preset() + " but the DADA " + r.dada() + " has other sizes (" + dc.toJson()
                    + "); the stage-2 widths follow the DADA, use the preset it was trained with");
        int size = r.imageSize() > 0 ? r.imageSize() : r.preset().equals("paper") ? Preprocess3dsr.SIZE : dc.imageSize();
        Stage2Model.Config config = Stage2Model.Config.forDada(dc, size);

        Mvtec3dDataset ds = Mvtec3dDataset.open(r.datasetBaseDir(), new LoadOptions(size, Preprocess3dsr.GtMode.NEAREST_BINARY));
        List<Sample> goods = ds.samples(r.category(), "train", "good");
        if (goods.isEmpty()) throw new IllegalArgumentException("category '" + r.category() + "' has no train/good images under " + r.datasetBaseDir());
        List<LoadedSample> train = loader.load("train images", goods);
        List<LoadedSample> test = r.settings().validateEvery() > 0 ? loader.load("test images", ds.samples(r.category(), "test").toList()) : List.of();
        Stage2Trainer trainer = new Stage2Trainer(new FrozenDada(d.model()), config, new Stage2Data(train, r.alignment()), r.options());
        String summary = String.format(Locale.ROOT, "%s/%s, %d images at %d, modality %s, preset %s (%,d parameters), batch %d, %d iterations",
                r.datasetBaseDir(), r.category(), train.size(), size, m.cliName(), r.preset(), trainer.networks().parameterCount(),
                r.options().batch(), r.options().iterations());
        return new Prepared(r, trainer, d.sha256(), test, summary);
    }
}
