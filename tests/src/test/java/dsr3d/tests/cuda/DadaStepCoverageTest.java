package dsr3d.tests.cuda;

import dsr3d.cuda.CudaBackend;
import dsr3d.models.dada.DadaConfig;
import dsr3d.models.dada.DadaLoss;
import dsr3d.models.dada.DadaModel;
import dsr3d.models.dada.Modality;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.autograd.Node;
import dsr3d.tensor.backend.Backend;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static java.util.Map.entry;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Every op of one recorded DADA training step (small grouped and plain models, the official loss)
 * has CUDA kernels: the op labels of the step's autograd graph are collected, each is mapped to
 * the Backend kernels its forward and backward call (the table below, read off the op classes in
 * tensor/ops; plus the VQ's non-graph kernels: vq_nearest, index_select_rows, index_add_rows,
 * fill), and each kernel must be implemented by {@link CudaBackend} itself, whose launchers
 * {@link CatalogCoverageTest} ties to the catalogue. An op label missing from the table fails the
 * test, so a new op in the DADA cannot slip past.
 *
 * <p>Limitation: the op-to-kernel table is written by hand (the CPU backend has no call recorder);
 * the recorded part is which ops the step executes.
 */
class DadaStepCoverageTest {
    static final Map<String, List<String>> KERNELS = Map.ofEntries(
            entry("conv2d", List.of("conv2dForward", "conv2dBackwardInput", "conv2dBackwardWeight", "reduceRows")),
            entry("conv_transpose2d", List.of("conv2dBackwardInput", "conv2dForward", "conv2dBackwardWeight", "binary", "reduceRows")),
            entry("relu", List.of("unary", "binary")), entry("abs", List.of("unary", "binary")), entry("pow", List.of("unary", "binary")),
            entry("affine", List.of("unary")), entry("add", List.of("binary", "reduceRows")), entry("sub", List.of("binary", "reduceRows")),
            entry("mul", List.of("binary", "reduceRows")), entry("div", List.of("binary", "reduceRows")),
            entry("sum", List.of("reduceRows", "copy")), entry("mean", List.of("reduceRows", "copy", "unary")),
            entry("slice", List.of("copy", "fill")), entry("concat", List.of("copy")), entry("permute", List.of("copy")),
            entry("reshape", List.of("copy")), entry("contiguous", List.of("copy")), entry("expand", List.of("copy", "reduceRows")),
            entry("cast", List.of("copy")));
    static final List<String> VQ_KERNELS = List.of("vqNearest", "indexSelectRows", "indexAddRows", "fill", "copy");

    static Set<String> recordedOps(DadaConfig c) {
        DadaModel m = DadaModel.createForTraining(c, new java.util.Random(3));
        m.train(true);
        Tensor x = Tensor.uniform(new java.util.Random(4), 0, 1, dsr3d.tensor.DType.F32, 2, c.inChannels(), c.imageSize(), c.imageSize());
        DadaModel.Output out = m.forward(x);
        Tensor loss = DadaLoss.official().terms(c.modality(), x, out, c.commitmentCost()).get("loss");
        Set<String> ops = new TreeSet<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Tensor> todo = new ArrayDeque<>(List.of(loss));
        while (!todo.isEmpty()) {
            Tensor t = todo.pop();
            if (!seen.add(t) || t.node() == null) continue;
            Node n = t.node();
            ops.add(n.op);
            for (Tensor i : n.inputs()) if (i != null) todo.push(i);
        }
        loss.backward();   // the step's backward runs (and must not fail) on the CPU
        return ops;
    }

    @Test void everyOpOfADadaTrainingStepHasCudaKernels() throws Exception {
        Set<String> ops = new TreeSet<>();
        for (DadaConfig c : List.of(DadaConfig.small(Modality.RGBD, false).withImageSize(32), DadaConfig.small(Modality.DEPTH, false).withImageSize(32)))
            ops.addAll(recordedOps(c));
        assertTrue(ops.containsAll(List.of("conv2d", "conv_transpose2d", "relu", "concat", "slice")), "the trace looks incomplete: " + ops);
        Set<String> kernels = new TreeSet<>(VQ_KERNELS);
        for (String op : ops) {
            assertTrue(KERNELS.containsKey(op), "op '" + op + "' of a DADA step is not in the op-to-kernel table (recorded ops: " + ops + ")");
            kernels.addAll(KERNELS.get(op));
        }
        for (String k : kernels) {
            Method bm = null;
            for (Method m : Backend.class.getMethods()) if (m.getName().equals(k)) bm = m;
            assertNotNull(bm, "Backend has no kernel method " + k);
            Method cm = CudaBackend.class.getMethod(k, bm.getParameterTypes());
            assertEquals(CudaBackend.class, cm.getDeclaringClass(), "CudaBackend does not implement " + k + " itself");
        }
    }
}
