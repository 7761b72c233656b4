package dsr3d.tests.nn;

import dsr3d.nn.Layer;
import dsr3d.nn.Module;
import dsr3d.nn.init.Init;
import dsr3d.nn.layers.Conv2d;
import dsr3d.nn.layers.ConvTranspose2d;
import dsr3d.nn.layers.InstanceNorm2d;
import dsr3d.nn.layers.ReLU;
import dsr3d.nn.layers.Residual;
import dsr3d.nn.layers.ResidualStack;
import dsr3d.nn.layers.Sequential;
import dsr3d.nn.vq.VectorQuantizerEMA;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Module bookkeeping: dotted names in PyTorch order, parameter counts, state-dict round trips,
 *  strict loading that lists every problem, modes, freezing, printing, initialisers. */
class ModuleTest {
    /** A miniature of the DADA's naming: an encoder with convs and a residual stack, and a VQ. */
    static final class Encoder extends Layer {
        final Conv2d conv1;
        final ResidualStack stack;

        Encoder(Random rng) {
            conv1 = registerModule("_conv_1", new Conv2d(4, 8, 4, 2, 1, 2, true, rng));
            stack = registerModule("_residual_stack", new ResidualStack(8, 2, 4, 2, Residual.Skip.INPUT, rng));
        }

        @Override public Tensor forward(Tensor x) { return stack.forward(conv1.forward(x).relu()); }
    }

    static final class Net extends Module {
        final Encoder enc;
        final VectorQuantizerEMA vq;

        Net(Random rng) {
            enc = registerModule("_encoder_b", new Encoder(rng));
            vq = registerModule("_vq_vae_bot", new VectorQuantizerEMA(16, 8, rng));
        }
    }

    @Test void dottedNamesInPyTorchStateDictOrder() {
        Net net = new Net(new Random(1));
        assertEquals(List.of(
                "_encoder_b._conv_1.weight", "_encoder_b._conv_1.bias",
                "_encoder_b._residual_stack._layers.0._block.1.weight", "_encoder_b._residual_stack._layers.0._block.3.weight",
                "_encoder_b._residual_stack._layers.1._block.1.weight", "_encoder_b._residual_stack._layers.1._block.3.weight",
                "_vq_vae_bot._ema_w", "_vq_vae_bot._ema_cluster_size", "_vq_vae_bot._embedding.weight"),
                List.copyOf(net.stateDict().keySet()));
        assertFalse(net.namedParameters().containsKey("_vq_vae_bot._ema_cluster_size"), "a buffer is not a parameter");
        assertEquals(List.of("_vq_vae_bot._ema_cluster_size"), List.copyOf(net.namedBuffers().keySet()));
        // 8*2*16 + 8 + 2 * (4*4*9 + 8*2*1) + 2 * 16*8
        assertEquals(8 * 2 * 16 + 8 + 2 * (4 * 4 * 9 + 8 * 2) + 2 * 16 * 8, net.parameterCount());
    }

    @Test void parameterCountsOfSpecLayers() {
        Random rng = new Random(2);
        assertEquals(147456, new Conv2d(256, 128, 3, 1, 1, 2, false, rng).parameterCount());
        // spec 2.3: pre-VQ lo 33,024 and upsampler 524,544; spec 2.4: pre-VQ hi 65,792
        assertEquals(33024, new Conv2d(256, 256, 1, 1, 0, 2, true, rng).parameterCount());
        assertEquals(524544, ConvTranspose2d.up2(256, 256, 2, rng).parameterCount());
        assertEquals(65792, new Conv2d(512, 256, 1, 1, 0, 2, true, rng).parameterCount());
        // a DADA ResidualStack x2 (256, hidden 128, g2): 2 * (128*128*9 + 256*64) = 327,680
        assertEquals(327680, new ResidualStack(256, 2, 128, 2, Residual.Skip.INPUT, rng).parameterCount());
    }

    @Test void stateDictRoundTripIntoAFreshModuleKeepsParameterIdentity() {
        Net a = new Net(new Random(3)), b = new Net(new Random(4));
        Map<String, Tensor> before = b.stateDict();
        assertTrue(b.loadStateDict(a.stateDict(), true).clean());
        Map<String, Tensor> after = b.stateDict();
        for (String k : before.keySet()) {
            assertSame(before.get(k), after.get(k), k + " must be written in place");
            assertArrayEquals(a.stateDict().get(k).toDoubleArray(), after.get(k).toDoubleArray(), 0, k);
        }
        assertTrue(b.stateDict().get("_encoder_b._conv_1.weight").requiresGrad());
    }

    @Test void strictLoadListsEveryMissingUnexpectedAndMismatchedEntry() {
        Net net = new Net(new Random(5));
        Map<String, Tensor> s = new LinkedHashMap<>(new Net(new Random(6)).stateDict());
        Tensor untouched = net.stateDict().get("_encoder_b._conv_1.bias");
        double[] biasBefore = untouched.toDoubleArray();
        s.remove("_encoder_b._conv_1.weight");
        s.remove("_vq_vae_bot._ema_cluster_size");
        s.put("_encoder_b._conv_9.weight", Tensor.zeros(3));
        s.put("_encoder_b._residual_stack._layers.0._block.1.weight", Tensor.zeros(4, 8, 3, 3));
        s.put("_vq_vae_bot._ema_w", Tensor.zeros(DType.F64, 16, 8));
        var e = assertThrows(IllegalArgumentException.class, () -> net.loadStateDict(s, true));
        String m = e.getMessage();
        for (String want : List.of("missing keys (2)", "_encoder_b._conv_1.weight", "_vq_vae_bot._ema_cluster_size",
                "unexpected keys (1)", "_encoder_b._conv_9.weight", "mismatched entries (2)",
                "_encoder_b._residual_stack._layers.0._block.1.weight: checkpoint shape [4, 8, 3, 3], model shape [4, 4, 3, 3]",
                "_vq_vae_bot._ema_w: checkpoint dtype F64, model dtype F32"))
            assertTrue(m.contains(want), "message lacks '" + want + "':\n" + m);
        assertArrayEquals(biasBefore, untouched.toDoubleArray(), 0, "nothing may be written when loading fails");
        // non-strict: missing and unexpected are reported, shape problems still fail
        s.put("_encoder_b._residual_stack._layers.0._block.1.weight", Tensor.zeros(4, 4, 3, 3).add(1));
        s.put("_vq_vae_bot._ema_w", Tensor.zeros(16, 8));
        var report = net.loadStateDict(s, false);
        assertEquals(List.of("_encoder_b._conv_1.weight", "_vq_vae_bot._ema_cluster_size"), report.missing());
        assertEquals(List.of("_encoder_b._conv_9.weight"), report.unexpected());
        assertEquals(1.0, net.stateDict().get("_encoder_b._residual_stack._layers.0._block.1.weight").get(0, 0, 0, 0));
    }

    @Test void shapeMismatchIsNamed() {
        Conv2d c = new Conv2d(2, 3, 3, new Random(7));
        Map<String, Tensor> s = new LinkedHashMap<>(c.stateDict());
        s.put("weight", Tensor.zeros(3, 2, 1, 1));
        var e = assertThrows(IllegalArgumentException.class, () -> c.loadStateDict(s, false));
        assertTrue(e.getMessage().contains("weight: checkpoint shape [3, 2, 1, 1], model shape [3, 2, 3, 3]"), e.getMessage());
    }

    @Test void trainEvalAndFreezeAreRecursive() {
        Net net = new Net(new Random(8));
        assertTrue(net.vq.isTraining());
        net.eval();
        for (Module m : net.modules()) assertFalse(m.isTraining(), m.getClass().getSimpleName());
        net.train(true);
        assertTrue(net.enc.stack.layer(1).isTraining());
        net.freeze();
        for (Tensor p : net.parameters()) assertFalse(p.requiresGrad());
        net.requiresGrad(true);
        for (Tensor p : net.parameters()) assertTrue(p.requiresGrad());
    }

    @Test void toF64ReplacesEveryTensorAndKeepsValues() {
        Conv2d c = new Conv2d(2, 3, 3, new Random(9));
        double[] w = c.weight().toDoubleArray();
        c.to(DType.F64);
        assertEquals(DType.F64, c.weight().dtype());
        assertTrue(c.weight().requiresGrad());
        assertArrayEquals(w, c.weight().toDoubleArray(), 0);
    }

    @Test void printsTheModuleTreeLikePyTorch() {
        Sequential s = new Sequential(new Conv2d(3, 16, 3, 1, 1, 1, false, new Random(10)), new InstanceNorm2d(16), new ReLU());
        assertEquals("Sequential(\n"
                + "  (0): Conv2d(3, 16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False)\n"
                + "  (1): InstanceNorm2d(16, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)\n"
                + "  (2): ReLU()\n"
                + ")", s.toString());
        String stack = new ResidualStack(4, 1, 2, 1, Residual.Skip.INPUT, new Random(11)).toString();
        String vq = new VectorQuantizerEMA(16, 8, new Random(12)).toString();
        assertTrue(vq.startsWith("VectorQuantizerEMA(\n  num_embeddings=16, embedding_dim=8") && vq.contains("(_embedding): Embedding(16, 8)"), vq);
        assertTrue(stack.contains("(_layers): ModuleList(\n    (0): Residual(\n      (_block): Sequential(\n        (0): ReLU()"), stack);
    }

    @Test void applyVisitsChildrenBeforeParents() {
        Sequential s = new Sequential(new Sequential(new ReLU()), new ReLU());
        List<String> order = new ArrayList<>();
        s.apply(m -> order.add(m.getClass().getSimpleName()));
        assertEquals(List.of("ReLU", "Sequential", "ReLU", "Sequential"), order);
    }

    /** PyTorch's default conv init is U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and bias; fan_in
     *  of a transposed conv is weight.size(1)*k*k = cout/g*k*k. */
    @Test void defaultInitBoundsAndSpread() {
        Conv2d c = new Conv2d(32, 64, 3, 1, 1, 2, true, new Random(12));
        checkUniform(c.weight().toDoubleArray(), 1 / Math.sqrt(16 * 9));
        checkUniform(c.bias().toDoubleArray(), 1 / Math.sqrt(16 * 9));
        ConvTranspose2d t = new ConvTranspose2d(64, 32, 4, 2, 1, 0, 1, true, new Random(13));
        assertEquals(32 * 16, Init.fanIn(t.weight()));
        checkUniform(t.weight().toDoubleArray(), 1 / Math.sqrt(32 * 16));
        // same seed, same network
        assertArrayEquals(c.weight().toDoubleArray(), new Conv2d(32, 64, 3, 1, 1, 2, true, new Random(12)).weight().toDoubleArray(), 0);
    }

    private static void checkUniform(double[] v, double bound) {
        double max = 0, sq = 0;
        for (double x : v) { max = Math.max(max, Math.abs(x)); sq += x * x; }
        assertTrue(max <= bound, "max |w| " + max + " exceeds bound " + bound);
        assertTrue(max > 0.9 * bound, "max |w| " + max + " far below bound " + bound);
        double std = Math.sqrt(sq / v.length), want = bound / Math.sqrt(3);
        assertEquals(want, std, want * (v.length > 1000 ? 0.05 : 0.25), "std of U(-b, b) is b/sqrt(3)");
    }

    @Test void dsrInitSetsConvWeightsToNormal002AndKeepsBiases() {
        Net net = new Net(new Random(14));
        Tensor bias = net.enc.conv1.bias();
        double[] biasBefore = bias.toDoubleArray(), emb = net.vq.codebook().toDoubleArray();
        Init.dsrConvInit(net, new Random(15));
        double[] w = net.enc.stack.layer(0).namedParameters().get("_block.1.weight").toDoubleArray();   // 4*4*9 = 144 values
        double sq = 0;
        for (double x : w) sq += x * x;
        assertEquals(0.02, Math.sqrt(sq / w.length), 0.004);
        assertArrayEquals(biasBefore, bias.toDoubleArray(), 0);
        assertArrayEquals(emb, net.vq.codebook().toDoubleArray(), 0, "codebooks are not convs");
    }

    @Test void badArgumentsAreNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 4, 3, 1, 1, 2, true, new Random(1)));
        assertTrue(e.getMessage().contains("in_channels 3") && e.getMessage().contains("groups 2"), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> new InstanceNorm2d(3).forward(Tensor.zeros(1, 4, 2, 2)));
        assertTrue(e2.getMessage().contains("[N, 3, H, W]"), e2.getMessage());
    }
}
