package dsr3d.tests.cuda.support;

import dsr3d.cuda.driver.CudaDriver;
import dsr3d.cuda.driver.HostTransfer;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Marks a GPU test class or method: {@code @Gpu.Test} = {@code @Tag("gpu")} (excluded from the
 * default suite, selected with {@code -Ddsr3d.test.groups=gpu -Ddsr3d.test.excludedGroups=})
 * plus an extension that, on a machine where {@link CudaDriver#available()} is false, aborts
 * the tests through a JUnit assumption with {@link CudaDriver#unavailableReason()} as the
 * message. So without a GPU they are reported SKIPPED with the reason, never passed.
 * The check runs before {@code @BeforeAll} methods, which may therefore use the driver freely.
 *
 * <p>Also small helpers to move float arrays to and from the device.
 */
public final class Gpu {
    private Gpu() {}

    @Target({ElementType.TYPE, ElementType.METHOD})
    @Retention(RetentionPolicy.RUNTIME)
    @Tag("gpu")
    @ExtendWith(RequiresGpu.class)
    public @interface Test {}

    /** The assumption behind {@link Test}, for direct use. */
    public static void assumeAvailable() {
        Assumptions.assumeTrue(CudaDriver.available(), () -> "no usable GPU: " + CudaDriver.unavailableReason());
    }

    public static final class RequiresGpu implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return CudaDriver.available() ? ConditionEvaluationResult.enabled("GPU: " + CudaDriver.get().describe())
                    : ConditionEvaluationResult.disabled("no usable GPU: " + CudaDriver.unavailableReason());
        }
    }

    /** A device copy of a (malloc'd with the driver; free with {@link #free}). */
    public static long upload(float[] a) {
        long p = CudaDriver.get().malloc(Math.max(4L, 4L * a.length));
        HostTransfer.get().upload(a, p);
        return p;
    }

    public static float[] download(long devPtr, int n) {
        float[] r = new float[n];
        HostTransfer.get().download(devPtr, r);
        return r;
    }

    public static void free(long... devPtrs) {
        for (long p : devPtrs) CudaDriver.get().free(p);
    }
}
