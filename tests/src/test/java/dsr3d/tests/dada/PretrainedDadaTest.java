package dsr3d.tests.dada;

import dsr3d.models.dada.DadaCheckpoints;
import dsr3d.models.dada.DadaModel;
import dsr3d.models.data.LoadOptions;
import dsr3d.models.data.Mvtec3dDataset;
import dsr3d.models.data.Preprocess3dsr;
import dsr3d.simulate.synth.SynthDataset;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.autograd.NoGrad;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The committed small DADA loads with its configuration and reconstructs preprocessed images of the
 * synthetic benchmark (./3dsr synth, 3DSR preprocessing at 64 x 64) far better than a constant
 * guess; prints the measured L1 per modality.
 */
class PretrainedDadaTest {
    @Test void pretrainedSmallDadaReconstructsSynthImages(@TempDir Path dir) throws Exception {
        Path file = Path.of(PretrainedDadaTest.class.getResource("/dsr3d/models/pretrained/dada-small-rgbd.safetensors").toURI());
        DadaModel m = DadaCheckpoints.load(file, null, 0).model();
        assertEquals(64, m.config().imageSize());
        SynthDataset.generate(new SynthDataset.Config(List.of("cookie", "foam"), 128, 4, 0, 0, 3, 1), dir, s -> {});
        Mvtec3dDataset ds = Mvtec3dDataset.open(dir, new LoadOptions(64, Preprocess3dsr.GtMode.NEAREST_BINARY));
        double l1d = 0, l1r = 0, constD = 0, constR = 0;
        int n = 0;
        try (NoGrad ignored = NoGrad.enter()) {
            for (String cat : ds.categories())
                for (var s : ds.samples(cat, "train").toList()) {
                    Tensor x = s.load().input().reshape(1, 4, 64, 64);
                    Tensor r = m.forward(x).recon();
                    l1d += x.slice(1, 0, 1).sub(r.slice(1, 0, 1)).abs().mean().item();
                    l1r += x.slice(1, 1, 4).sub(r.slice(1, 1, 4)).abs().mean().item();
                    constD += x.slice(1, 0, 1).sub(x.slice(1, 0, 1).mean().item()).abs().mean().item();
                    constR += x.slice(1, 1, 4).sub(x.slice(1, 1, 4).mean().item()).abs().mean().item();
                    n++;
                }
        }
        System.out.printf("pretrained small DADA on %d synth images: L1 depth %.4f (mean-value guess %.4f), L1 RGB %.4f (guess %.4f)%n",
                n, l1d / n, constD / n, l1r / n, constR / n);
        assertTrue(n >= 8, "synth images read: " + n);
        assertTrue(l1r < 0.75 * constR, "RGB reconstruction L1 " + l1r / n + " vs guess " + constR / n);
        assertTrue(l1d < 0.5 * constD, "depth reconstruction L1 " + l1d / n + " vs guess " + constD / n);
    }
}
