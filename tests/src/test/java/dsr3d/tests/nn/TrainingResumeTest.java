package dsr3d.tests.nn;

import dsr3d.nn.io.Checkpoint;
import dsr3d.nn.optim.Adam;
import dsr3d.nn.optim.MultiStepLR;
import dsr3d.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A training run interrupted after step 3, saved to a checkpoint file, and resumed in a fresh
 * model, optimiser, scheduler and RNG must reproduce the uninterrupted run bit for bit: same
 * losses, same weights, same VQ EMA state, same Adam moments. The loop draws input noise from
 * its RNG each step, so the RNG state must travel through the checkpoint too.
 */
class TrainingResumeTest {
    static final int STEPS = 6, SPLIT = 3;

    /** Everything a run owns. */
    static final class Run {
        final TinyVqVae model;
        final Adam adam;
        final MultiStepLR sched;
        Random noise;

        Run(long seed) {
            model = new TinyVqVae(8, 8, 16, new Random(seed));
            adam = new Adam(model.namedParameters(), 2e-3);
            sched = new MultiStepLR(adam, new int[]{2, 4}, 0.5);
            noise = new Random(seed + 1);
        }

        /** One step; returns the loss. */
        double step(Tensor x) {
            Tensor input = x.add(Tensor.randn(noise, x.shape()).mul(0.01));
            Tensor loss = model.forward(input).loss(input);
            adam.zeroGrad();
            loss.backward();
            adam.step();
            sched.step();
            return loss.item();
        }

        Checkpoint checkpoint() {
            return new Checkpoint(new java.util.LinkedHashMap<>(), java.util.Map.of())
                    .withPrefix("model.", model.stateDict())
                    .withPrefix("optim.", adam.stateDict())
                    .withPrefix("sched.", sched.stateDict())
                    .withMeta("rng", Checkpoint.encodeRandom(noise));
        }

        void restore(Checkpoint c) {
            model.loadStateDict(c.section("model."), true);
            adam.loadStateDict(c.section("optim."));
            sched.loadStateDict(c.section("sched."));
            noise = Checkpoint.decodeRandom(c.meta("rng"));
        }
    }

    @Test
    void resumedRunEqualsUninterruptedRun(@TempDir Path dir) throws Exception {
        Tensor x = Tensor.uniform(new Random(7), 0, 1, dsr3d.tensor.DType.F32, 2, 3, 32, 32);

        Run straight = new Run(11);
        List<Double> straightLosses = new ArrayList<>();
        for (int s = 0; s < STEPS; s++) straightLosses.add(straight.step(x));

        Run first = new Run(11);
        List<Double> resumedLosses = new ArrayList<>();
        for (int s = 0; s < SPLIT; s++) resumedLosses.add(first.step(x));
        Path file = dir.resolve("train.safetensors");
        first.checkpoint().save(file);

        Run resumed = new Run(999);            // different init: everything must come from the file
        resumed.restore(Checkpoint.load(file));
        for (int s = SPLIT; s < STEPS; s++) resumedLosses.add(resumed.step(x));

        assertEquals(straightLosses, resumedLosses, "loss sequence of the resumed run");
        assertEquals(straight.adam.lr(), resumed.adam.lr(), "learning rate after the schedule");
        var a = straight.checkpoint().tensors();
        var b = resumed.checkpoint().tensors();
        assertEquals(a.keySet(), b.keySet());
        for (String name : a.keySet())
            assertArrayEquals(a.get(name).toDoubleArray(), b.get(name).toDoubleArray(), 0.0, name);
    }
}
