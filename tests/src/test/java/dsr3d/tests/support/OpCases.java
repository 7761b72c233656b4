package dsr3d.tests.support;

import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import dsr3d.tensor.ops.Conv2d;
import dsr3d.tensor.ops.ConvTranspose2d;
import dsr3d.tensor.ops.Index;
import dsr3d.tensor.ops.InstanceNorm2d;
import dsr3d.tensor.ops.Pool2d;
import dsr3d.tensor.ops.Upsample;
import dsr3d.tests.support.OpCase.Domain;
import dsr3d.tests.support.OpCase.Input;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

import static dsr3d.tests.support.OpCase.Domain.*;

/**
 * The registry of differentiable op cases that drives the gradient tests: adding an op (or an
 * awkward configuration of one) means adding an entry here. Shapes are small and odd on purpose
 * (finite differences cost two forward passes per input element).
 */
public final class OpCases {
    private OpCases() {}

    private static final List<OpCase> ALL = new ArrayList<>();

    public static List<OpCase> all() { return Collections.unmodifiableList(ALL); }

    // ---- a tiny builder: op("name").in(shape).in(DOMAIN, shape).tol(..).def(fn) -------------
    static final class Builder {
        private final String name;
        private final List<Input> inputs = new ArrayList<>();
        private double eps = 1e-6, tol = 1e-6;

        Builder(String name) { this.name = name; }

        Builder in(int... shape) { return in(NORMAL, shape); }

        Builder in(Domain d, int... shape) { inputs.add(new Input(shape, d)); return this; }

        Builder eps(double e) { eps = e; return this; }

        Builder tol(double t) { tol = t; return this; }

        void def(Function<Tensor[], Tensor> fn) {
            for (OpCase c : ALL) if (c.name().equals(name)) throw new IllegalStateException("duplicate op case " + name);
            ALL.add(new OpCase(name, List.copyOf(inputs), fn, eps, tol));
        }
    }

    static Builder op(String name) { return new Builder(name); }

    /** Integer data as a constant of x's dtype. */
    static Tensor like(Tensor x, int[] shape, double... v) { return OpCase.constant(x, v, shape); }

    static int[] s(int... d) { return d; }

    static {
        elementwise();
        reductions();
        linearAlgebra();
        convolutions();
        poolingAndResampling();
        movement();
        indexing();
        nonContiguousInputs();
        composites();
    }

    private static void elementwise() {
        op("add").in(3, 4).in(3, 4).def(x -> x[0].add(x[1]));
        op("add/broadcast rank").in(2, 3, 4).in(3, 1).def(x -> x[0].add(x[1]));
        op("add/broadcast both").in(2, 1, 4).in(3, 1).def(x -> x[0].add(x[1]));
        op("sub/broadcast").in(3, 4).in(4).def(x -> x[0].sub(x[1]));
        op("sub/broadcast left").in(4).in(2, 3, 4).def(x -> x[0].sub(x[1]));
        op("mul/broadcast").in(2, 3, 1).in(1, 4).def(x -> x[0].mul(x[1]));
        op("mul/scalar tensor").in(3, 4).in().def(x -> x[0].mul(x[1]));
        op("div").in(3, 4).in(NONZERO, 3, 4).def(x -> x[0].div(x[1]));
        op("div/broadcast").in(2, 3, 4).in(NONZERO, 3, 1).def(x -> x[0].div(x[1]));
        op("pow/tensor").in(POSITIVE, 3, 4).in(4).def(x -> x[0].pow(x[1]));
        op("pow/tensor broadcast base").in(POSITIVE, 1, 4).in(3, 4).def(x -> x[0].pow(x[1]));
        op("add/scalar").in(3, 4).def(x -> x[0].add(1.5));
        op("sub/scalar").in(3, 4).def(x -> x[0].sub(0.7));
        op("mul/scalar").in(3, 4).def(x -> x[0].mul(-2.5));
        op("div/scalar").in(3, 4).def(x -> x[0].div(3.0));
        op("pow/scalar 3").in(3, 4).def(x -> x[0].pow(3));
        op("pow/scalar 0.5").in(POSITIVE, 3, 4).def(x -> x[0].pow(0.5));
        op("pow/scalar -1.5").in(POSITIVE, 3, 4).def(x -> x[0].pow(-1.5));
        op("neg").in(3, 4).def(x -> x[0].neg());
        op("exp").in(3, 4).def(x -> x[0].exp());
        op("log").in(POSITIVE, 3, 4).def(x -> x[0].log());
        op("sqrt").in(POSITIVE, 3, 4).def(x -> x[0].sqrt());
        op("abs").in(OFF_GRID, 3, 4).def(x -> x[0].abs());
        op("relu").in(OFF_GRID, 3, 5).def(x -> x[0].relu());
        op("sigmoid").in(3, 4).def(x -> x[0].sigmoid());
        op("clamp").in(OFF_GRID, 4, 5).def(x -> x[0].clamp(-0.5, 0.5));
        op("maximum/broadcast").in(3, 4).in(4).def(x -> x[0].maximum(x[1]));
        op("minimum/broadcast").in(3, 1).in(3, 4).def(x -> x[0].minimum(x[1]));
        op("where/fixed mask broadcast").in(3, 4).in(4).def(x -> Tensor.where(
                like(x[0], s(3, 4), 1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 0, 0), x[0], x[1]));
        op("where/leaky relu").in(OFF_GRID, 3, 4).def(x -> Tensor.where(x[0].gt(0), x[0], x[0].mul(0.1)));
    }

    private static void reductions() {
        op("sum/all").in(2, 3, 4).def(x -> x[0].sum());
        op("sum/dim 1").in(2, 3, 4).def(x -> x[0].sum(1, false));
        op("sum/dims 0,2 keepdim").in(2, 3, 4).def(x -> x[0].sum(s(0, 2), true));
        op("sum/dim -1 keepdim").in(2, 3, 4).def(x -> x[0].sum(-1, true));
        op("mean/all").in(2, 3, 4).def(x -> x[0].mean());
        op("mean/dim 1 keepdim").in(2, 3, 4).def(x -> x[0].mean(1, true));
        op("mean/dims 0,2").in(2, 3, 4).def(x -> x[0].mean(s(0, 2), false));
        op("max/all").in(DISTINCT, 3, 4).def(x -> x[0].max());
        op("max/dim 1 keepdim").in(DISTINCT, 2, 3, 4).def(x -> x[0].max(s(1), true));
        op("max/dims 0,2").in(DISTINCT, 2, 3, 4).def(x -> x[0].max(s(0, 2), false));
        op("min/all").in(DISTINCT, 3, 4).def(x -> x[0].min());
        op("min/dim -1").in(DISTINCT, 2, 3, 4).def(x -> x[0].min(s(-1), false));
        op("min/dims 0,1 keepdim").in(DISTINCT, 2, 3, 4).def(x -> x[0].min(s(0, 1), true));
        for (int d : new int[]{0, 1, -1}) {
            op("softmax/dim " + d).in(3, 4, 5).def(x -> x[0].softmax(d));
            op("log_softmax/dim " + d).in(3, 4, 5).def(x -> x[0].logSoftmax(d));
        }
    }

    private static void linearAlgebra() {
        op("matmul/1d@1d").in(5).in(5).def(x -> x[0].matmul(x[1]));
        op("matmul/1d@2d").in(4).in(4, 3).def(x -> x[0].matmul(x[1]));
        op("matmul/2d@1d").in(3, 4).in(4).def(x -> x[0].matmul(x[1]));
        op("matmul/2d@2d").in(3, 4).in(4, 5).def(x -> x[0].matmul(x[1]));
        op("matmul/batched").in(2, 3, 4).in(2, 4, 5).def(x -> x[0].matmul(x[1]));
        op("matmul/broadcast batch").in(2, 1, 3, 4).in(3, 4, 2).def(x -> x[0].matmul(x[1]));
        op("matmul/2d@batched").in(3, 4).in(2, 4, 5).def(x -> x[0].matmul(x[1]));
        op("matmul/batched@1d").in(2, 3, 4).in(4).def(x -> x[0].matmul(x[1]));
        op("matmul/1d@batched").in(4).in(2, 4, 3).def(x -> x[0].matmul(x[1]));
    }

    private static void convolutions() {
        op("conv2d/3x3 s1 p1 bias").in(2, 3, 6, 6).in(4, 3, 3, 3).in(4).def(x -> Conv2d.apply(x[0], x[1], x[2], 1, 1, 1));
        op("conv2d/3x3 s2 p1 odd").in(1, 3, 7, 5).in(2, 3, 3, 3).def(x -> Conv2d.apply(x[0], x[1], null, 2, 1, 1));
        op("conv2d/groups 2 bias").in(2, 4, 5, 5).in(6, 2, 3, 3).in(6).def(x -> Conv2d.apply(x[0], x[1], x[2], 1, 0, 2));
        op("conv2d/groups 2 s2 p1").in(1, 4, 7, 6).in(4, 2, 3, 3).def(x -> Conv2d.apply(x[0], x[1], null, 2, 1, 2));
        op("conv2d/1x1 bias").in(2, 3, 5, 5).in(4, 3, 1, 1).in(4).def(x -> Conv2d.apply(x[0], x[1], x[2], 1, 0, 1));
        op("conv2d/4x4 s2 p1").in(1, 2, 8, 8).in(3, 2, 4, 4).def(x -> Conv2d.apply(x[0], x[1], null, 2, 1, 1));
        op("conv2d/rect kernel, stride (2,1), pad (1,0)").in(1, 2, 6, 7).in(2, 2, 3, 2).in(2)
                .def(x -> Conv2d.apply(x[0], x[1], x[2], 2, 1, 1, 0, 1));
        op("conv_transpose2d/4x4 s2 p1 bias").in(1, 4, 3, 3).in(4, 3, 4, 4).in(3)
                .def(x -> ConvTranspose2d.apply(x[0], x[1], x[2], 2, 1, 0, 1));
        op("conv_transpose2d/groups 2 s2 p1 op1").in(2, 4, 3, 3).in(4, 1, 3, 3)
                .def(x -> ConvTranspose2d.apply(x[0], x[1], null, 2, 1, 1, 2));
        op("conv_transpose2d/3x3 s1 p1").in(1, 3, 4, 5).in(3, 2, 3, 3).def(x -> ConvTranspose2d.apply(x[0], x[1], null, 1, 1, 0, 1));
        op("conv_transpose2d/groups 2 s2 p0 op1 bias").in(1, 4, 3, 4).in(4, 2, 3, 3).in(4)
                .def(x -> ConvTranspose2d.apply(x[0], x[1], x[2], 2, 0, 1, 2));
    }

    private static void poolingAndResampling() {
        op("max_pool2d/k2 s2").in(DISTINCT, 2, 2, 6, 6).def(x -> Pool2d.max(x[0], 2, 2, 0));
        op("max_pool2d/k3 s2 p1 odd").in(DISTINCT, 1, 2, 7, 7).def(x -> Pool2d.max(x[0], 3, 2, 1));
        op("avg_pool2d/k3 s1 p1").in(2, 2, 5, 5).def(x -> Pool2d.avg(x[0], 3, 1, 1));
        op("avg_pool2d/k2 s2").in(1, 2, 6, 6).def(x -> Pool2d.avg(x[0], 2, 2, 0));
        op("avg_pool2d/k5 s1 p2 odd").in(1, 1, 5, 7).def(x -> Pool2d.avg(x[0], 5, 1, 2));
        op("upsample_bilinear/3->7").in(1, 2, 3, 3).def(x -> Upsample.bilinear(x[0], 7, 7));
        op("upsample_bilinear/4->8").in(2, 1, 4, 4).def(x -> Upsample.bilinear(x[0], 8, 8));
        op("upsample_bilinear/3x4->5x9").in(1, 1, 3, 4).def(x -> Upsample.bilinear(x[0], 5, 9));
        op("upsample_nearest/x2").in(1, 2, 3, 4).def(x -> Upsample.nearest(x[0], 2, 2));
        op("upsample_nearest/x(2,3)").in(1, 1, 3, 2).def(x -> Upsample.nearest(x[0], 2, 3));
        op("instance_norm/eps 1e-5").in(2, 3, 4, 5).def(x -> InstanceNorm2d.apply(x[0], 1e-5));
        op("instance_norm/eps 0.1 tiny plane").in(1, 2, 2, 3).def(x -> InstanceNorm2d.apply(x[0], 0.1));
    }

    private static void movement() {
        op("reshape").in(2, 3, 4).def(x -> x[0].reshape(6, 4));
        op("reshape/-1 of a permuted view").in(2, 3, 4).def(x -> x[0].permute(2, 0, 1).reshape(4, -1));
        op("permute").in(2, 3, 4).def(x -> x[0].permute(2, 0, 1));
        op("transpose").in(2, 3, 4).def(x -> x[0].transpose(0, 2));
        op("slice/dim 1").in(4, 5).def(x -> x[0].slice(1, 1, 4));
        op("slice/of a transposed view").in(3, 4, 5).def(x -> x[0].transpose(0, 2).slice(0, 2, 5));
        op("expand").in(3, 1).def(x -> x[0].expand(2, 3, 4));
        op("contiguous/of a transposed view").in(3, 4).def(x -> x[0].transpose(0, 1).contiguous());
        op("pad").in(2, 3, 4).def(x -> x[0].pad(s(1, 2, 0, 1), 0.5));
        op("pad/of a permuted view").in(2, 3, 4).def(x -> x[0].permute(1, 2, 0).pad(s(2, 1), 0));
        op("concat/dim 1, three parts").in(2, 3).in(2, 2).in(2, 1).def(x -> Tensor.concat(1, x[0], x[1], x[2]));
        op("concat/dim 0 of views").in(3, 4).in(2, 4).def(x -> Tensor.concat(0, x[0].slice(1, 1, 3), x[1].transpose(0, 1)));
        op("split/one piece").in(2, 6).def(x -> x[0].split(1, 2, 3, 1)[1]);
        op("split/pieces recombined").in(2, 6).def(x -> {
            Tensor[] p = x[0].split(1, 2, 4);
            return Tensor.concat(1, p[1], p[0].mul(p[0]));
        });
        // float32 rounding (~1e-7 relative) limits the step: a cast is linear, so a large eps is exact
        op("cast/f64->f32->f64").in(3, 4).eps(1e-2).tol(1e-5).def(x -> x[0].to(DType.F32).mul(3).to(x[0].dtype()));
    }

    private static void indexing() {
        // repeated indices: the backward must add, not overwrite
        op("gather/dim 1 with repeats").in(3, 5).def(x -> Index.gather(x[0], 1,
                Tensor.ofInts(new int[]{0, 4, 4, 2, 1, 1, 1, 3, 2, 0, 3, 3}, 3, 4)));
        op("gather/dim 0 of 3-d").in(4, 2, 3).def(x -> Index.gather(x[0], 0,
                Tensor.ofInts(new int[]{3, 0, 1, 1, 2, 3, 0, 0, 3, 2, 1, 0}, 2, 2, 3)));
        op("index_select/rows with repeats").in(5, 3).def(x -> Index.indexSelect(x[0],
                Tensor.ofInts(new int[]{4, 0, 2, 2, 4, 1, 4}, 7)));
    }

    /** Every op must make its own inputs dense (or read strides); views are the usual way in. */
    private static void nonContiguousInputs() {
        op("view/exp of a transposed view").in(3, 4).def(x -> x[0].transpose(0, 1).exp());
        op("view/mul of a slice and an expanded view").in(3, 5).in(3, 1).def(x -> x[0].slice(1, 1, 5).mul(x[1].expand(3, 4)));
        op("view/sum of a permuted view").in(2, 3, 4).def(x -> x[0].permute(2, 0, 1).sum(s(1), false));
        op("view/max of a permuted view").in(DISTINCT, 2, 3, 4).def(x -> x[0].permute(1, 2, 0).max(s(0, 2), true));
        op("view/softmax of a slice").in(4, 6).def(x -> x[0].slice(1, 1, 5).softmax(0));
        op("view/matmul of transposed operands").in(4, 3).in(5, 4).def(x -> x[0].transpose(0, 1).matmul(x[1].transpose(0, 1)));
        op("view/conv2d of a permuted input and weight").in(1, 5, 6, 2).in(3, 3, 2, 2).in(3)
                .def(x -> Conv2d.apply(x[0].permute(0, 3, 1, 2), x[1].permute(0, 3, 1, 2), x[2], 1, 1, 1));
        op("view/conv_transpose2d of a sliced input").in(1, 3, 4, 4).in(2, 2, 3, 3)
                .def(x -> ConvTranspose2d.apply(x[0].slice(1, 1, 3), x[1], null, 2, 1, 1, 1));
        op("view/instance_norm of a transposed input").in(1, 2, 5, 4).def(x -> InstanceNorm2d.apply(x[0].transpose(2, 3), 1e-5));
        op("view/max_pool2d of a slice").in(DISTINCT, 1, 2, 6, 7).def(x -> Pool2d.max(x[0].slice(3, 1, 7), 2, 2, 0));
        op("view/avg_pool2d of a transposed input").in(1, 2, 4, 6).def(x -> Pool2d.avg(x[0].transpose(2, 3), 3, 1, 1));
        op("view/bilinear of a slice").in(1, 3, 3, 4).def(x -> Upsample.bilinear(x[0].slice(1, 0, 2), 5, 7));
        op("view/gather from a transposed view").in(5, 3).def(x -> Index.gather(x[0].transpose(0, 1), 1,
                Tensor.ofInts(new int[]{0, 4, 2, 2, 1, 3}, 3, 2)));
        op("view/index_select of a sliced table").in(5, 4).def(x -> Index.indexSelect(x[0].slice(1, 1, 4),
                Tensor.ofInts(new int[]{3, 3, 0}, 3)));
        op("view/where of expanded branches").in(1, 4).in(3, 1).def(x -> Tensor.where(
                like(x[0], s(3, 4), 0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0), x[0].expand(3, 4), x[1].expand(3, 4)));
    }

    private static void composites() {
        op("used twice/x*x").in(3, 4).def(x -> x[0].mul(x[0]));
        op("used twice/x+x").in(3, 4).def(x -> x[0].add(x[0]));
        op("diamond").in(3, 4).def(x -> {
            Tensor a = x[0].mul(2);
            return a.exp().add(a.mul(a)).sub(a.sigmoid());
        });
        // conv -> instance norm -> relu -> max pool -> bilinear up -> transposed conv, as in the 3DSR nets
        // (no bias before the instance norm: it would cancel, leaving a gradient of exactly zero)
        op("mini network").in(1, 2, 6, 6).in(4, 2, 3, 3).in(4, 2, 4, 4).in(2).def(x -> {
            Tensor h = Conv2d.apply(x[0], x[1], null, 1, 1, 1);
            h = InstanceNorm2d.apply(h, 1e-5).relu();
            h = Upsample.bilinear(Pool2d.max(h, 2, 2, 0), 5, 5);
            return ConvTranspose2d.apply(h, x[2], x[3], 2, 1, 0, 1).logSoftmax(1);
        });
        // a VQ codebook/commitment loss: the nearest-codeword indices are piecewise constant, so
        // finite differences see the index_select and pow paths into z and the codebook
        op("vq loss through index_select").in(6, 3).in(4, 3).def(x -> {
            Tensor idx = dsr3d.tensor.ops.VqNearest.apply(x[0].detach(), x[1].detach());
            Tensor q = Index.indexSelect(x[1], idx);
            return q.sub(x[0]).pow(2).sum(1, false);
        });
        op("mse of softmax vs target").in(4, 5).def(x -> x[0].softmax(1).sub(x[0].mul(0.1)).pow(2).mean(1, false));
    }
}
