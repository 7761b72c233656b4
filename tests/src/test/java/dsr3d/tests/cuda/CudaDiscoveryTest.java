package dsr3d.tests.cuda;

import static org.junit.jupiter.api.Assertions.*;

import dsr3d.cuda.driver.Cublas;
import dsr3d.cuda.driver.CudaDriver;
import dsr3d.cuda.driver.CudaUnavailableException;
import dsr3d.cuda.driver.Cudnn;
import dsr3d.cuda.driver.HostTransfer;
import dsr3d.cuda.driver.NativeLibrary;
import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Library discovery and the "no GPU here" path. Runs in the default suite: on a CPU machine the
 * CUDA entry points must fail with a clear reason and nothing else may break; on a GPU machine
 * the checks that need absence are skipped.
 */
class CudaDiscoveryTest {

    @Test
    void availabilityAndReasonAgreeAndNeverThrow() {
        boolean available = CudaDriver.available();
        String reason = CudaDriver.unavailableReason();
        assertEquals(available, reason.isEmpty(), "reason '" + reason + "' vs available=" + available);
        assertEquals(available, CudaDriver.available(), "availability must be stable");
    }

    @Test
    void withoutLibcudaEveryEntryPointSaysWhy() {
        Assumptions.assumeFalse(CudaDriver.available(), "a GPU is usable here");
        String reason = CudaDriver.unavailableReason();
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class, CudaDriver::get);
        assertEquals(reason, e.getMessage(), "get() and unavailableReason() must agree");
        if (!Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libcuda.so.1")))
            assertTrue(reason.startsWith("libcuda.so.1 not found"), reason);
        assertTrue(reason.contains("LD_LIBRARY_PATH"), "the reason should say how to fix it: " + reason);
        // the libraries on top report the driver's reason, not some later NullPointerException
        assertThrows(CudaUnavailableException.class, Cublas::get);
        assertThrows(CudaUnavailableException.class, Cudnn::get);
        assertThrows(CudaUnavailableException.class, HostTransfer::get);
        assertFalse(Cublas.available());
        assertFalse(Cudnn.available());
    }

    @Test
    void missingLibraryListsThePlacesTried(@TempDir Path dir) {
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class,
                () -> NativeLibrary.open("libdsr3d-no-such-library.so.1", dir.toString(), null));
        assertTrue(e.getMessage().startsWith("libdsr3d-no-such-library.so.1 not found"), e.getMessage());
        assertTrue(e.getMessage().contains("system loader path"), e.getMessage());
        assertTrue(e.getMessage().contains(dir.toString()), "the DSR3D_CUDA_LIB_PATH folder should be listed: " + e.getMessage());
    }

    /** A library that is only in a DSR3D_CUDA_LIB_PATH folder is found there and its symbols bind. */
    @Test
    void folderSearchFindsAndBindsALibrary(@TempDir Path dir) throws Throwable {
        Path libm = List.of(Path.of("/lib/x86_64-linux-gnu/libm.so.6"), Path.of("/usr/lib64/libm.so.6"), Path.of("/lib64/libm.so.6"))
                .stream().filter(Files::exists).findFirst().orElse(null);
        Assumptions.assumeTrue(libm != null, "no libm.so.6 at the usual places");
        Files.copy(libm, dir.resolve("libdsr3dprobe.so.7")); // a copy: a link out of the temp folder makes JUnit warn
        NativeLibrary lib = NativeLibrary.open("libdsr3dprobe.so.7", "/nonexistent-dsr3d:" + dir, null);
        assertEquals(dir.resolve("libdsr3dprobe.so.7").toString(), lib.origin());
        MethodHandle cos = lib.bind("cos", FunctionDescriptor.of(ValueLayout.JAVA_DOUBLE, ValueLayout.JAVA_DOUBLE));
        assertEquals(Math.cos(0.5), (double) cos.invokeExact(0.5), 1e-15);
        CudaUnavailableException missing = assertThrows(CudaUnavailableException.class,
                () -> lib.bind("cuNoSuchEntryPoint", FunctionDescriptor.ofVoid()));
        assertTrue(missing.getMessage().contains("cuNoSuchEntryPoint") && missing.getMessage().contains("too old"),
                missing.getMessage());
        // the first existing name wins
        assertNotNull(lib.bindFirst(FunctionDescriptor.of(ValueLayout.JAVA_DOUBLE, ValueLayout.JAVA_DOUBLE), "cosNoSuch", "sin"));
    }

    @Test
    void searchFoldersKeepOrderDropDuplicatesAndMissingFolders(@TempDir Path root) throws IOException {
        Path a = Files.createDirectory(root.resolve("a")), b = Files.createDirectory(root.resolve("b"));
        List<Path> dirs = NativeLibrary.searchFolders(b + ":" + root.resolve("missing") + ":" + a, " " + a + " ::" + b);
        assertEquals(b, dirs.get(0));
        assertEquals(a, dirs.get(1));
        assertEquals(dirs.size(), dirs.stream().distinct().count(), "duplicates: " + dirs);
        assertFalse(dirs.contains(root.resolve("missing")));
        for (Path d : dirs) assertTrue(Files.isDirectory(d), d + " is not a folder");
    }
}
