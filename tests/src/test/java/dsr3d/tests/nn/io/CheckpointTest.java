package dsr3d.tests.nn.io;

import dsr3d.nn.io.Checkpoint;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A training checkpoint (weights, EMA, Adam moments, step, scheduler, RNG) survives save/load exactly. */
class CheckpointTest {
    record Scheduler(String kind, double baseLr, int[] milestones, double gamma) {}

    @Test
    void aTrainingStateRoundTripsAndTheRunContinuesIdentically(@TempDir Path dir) throws IOException {
        Random data = new Random(11);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("_encoder_b._conv_1.weight", Tensor.randn(data, 4, 2, 3, 3));
        weights.put("_vq._embedding", Tensor.randn(data, 8, 4));
        Map<String, Tensor> ema = Map.of("_vq._ema_cluster_size", Tensor.uniform(data, 0, 5, DType.F32, 8));
        Map<String, Tensor> moments = new LinkedHashMap<>();
        for (var e : weights.entrySet()) {
            moments.put(e.getKey() + ".exp_avg", Tensor.randn(data, e.getValue().shape()));
            moments.put(e.getKey() + ".exp_avg_sq", Tensor.uniform(data, 0, 1, DType.F32, e.getValue().shape()));
        }
        Random rng = new Random(2024);
        for (int i = 0; i < 5; i++) rng.nextGaussian(); // leaves a cached Gaussian inside rng
        Scheduler sched = new Scheduler("multistep", 2e-4, new int[]{800, 1600}, 0.2);

        Checkpoint c = Checkpoint.of(Map.of())
                .withPrefix("model.", weights).withPrefix("ema.", ema).withPrefix("optim.", moments)
                .withMeta("format", Checkpoint.FORMAT).withMeta("step", "1234")
                .withMetaJson("scheduler", sched).withMeta("rng", Checkpoint.encodeRandom(rng));
        Path f = dir.resolve("train.safetensors");
        c.save(f);
        Checkpoint back = Checkpoint.load(f);

        assertEquals(List.copyOf(c.tensors().keySet()), List.copyOf(back.tensors().keySet()));
        for (String k : c.tensors().keySet()) assertArrayEquals(c.tensor(k).toDoubleArray(), back.tensor(k).toDoubleArray(), 0.0, k);
        assertEquals(List.copyOf(weights.keySet()), List.copyOf(back.section("model.").keySet()));
        assertTrue(back.section("optim.").containsKey("_vq._embedding.exp_avg_sq"));
        assertEquals(1234, Long.parseLong(back.meta("step")));
        Scheduler s = back.metaJson("scheduler", Scheduler.class);
        assertEquals(sched.baseLr(), s.baseLr(), 0.0);
        assertArrayEquals(sched.milestones(), s.milestones());

        // the restored generator continues exactly where the saved one was, Gaussian cache included
        Random resumed = Checkpoint.decodeRandom(back.meta("rng"));
        for (int i = 0; i < 20; i++) {
            double want = i % 2 == 0 ? rng.nextGaussian() : rng.nextDouble();
            assertEquals(want, i % 2 == 0 ? resumed.nextGaussian() : resumed.nextDouble(), 0.0);
        }
        assertNotEquals(new Random(2024).nextDouble(), Checkpoint.decodeRandom(back.meta("rng")).nextDouble());
    }

    @Test
    void rngStateRefusesAnythingButARandom() {
        String notRandom = java.util.Base64.getEncoder().encodeToString(serialise(new java.util.ArrayList<>(List.of("x"))));
        var e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.decodeRandom(notRandom));
        assertTrue(e.getMessage().contains("not a serialised java.util.Random"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.decodeRandom("@@not base64@@"));
    }

    @Test
    void missingEntriesAreNamed() {
        Checkpoint c = Checkpoint.of(Map.of("a", Tensor.zeros(1)));
        assertTrue(assertThrows(NoSuchElementException.class, () -> c.tensor("b")).getMessage().contains("no tensor 'b'"));
        assertTrue(assertThrows(NoSuchElementException.class, () -> c.meta("step")).getMessage().contains("no metadata 'step'"));
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.of(Map.of("__metadata__", Tensor.zeros(1))));
    }

    private static byte[] serialise(Object o) {
        var bytes = new java.io.ByteArrayOutputStream();
        try (var out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(o);
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
        return bytes.toByteArray();
    }
}
