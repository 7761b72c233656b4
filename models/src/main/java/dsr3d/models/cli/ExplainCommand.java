package dsr3d.models.cli;

import dsr3d.models.explain.Explain;
import dsr3d.tensor.cpu.simd.Parallel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code ./3dsr explain}: teaching views of the DADA and of the latent anomaly generation on one image; see {@link Explain}. */
@Command(name = "explain", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class, sortOptions = false,
        description = {"Show what 3DSR does with one RGB-D image: OUT/index.html (self-contained) and OUT/*.png with a text beside each picture.",
                "DADA views: the input, the code-index maps of both levels (one colour per code), the images decoded from Q_lo alone",
                "and from Q_lo + Q_hi, the codebook usage histograms and perplexity.",
                "Latent anomaly generation of one training step: the Perlin mask, the replaced codes, the DADA decoder's output;",
                "with --model also the object decoder's output, the predicted mask and the test-time anomaly map."})
public final class ExplainCommand implements Callable<Integer> {
    @Option(names = "--dada", required = true, paramLabel = "FILE", description = "DADA weights: our .safetensors or an official torch.save file.")
    Path dada;
    @Option(names = "--model", paramLabel = "FILE", description = "A stage-2 model of this DADA (optional): adds the object decoder and the predicted mask.")
    Path model;
    @Option(names = "--rgb", required = true, paramLabel = "IMG.png", description = "The RGB image (PNG).")
    Path rgb;
    @Option(names = "--xyz", required = true, paramLabel = "IMG.tiff", description = "Its organized point cloud (TIFF), as in MVTec 3D-AD.")
    Path xyz;
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (index.html and the PNGs).")
    Path out;
    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed of the simulated anomaly (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--threads", defaultValue = "0", paramLabel = "N", description = "Worker threads (default: -Ddsr3d.threads, else all processors).")
    int threads;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (threads < 0) throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
        if (threads > 0) Parallel.setThreads(threads);
        for (Path p : new Path[]{rgb, xyz})
            if (!java.nio.file.Files.isRegularFile(p)) throw new java.nio.file.NoSuchFileException(p.toString(), null, (p == rgb ? "--rgb" : "--xyz") + ": no such file");
        Explain.Written w = Explain.run(new Explain.Options(dada, model, rgb, xyz, out, seed));
        PrintWriter o = spec.commandLine().getOut();
        o.println("wrote " + w.index() + " and " + w.pictures().size() + " pictures in " + out);
        o.flush();
        return 0;
    }
}
