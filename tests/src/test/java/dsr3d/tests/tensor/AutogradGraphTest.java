package dsr3d.tests.tensor;

import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.autograd.NoGrad;
import dsr3d.tensor.ops.Conv2d;
import dsr3d.tests.support.TensorAsserts;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The autograd engine's graph semantics (as PyTorch's): multiple uses add up, leaves accumulate
 * across backward calls, NoGrad and detach record nothing, a graph is used once, and misuse
 * fails with a message that says what went wrong.
 */
class AutogradGraphTest {

    private static Tensor leaf(double... v) { return Tensor.of(v, v.length).requiresGrad(true); }

    private static void assertGrad(String what, Tensor leaf, double... expected) {
        assertNotNull(leaf.grad(), what + ": no gradient");
        TensorAsserts.assertAllClose(what, expected, leaf.grad().toDoubleArray(), 1e-12, 1e-12);
    }

    @Test
    void aTensorUsedTwiceReceivesBothContributions() {
        Tensor x = leaf(1.5, -2, 3);
        x.mul(x).sum().backward();                 // d(x^2) = 2x
        assertGrad("x*x", x, 3, -4, 6);
        Tensor y = leaf(1.5, -2, 3);
        y.add(y).sum().backward();                 // d(2y) = 2
        assertGrad("x+x", y, 2, 2, 2);
    }

    @Test
    void diamondGraphSumsBothPaths() {
        Tensor x = leaf(0.5, -1, 2);
        Tensor a = x.mul(2), b = x.add(1);         // two paths from x, joined by mul
        a.mul(b).sum().backward();                 // d(2x(x+1)) = 4x + 2
        assertGrad("diamond", x, 4, -2, 10);
    }

    @Test
    void sharedSubgraphFeedsTwoConsumers() {
        Tensor x = leaf(1, 2);
        Tensor h = x.exp();
        Tensor loss = h.mul(3).add(h.pow(2)).sum();   // 3e^x + e^2x -> 3e^x + 2e^2x
        loss.backward();
        assertGrad("shared h", x, 3 * Math.exp(1) + 2 * Math.exp(2), 3 * Math.exp(2) + 2 * Math.exp(4));
    }

    @Test
    void leafGradientsAccumulateOverBackwardCallsUntilZeroed() {
        Tensor x = leaf(1, 2, 3);
        x.mul(2).sum().backward();
        x.mul(x).sum().backward();                 // fresh graph, same leaf: 2 + 2x
        assertGrad("accumulated", x, 4, 6, 8);
        x.zeroGrad();
        assertNull(x.grad());
        x.sum().backward();
        assertGrad("after zeroGrad", x, 1, 1, 1);
    }

    @Test
    void onlyLeavesKeepGradientsAndConstantsGetNone() {
        Tensor x = leaf(1, 2), c = Tensor.of(new double[]{3, 4}, 2);
        Tensor h = x.mul(c);
        h.sum().backward();
        assertGrad("x", x, 3, 4);
        assertNull(c.grad(), "a constant must not receive a gradient");
        assertNull(h.grad(), "an intermediate result does not keep its gradient (as PyTorch without retain_grad)");
        assertFalse(c.requiresGrad());
    }

    @Test
    void leafGradientsOwnTheirStorage() {
        Tensor x = leaf(1, 2), y = leaf(3, 4);
        Tensor seed = Tensor.of(new double[]{1, 1}, 2);
        x.add(y).backward(seed);                   // add passes g through unchanged to both sides
        assertNotSame(x.grad().storage(), y.grad().storage(), "two leaves share one gradient buffer");
        assertNotSame(seed.storage(), x.grad().storage(), "a leaf's gradient aliases the caller's seed");
        assertGrad("x", x, 1, 1);
        assertGrad("y", y, 1, 1);
    }

    @Test
    void reusingTheArrayPassedToConcatDoesNotRewireTheGraph() {
        Tensor a = leaf(1, 2), b = leaf(3), other = leaf(7, 8);
        Tensor[] parts = {a, b};
        Tensor c = Tensor.concat(0, parts);
        parts[0] = other;                          // e.g. a buffer reused in a loop
        c.mul(Tensor.of(new double[]{1, 2, 3}, 3)).sum().backward();
        assertGrad("a", a, 1, 2);
        assertGrad("b", b, 3);
        assertNull(other.grad(), "the graph must keep the tensors that were concatenated");
    }

    @Test
    void noGradScopeRecordsNothing() {
        Tensor x = leaf(1, 2);
        Tensor y;
        try (NoGrad ignored = NoGrad.enter()) {
            try (NoGrad nested = NoGrad.enter()) {
                assertFalse(NoGrad.gradEnabled());
            }
            assertFalse(NoGrad.gradEnabled(), "closing a nested scope must not re-enable recording");
            y = x.mul(x).exp().sum();
        }
        assertTrue(NoGrad.gradEnabled());
        assertFalse(y.requiresGrad(), "a result computed under NoGrad must not require grad");
        assertNull(y.node());
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("does not require grad"), e.getMessage());
        // recording is back on after the scope
        assertTrue(x.mul(2).requiresGrad());
    }

    @Test
    void noGradIsPerThread() throws InterruptedException {
        Tensor x = leaf(1, 2);
        AtomicBoolean recorded = new AtomicBoolean();
        try (NoGrad ignored = NoGrad.enter()) {
            Thread t = new Thread(() -> recorded.set(x.mul(2).requiresGrad()));
            t.start();
            t.join();
        }
        assertTrue(recorded.get(), "NoGrad on one thread must not switch off recording on another");
    }

    @Test
    void detachCutsTheGraph() {
        Tensor x = leaf(2, 3);
        Tensor d = x.detach();
        assertFalse(d.requiresGrad());
        assertNull(d.node());
        assertSame(x.storage(), d.storage(), "detach shares data");
        x.mul(d).sum().backward();                 // only the non-detached factor is differentiated
        assertGrad("x * x.detach()", x, 2, 3);
    }

    @Test
    void secondBackwardThroughAReleasedGraphFailsClearly() {
        Tensor x = leaf(1, 2);
        Tensor h = x.exp();
        Tensor loss = h.sum();
        loss.backward();
        assertTrue(loss.node().released() && h.node().released(), "backward must release the saved tensors of every node");
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("released"), e.getMessage());
        assertTrue(e.getMessage().contains("recompute the forward"), e.getMessage());
    }

    @Test
    void backwardIntoAPartlyReleasedGraphNamesTheOp() {
        Tensor x = leaf(1, 2);
        Tensor h = x.exp();
        h.sum().backward();
        Tensor loss2 = h.mul(2).sum();             // new nodes on top of the released 'exp'
        IllegalStateException e = assertThrows(IllegalStateException.class, loss2::backward);
        assertTrue(e.getMessage().contains("'exp'") && e.getMessage().contains("released"), e.getMessage());
    }

    @Test
    void backwardOfANonScalarNeedsASeed() {
        Tensor y = leaf(1, 2, 3).mul(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("[3]"), "message should name the shape: " + e.getMessage());
        Tensor x = leaf(1, 2, 3);
        x.mul(2).backward(Tensor.of(new double[]{1, 0, -1}, 3));
        assertGrad("seeded", x, 2, 0, -2);
    }

    @Test
    void aSeedOfTheWrongShapeIsRejected() {
        Tensor y = leaf(1, 2, 3).mul(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> y.backward(Tensor.of(new double[]{1, 1, 1, 1, 1, 1}, 2, 3)));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[3]"), e.getMessage());
    }

    @Test
    void requiresGradRules() {
        Tensor x = leaf(1, 2);
        Tensor y = x.mul(2);
        assertThrows(IllegalStateException.class, () -> y.requiresGrad(false), "non-leaf");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Tensor.ofInts(new int[]{1}, 1).requiresGrad(true));
        assertTrue(e.getMessage().contains("I32"), e.getMessage());
        Tensor z = x.mul(x);
        assertTrue(z.toString().contains("grad_fn=mul"), z.toString());
    }

    @Test
    void aVeryDeepChainDoesNotOverflowTheStack() {
        Tensor x = leaf(0.5);
        Tensor h = x;
        for (int i = 0; i < 20_000; i++) h = h.add(1e-4);
        h.sum().backward();
        assertGrad("deep chain", x, 1);
    }

    @Test
    void shapeErrorsNameTheShapes() {
        Tensor a = Tensor.zeros(DType.F64, 2, 3), b = Tensor.zeros(DType.F64, 4);
        assertMessage(() -> a.add(b), "[2, 3]", "[4]");
        assertMessage(() -> a.matmul(Tensor.zeros(DType.F64, 4, 5)), "[2, 3]", "[4, 5]");
        assertMessage(() -> a.reshape(4, 2), "[4, 2]", "6");
        assertMessage(() -> Conv2d.apply(Tensor.zeros(DType.F64, 1, 3, 5, 5), Tensor.zeros(DType.F64, 2, 4, 3, 3), null, 1, 0, 1),
                "3 channels", "[2, 4, 3, 3]");
        assertMessage(() -> Tensor.concat(0, a, Tensor.zeros(DType.F64, 2, 4)), "[2, 4]", "[2, 3]");
        assertMessage(() -> a.permute(0, 0), "permute", "repeats");
        assertMessage(() -> a.slice(1, 2, 5), "slice", "size 3");
        assertMessage(() -> a.expand(2, 5), "[2, 3]", "[2, 5]");
        assertMessage(() -> a.add(Tensor.zeros(DType.F32, 2, 3)), "F64", "F32");
        assertMessage(() -> Tensor.where(Tensor.zeros(DType.F64, 3), a, b), "where", "[3]", "[2, 3]", "[4]");
        assertMessage(() -> a.mul(b), "mul");
    }

    private static void assertMessage(Runnable r, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' should mention " + f);
    }
}
