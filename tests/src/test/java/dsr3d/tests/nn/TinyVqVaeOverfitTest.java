package dsr3d.tests.nn;

import dsr3d.nn.optim.Adam;
import dsr3d.nn.loss.Losses;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.autograd.NoGrad;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End-to-end: a two-level VQ-VAE made of the nn blocks ({@link TinyVqVae}) overfits four 32x32 RGB
 * synthetic images (gradients, a disc, stripes, a square) with Adam: the reconstruction MSE must
 * fall at least 10x. Prints the loss curve and codebook usage (codes used, perplexity).
 */
@org.junit.jupiter.api.Tag("slow")
class TinyVqVaeOverfitTest {
    static Tensor images() {
        int n = 4, s = 32;
        double[] d = new double[n * 3 * s * s];
        for (int i = 0; i < n; i++)
            for (int y = 0; y < s; y++)
                for (int x = 0; x < s; x++) {
                    double u = x / (s - 1.0), v = y / (s - 1.0);
                    double[] rgb = switch (i) {
                        case 0 -> new double[]{u, v, 1 - u};                                            // two gradients
                        case 1 -> (u - 0.5) * (u - 0.5) + (v - 0.4) * (v - 0.4) < 0.09
                                ? new double[]{0.9, 0.2, 0.1} : new double[]{0.1, 0.1, 0.3};             // a disc
                        case 2 -> ((x / 4) % 2 == 0) ? new double[]{0.8, 0.8, 0.2} : new double[]{0.2, 0.3, 0.7};   // stripes
                        default -> (x > 8 && x < 24 && y > 6 && y < 20) ? new double[]{0.1, 0.8, 0.3}
                                : new double[]{v, 0.5 * u, 0.5};                                        // a square
                    };
                    for (int c = 0; c < 3; c++) d[((i * 3 + c) * s + y) * s + x] = rgb[c];
                }
        return Tensor.of(d, n, 3, s, s).to(DType.F32);
    }

    @Test void overfitsFourImages() {
        Tensor x = images();
        TinyVqVae model = new TinyVqVae(32, 16, 32, new Random(42));
        model.warmStartCodebooks(x, new Random(7));
        Adam adam = new Adam(model.namedParameters(), 2e-3);
        double first = Double.NaN, last = Double.NaN;
        int steps = 200;
        long t0 = System.nanoTime();
        for (int step = 0; step < steps; step++) {
            adam.zeroGrad();
            TinyVqVae.Out out = model.forward(x);
            Tensor loss = out.loss(x);
            double rec = Losses.mse(out.recon().detach(), x).item();
            if (step == 0) first = rec;
            loss.backward();
            adam.step();
            if (step % 40 == 0 || step == steps - 1)
                System.out.printf("step %3d  recon mse %.5f  vq loss %.5f/%.5f  codes used top %d bot %d  perplexity top %.2f bot %.2f%n",
                        step, rec, out.top().loss().item(), out.bot().loss().item(),
                        model.vqT.lastUsedCodes(), model.vqB.lastUsedCodes(), out.top().perplexity(), out.bot().perplexity());
        }
        model.eval();
        try (var g = NoGrad.enter()) {
            last = Losses.mse(model.forward(x).recon(), x).item();
        }
        System.out.printf("recon mse %.5f -> %.5f (eval) in %.1f s; codes used top %d bot %d of 32%n",
                first, last, (System.nanoTime() - t0) / 1e9, model.vqT.lastUsedCodes(), model.vqB.lastUsedCodes());
        assertTrue(last <= first / 10, "reconstruction MSE fell only from " + first + " to " + last);
    }
}
