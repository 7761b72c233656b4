package dsr3d.tests.nn;

import dsr3d.nn.Layer;
import dsr3d.nn.layers.AvgPool2d;
import dsr3d.nn.layers.MaxPool2d;
import dsr3d.nn.layers.Softmax;
import dsr3d.nn.layers.Upsample;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import dsr3d.tests.support.Fixture;
import org.junit.jupiter.api.Test;

import static dsr3d.tests.support.TensorAsserts.assertAllClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The parameter-free layers against the tensor module's PyTorch op fixtures (fixtures/*.bin of
 *  make_fixtures.py): the layer must pass its settings to the op exactly as torch.nn does. */
class PoolingAndResamplingLayerTest {
    static void check(String fixture, Layer layer) {
        Fixture f = Fixture.load(fixture);
        Tensor x = f.tensor("x", DType.F64).requiresGrad(true);
        Tensor out = layer.forward(x);
        assertAllClose(fixture + " output", f.tensor("out", DType.F64), out, 1e-12, 1e-12);
        out.mul(f.tensor("lossw", DType.F64)).sum().backward();
        assertAllClose(fixture + " grad", f.tensor("grad_x", DType.F64), x.grad(), 1e-12, 1e-12);
        assertEquals(0, layer.parameterCount());
    }

    @Test void avgPoolCountsPaddingInTheDivisor() {
        Fixture f = Fixture.load("avg_pool2d_k11_s1_p5");
        check("avg_pool2d_k11_s1_p5", new AvgPool2d(f.param(0), f.param(1), f.param(2)));
    }

    @Test void maxPool() {
        Fixture f = Fixture.load("max_pool2d_k3_s2_p1");
        check("max_pool2d_k3_s2_p1", new MaxPool2d(f.param(0), f.param(1), f.param(2)));
    }

    @Test void nearestUpsample() {
        check("upsample_nearest_x2", new Upsample(Fixture.load("upsample_nearest_x2").param(0), Upsample.Mode.NEAREST));
    }

    @Test void softmax() {
        check("softmax_dim1", new Softmax(1));
    }
}
