package dsr3d.tests.dada;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dsr3d.models.dada.DadaTrainer;
import dsr3d.models.dada.Stage1Options;
import dsr3d.models.train.NonFiniteException;
import dsr3d.models.train.TrainingLoop;
import dsr3d.nn.Module;
import dsr3d.nn.io.Checkpoint;
import dsr3d.nn.optim.Adam;
import dsr3d.nn.optim.MultiStepLR;
import dsr3d.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Stage-1 training of the small preset: the loss falls over 30 steps; a run stopped after step 6
 * (its last checkpoint is from step 4, so steps 5 and 6 are lost as in a kill) and resumed from the
 * file ends with weights, EMA state, Adam moments and losses identical bit for bit to an
 * uninterrupted run; NaN/Inf in a loss term or a gradient stops the loop naming step and tensor
 * while the last checkpoint stays intact.
 */
class DadaTrainingTest {
    static Stage1Options options(long iterations) {
        return new Stage1Options("small", "rgbd", false, 32, iterations, 4, 1e-3, 13, "official", 1, 1, 0.25,
                "perlin", true, null, 1000, null, "data", 5, "default");
    }

    static List<Double> losses(Path log) throws Exception {
        List<Double> out = new ArrayList<>();
        for (String line : Files.readAllLines(log)) out.add(JsonParser.parseString(line).getAsJsonObject().get("loss").getAsDouble());
        return out;
    }

    @Test void thirtyStepsOfTheSmallPresetReduceTheLoss(@TempDir Path dir) throws Exception {
        new DadaTrainer(options(30), dir, 10).run(false, Long.MAX_VALUE, null);
        List<Double> l = losses(dir.resolve(DadaTrainer.LOG));
        assertEquals(30, l.size());
        double first = l.subList(0, 5).stream().mapToDouble(d -> d).average().orElseThrow();
        double last = l.subList(25, 30).stream().mapToDouble(d -> d).average().orElseThrow();
        assertTrue(last < 0.7 * first, "loss should fall by 30%: first 5 steps " + first + ", last 5 " + last);
        JsonObject row = JsonParser.parseString(Files.readAllLines(dir.resolve(DadaTrainer.LOG)).get(29)).getAsJsonObject();
        for (String k : List.of("step", "loss", "recon", "commit_lo", "commit_hi", "recon_depth", "recon_rgb", "perplexity_lo", "perplexity_hi",
                "used_codes_lo", "used_codes_hi", "lr", "seconds"))
            assertTrue(row.has(k), "log row lacks " + k + ": " + row);
        assertTrue(Files.exists(dir.resolve("recon/step-30.png")));
        assertTrue(Files.exists(dir.resolve(DadaTrainer.FINAL)));
    }

    @Test void resumedRunEqualsUninterruptedRunBitForBit(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("straight"), b = dir.resolve("killed");
        new DadaTrainer(options(12), a, 4).run(false, Long.MAX_VALUE, null);
        new DadaTrainer(options(12), b, 4).run(false, 6, null);           // "killed" after step 6; checkpoint at 4
        assertEquals("4", Checkpoint.load(b.resolve(DadaTrainer.CHECKPOINT)).meta("step"));
        new DadaTrainer(options(12), b, 4).run(true, Long.MAX_VALUE, null);
        assertEquals(losses(a.resolve(DadaTrainer.LOG)), losses(b.resolve(DadaTrainer.LOG)), "loss sequence");
        for (String file : List.of(DadaTrainer.FINAL, DadaTrainer.CHECKPOINT)) {
            var x = Checkpoint.load(a.resolve(file)).tensors();
            var y = Checkpoint.load(b.resolve(file)).tensors();
            assertEquals(x.keySet(), y.keySet(), file);
            for (String k : x.keySet()) assertArrayEquals(x.get(k).toDoubleArray(), y.get(k).toDoubleArray(), 0.0, file + " " + k);
        }
        var e = assertThrows(IllegalArgumentException.class, () -> new DadaTrainer(options(13), b, 4).run(true, Long.MAX_VALUE, null));
        assertTrue(e.getMessage().contains("iterations"), e.getMessage());
    }

    /** A one-parameter "model" for the loop's NaN/Inf checks. */
    static final class One extends Module {
        final Tensor w;

        One(double v) { w = registerParameter("w", Tensor.of(new float[]{(float) v}, 1)); }
    }

    @Test void nonFiniteLossOrGradientStopsWithStepAndTensorName(@TempDir Path dir) throws Exception {
        One m = new One(1);
        Adam adam = new Adam(m.namedParameters(), 0.1);
        MultiStepLR sched = new MultiStepLR(adam, new int[]{100}, 0.1);
        Path ckpt = dir.resolve("c.safetensors");
        TrainingLoop.Task task = step -> {
            LinkedHashMap<String, Tensor> t = new LinkedHashMap<>();
            Tensor recon = step == 3 ? m.w.mul(Double.NaN) : m.w.mul(m.w);
            t.put("loss", recon);
            t.put("recon", recon);
            return t;
        };
        var loop = new TrainingLoop(m, adam, sched, task, ckpt, 10, 2, java.util.Map::of);
        NonFiniteException e = assertThrows(NonFiniteException.class, () -> loop.run(0, Long.MAX_VALUE, null, null));
        assertEquals(3, e.step);
        assertTrue(e.getMessage().contains("step 3") && e.getMessage().contains("'loss'") && e.getMessage().contains("NaN"), e.getMessage());
        assertEquals("2", Checkpoint.load(ckpt).meta("step"), "the last good checkpoint stays");

        One z = new One(0);   // sqrt at 0: finite loss, infinite gradient
        Adam adam2 = new Adam(z.namedParameters(), 0.1);
        var loop2 = new TrainingLoop(z, adam2, new MultiStepLR(adam2, new int[]{100}, 0.1), step -> {
            LinkedHashMap<String, Tensor> t = new LinkedHashMap<>();
            t.put("loss", z.w.sqrt().sum());
            return t;
        }, dir.resolve("d.safetensors"), 10, 2, java.util.Map::of);
        NonFiniteException g = assertThrows(NonFiniteException.class, () -> loop2.run(0, Long.MAX_VALUE, null, null));
        assertTrue(g.getMessage().contains("step 1") && g.getMessage().contains("gradient of w") && g.getMessage().contains("Inf"), g.getMessage());
    }
}
