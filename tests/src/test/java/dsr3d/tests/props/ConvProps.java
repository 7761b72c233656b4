package dsr3d.tests.props;

import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.ops.Conv2d;
import dsr3d.tensor.ops.ConvTranspose2d;
import dsr3d.tests.support.TensorAsserts;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;

/** Structural identities of convolution, in F64 on the reference kernels. */
class ConvProps {

    /** groups = g is g independent convolutions on consecutive channel blocks, concatenated. */
    @Test
    void groupedConvEqualsConcatenatedPerGroupConvs() {
        qt().withExamples(Scenarios.EXAMPLES).forAll(Scenarios.fromSeed(r -> {
            int groups = 2 + r.nextInt(2);
            int k = 1 + r.nextInt(4);
            return new LinearityProps.Geo(1 + r.nextInt(2), groups * (1 + r.nextInt(2)), groups * (1 + r.nextInt(3)),
                    k + r.nextInt(5), k + r.nextInt(5), k, 1 + r.nextInt(2), r.nextInt(k / 2 + 1), groups, r.nextLong());
        })).checkAssert(g -> {
            Random r = new Random(g.data());
            Tensor x = Scenarios.randn(r, DType.F64, g.xShape()), w = Scenarios.randn(r, DType.F64, g.wShape());
            Tensor bias = Scenarios.randn(r, DType.F64, g.cout());
            Tensor whole = Conv2d.apply(x, w, bias, g.stride(), g.pad(), g.groups());
            int cinG = g.cin() / g.groups(), coutG = g.cout() / g.groups();
            Tensor[] parts = new Tensor[g.groups()];
            for (int i = 0; i < g.groups(); i++)
                parts[i] = Conv2d.apply(x.slice(1, i * cinG, (i + 1) * cinG), w.slice(0, i * coutG, (i + 1) * coutG),
                        bias.slice(0, i * coutG, (i + 1) * coutG), g.stride(), g.pad(), 1);
            TensorAsserts.assertNonTrivial(g.toString(), whole);
            TensorAsserts.assertAllClose(g.toString(), Tensor.concat(1, parts), whole, 1e-12, 1e-12);
        });
    }

    /** conv_transpose2d with weight W is the adjoint of conv2d with the same W:
     *  <conv(x), y> = <x, convT(y)>, with output_padding chosen so convT(y) has x's size. */
    @Test
    void convTransposeIsTheAdjointOfConv() {
        qt().withExamples(Scenarios.EXAMPLES).forAll(Scenarios.fromSeed(LinearityProps.Geo::random)).checkAssert(g -> {
            Random r = new Random(g.data());
            Tensor x = Scenarios.randn(r, DType.F64, g.xShape()), w = Scenarios.randn(r, DType.F64, g.wShape());
            Tensor cx = Conv2d.apply(x, w, null, g.stride(), g.pad(), g.groups());
            Tensor y = Scenarios.randn(r, DType.F64, cx.shape());
            // rows/cols that the strided conv never reaches are the output padding of the transpose;
            // our conv_transpose2d takes one output_padding for h and w, so the remainders must agree
            int opH = (g.h() + 2 * g.pad() - g.k()) % g.stride(), opW = (g.w() + 2 * g.pad() - g.k()) % g.stride();
            if (opH != opW) {   // (stride 2 only) one more column makes the width's remainder match the height's
                x = Scenarios.randn(r, DType.F64, g.n(), g.cin(), g.h(), g.w() + 1);
                cx = Conv2d.apply(x, w, null, g.stride(), g.pad(), g.groups());
                y = Scenarios.randn(r, DType.F64, cx.shape());
            }
            Tensor ty = ConvTranspose2d.apply(y, w, null, g.stride(), g.pad(), opH, g.groups());
            assertEquals(java.util.Arrays.toString(x.shape()), java.util.Arrays.toString(ty.shape()), g + ": convT(y) shape");
            double lhs = TensorAsserts.dot(cx.toDoubleArray(), y.toDoubleArray());
            double rhs = TensorAsserts.dot(x.toDoubleArray(), ty.toDoubleArray());
            double scale = Math.sqrt(TensorAsserts.dot(cx.toDoubleArray(), cx.toDoubleArray()) * TensorAsserts.dot(y.toDoubleArray(), y.toDoubleArray()));
            assertEquals(lhs, rhs, 1e-12 * Math.max(scale, 1), g + ": <conv(x), y> vs <x, convT(y)>");
        });
    }
}
