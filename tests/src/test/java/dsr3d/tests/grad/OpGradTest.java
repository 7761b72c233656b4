package dsr3d.tests.grad;

import dsr3d.tensor.backend.BinaryOp;
import dsr3d.tensor.backend.UnaryOp;
import dsr3d.tensor.ops.Conv2d;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import dsr3d.tensor.DType;
import dsr3d.tensor.Tensor;
import dsr3d.tests.support.GradCheck;
import dsr3d.tests.support.OpCase;
import dsr3d.tests.support.OpCases;
import dsr3d.tests.support.TensorAsserts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Finite-difference gradient checks (F64, reference kernels) of every case in {@link OpCases},
 * and the F32 path (fast kernels where they exist) against the F64 path for the same cases.
 */
class OpGradTest {
    private static final long SEED = 20261128L;

    static Stream<OpCase> cases() { return OpCases.all().stream(); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void gradientMatchesFiniteDifferences(OpCase c) {
        GradCheck.check(c, SEED);
    }

    /** Same values in F32 and F64: outputs and gradients agree to float precision. The F32 run
     *  exercises the fast kernels' forward and backward through the op layer. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void float32AgreesWithFloat64(OpCase c) {
        Tensor[] in64 = c.makeInputs(DType.F64, SEED);
        Tensor[] in32 = new Tensor[in64.length];
        for (int i = 0; i < in64.length; i++)   // round once, then use the same values in both runs
            in32[i] = OpCase.leaf(in64[i].detach().to(DType.F32).toDoubleArray(), in64[i].shape(), DType.F32);
        for (int i = 0; i < in64.length; i++)
            in64[i] = OpCase.leaf(in32[i].toDoubleArray(), in64[i].shape(), DType.F64);
        Tensor out64 = c.fn().apply(in64), out32 = c.fn().apply(in32);
        assertEquals(DType.F32, out32.dtype(), c.name() + ": F32 inputs must give an F32 output");
        double[] w = GradCheck.lossWeights(out64.numel(), SEED);
        out64.mul(Tensor.of(w, out64.shape())).sum().backward();
        out32.mul(Tensor.of(w, out32.shape()).to(DType.F32)).sum().backward();
        double scale = maxAbs(out64.toDoubleArray());
        TensorAsserts.assertAllClose(c.name() + ": F32 output", out64, out32, 1e-5, 1e-5 * scale);
        for (int i = 0; i < in64.length; i++) {
            double gscale = maxAbs(in64[i].grad().toDoubleArray());
            TensorAsserts.assertAllClose(c.name() + ": F32 gradient of input " + i, in64[i].grad(), in32[i].grad(), 1e-4, 1e-5 * gscale);
        }
    }

    /** The VQ straight-through estimator y = x + (q - x).detach(): forward gives q, backward is the
     *  identity (dL/dx = dL/dy). Finite differences cannot see this (y does not depend on x), so
     *  the gradient is compared with the loss weights directly. */
    @Test
    void straightThroughPassesTheGradientUnchanged() {
        Random rng = new Random(3);
        Tensor x = Tensor.randn(rng, DType.F64, 4, 6).requiresGrad(true);
        Tensor q = Tensor.randn(rng, DType.F64, 4, 6);
        Tensor y = x.add(q.sub(x).detach());
        TensorAsserts.assertAllClose("straight-through forward", q, y, 1e-15, 1e-15);
        double[] w = GradCheck.lossWeights(24, 5);
        y.mul(Tensor.of(w, 4, 6)).sum().backward();
        TensorAsserts.assertAllClose("straight-through gradient", new int[]{4, 6}, w, x.grad().toDoubleArray(), 0, 0);
    }

    /**
     * Ops without a gradient case on purpose, each with the reason. Everything else that the op
     * classes declare (every public static method of dsr3d.tensor.ops returning a Tensor, every
     * UnaryOp and BinaryOp) must have a case, so a new op without one fails here.
     */
    private static final Map<String, String> NOT_DIFFERENTIABLE = Map.ofEntries(
            Map.entry("sign", "UnaryOp.SIGN: piecewise constant, gradient 0 almost everywhere"),
            Map.entry("gt", "comparison: piecewise constant"), Map.entry("ge", "comparison: piecewise constant"),
            Map.entry("lt", "comparison: piecewise constant"), Map.entry("le", "comparison: piecewise constant"),
            Map.entry("eq", "comparison: piecewise constant"), Map.entry("ne", "comparison: piecewise constant"),
            Map.entry("argmax", "integer indices"), Map.entry("argmin", "integer indices"),
            Map.entry("vq_nearest", "integer code indices (the VQ gradient is the straight-through case 'vq')"),
            Map.entry("scalar_like", "a constant"),
            Map.entry("sum_to_shape", "the broadcast-gradient helper, exercised by every */broadcast case"),
            Map.entry("unary", "dispatches to the UnaryOp constants, each checked on its own"),
            Map.entry("binary", "dispatches to the BinaryOp constants, each checked on its own"));

    /** The name the op has in the Tensor API (and the cases) where it differs from the enum constant. */
    private static final Map<String, String> API_NAME = Map.of("binary max", "maximum", "binary min", "minimum",
            "unary affine", "mul");   // AFFINE is Tensor.mul/add by a scalar: cases mul/scalar, add/scalar

    @Test
    void registryCoversEveryOpDeclaredByTheOpClasses() throws Exception {
        Set<String> families = new TreeSet<>();
        for (Class<?> c : opClasses()) {
            for (Method m : c.getDeclaredMethods()) {
                if (!Modifier.isPublic(m.getModifiers()) || !Modifier.isStatic(m.getModifiers())) continue;
                if (m.getReturnType() != Tensor.class && m.getReturnType() != Tensor[].class) continue;
                String cls = snake(c.getSimpleName()), name = snake(m.getName());
                families.add(switch (cls) {
                    case "pool2d" -> name + "_pool2d";
                    case "upsample" -> "upsample_" + name;
                    default -> name.equals("apply") ? cls : name;
                });
            }
        }
        assertTrue(families.size() >= 30, "found only " + families + " in dsr3d.tensor.ops");
        for (UnaryOp u : UnaryOp.values()) families.add(API_NAME.getOrDefault("unary " + snake(u.name()), snake(u.name())));
        for (BinaryOp b : BinaryOp.values()) families.add(API_NAME.getOrDefault("binary " + snake(b.name()), snake(b.name())));
        families.add("log_softmax");   // Softmax.apply(x, dim, log = true)
        List<String> missing = new ArrayList<>();
        for (String f : families) {
            if (NOT_DIFFERENTIABLE.containsKey(f)) continue;
            String key = f.replace("_", "");
            boolean covered = OpCases.all().stream().map(c -> c.name().split("/")[0].replace("_", ""))
                    .anyMatch(n -> n.equals(key) || (n + "2d").equals(key));
            if (!covered) missing.add(f);
        }
        assertTrue(missing.isEmpty(), "no gradient case in OpCases for " + missing + " (all ops: " + families + ")");
    }

    /** CamelCase or UPPER_CASE to snake_case: ConvTranspose2d -> conv_transpose2d, indexSelect -> index_select. */
    private static String snake(String s) {
        if (s.equals(s.toUpperCase(Locale.ROOT))) return s.toLowerCase(Locale.ROOT);
        return s.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    /** Every top-level class of the package dsr3d.tensor.ops, read from its class folder or jar. */
    private static List<Class<?>> opClasses() throws Exception {
        URI where = Conv2d.class.getProtectionDomain().getCodeSource().getLocation().toURI();
        Path root = Path.of(where);
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(root)) {
            try (Stream<Path> s = Files.list(root.resolve("dsr3d/tensor/ops"))) {
                s.map(p -> p.getFileName().toString()).forEach(names::add);
            }
        } else {
            try (FileSystem jar = FileSystems.newFileSystem(root)) {
                try (Stream<Path> s = Files.list(jar.getPath("dsr3d/tensor/ops"))) {
                    s.map(p -> p.getFileName().toString()).forEach(names::add);
                }
            }
        }
        List<Class<?>> out = new ArrayList<>();
        for (String n : names)
            if (n.endsWith(".class") && !n.contains("$")) out.add(Class.forName("dsr3d.tensor.ops." + n.substring(0, n.length() - 6)));
        return out;
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double d : v) m = Math.max(m, Math.abs(d));
        return Math.max(m, 1e-30);
    }
}
