package dsr3d.cuda.driver;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds and opens one NVIDIA shared library (libcuda.so.1, libcublas.so.13, libcudnn.so.9) and
 * binds its functions as FFM downcall handles.
 *
 * <p>Search order: the system loader path first (dlopen by soname: ldconfig cache and the
 * LD_LIBRARY_PATH the process started with), then, by full path, every folder of the
 * environment variable DSR3D_CUDA_LIB_PATH (colon-separated), of LD_LIBRARY_PATH, then
 * /usr/local/cuda/lib64, /usr/local/cuda-13*&#47;lib64, /usr/lib/x86_64-linux-gnu, /usr/lib64,
 * /usr/lib/wsl/lib. No Python or other process is run to find pip wheels: the device script
 * puts their folders on LD_LIBRARY_PATH / DSR3D_CUDA_LIB_PATH before the JVM starts.
 * (cuDNN's libcudnn.so.9 dlopens its sub-libraries by soname, so its folder must be on
 * LD_LIBRARY_PATH anyway.)
 *
 * <p>When nothing is found the {@link CudaUnavailableException} lists every place tried.
 */
public final class NativeLibrary {
    private static final Linker LINKER = Linker.nativeLinker();

    private final String soname;
    private final SymbolLookup lookup;
    private final String origin;

    private NativeLibrary(String soname, SymbolLookup lookup, String origin) {
        this.soname = soname;
        this.lookup = lookup;
        this.origin = origin;
    }

    public String soname() { return soname; }

    /** "system loader path" or the file it was opened from. */
    public String origin() { return origin; }

    /** Opens the library (kept open for the life of the process) or throws with every place tried. */
    public static NativeLibrary open(String soname) {
        return open(soname, System.getenv("DSR3D_CUDA_LIB_PATH"), System.getenv("LD_LIBRARY_PATH"));
    }

    /** {@link #open(String)} with the two path variables given explicitly (tests). */
    public static NativeLibrary open(String soname, String dsr3dLibPath, String ldLibraryPath) {
        List<String> tried = new ArrayList<>();
        try {
            return new NativeLibrary(soname, SymbolLookup.libraryLookup(soname, Arena.global()), "system loader path");
        } catch (IllegalArgumentException | IllegalCallerException e) {
            tried.add("system loader path (" + firstLine(e.getMessage()) + ")");
        }
        for (Path dir : searchFolders(dsr3dLibPath, ldLibraryPath)) {
            Path file = dir.resolve(soname);
            if (!Files.exists(file)) {
                tried.add(dir.toString());
                continue;
            }
            try {
                return new NativeLibrary(soname, SymbolLookup.libraryLookup(file, Arena.global()), file.toString());
            } catch (IllegalArgumentException e) {
                tried.add(file + " (exists but failed to load: " + firstLine(e.getMessage()) + ")");
            }
        }
        throw new CudaUnavailableException(soname + " not found; tried " + String.join(", ", tried)
                + ". Put the folder holding it on LD_LIBRARY_PATH or DSR3D_CUDA_LIB_PATH.");
    }

    /** Opens exactly this file (no search). */
    public static NativeLibrary openFile(Path file) {
        try {
            return new NativeLibrary(file.getFileName().toString(), SymbolLookup.libraryLookup(file, Arena.global()), file.toString());
        } catch (IllegalArgumentException e) {
            throw new CudaUnavailableException(file + " failed to load: " + firstLine(e.getMessage()), e);
        }
    }

    /** The folders searched after the system path, in order, without duplicates; only existing folders. */
    public static List<Path> searchFolders(String dsr3dLibPath, String ldLibraryPath) {
        Set<Path> dirs = new LinkedHashSet<>();
        addPathList(dirs, dsr3dLibPath);
        addPathList(dirs, ldLibraryPath);
        dirs.add(Path.of("/usr/local/cuda/lib64"));
        Path local = Path.of("/usr/local");
        if (Files.isDirectory(local)) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(local, "cuda-13*")) {
                List<Path> found = new ArrayList<>();
                s.forEach(p -> found.add(p.resolve("lib64")));
                found.sort(null);
                dirs.addAll(found.reversed()); // newest minor first
            } catch (IOException ignored) {
                // an unreadable /usr/local only means one fewer place to look
            }
        }
        dirs.add(Path.of("/usr/lib/x86_64-linux-gnu"));
        dirs.add(Path.of("/usr/lib64"));
        dirs.add(Path.of("/usr/lib/wsl/lib"));
        List<Path> existing = new ArrayList<>();
        for (Path d : dirs) if (Files.isDirectory(d)) existing.add(d);
        return existing;
    }

    static void addPathList(Set<Path> into, String colonSeparated) {
        if (colonSeparated == null) return;
        for (String part : colonSeparated.split(":")) {
            String p = part.strip();
            if (!p.isEmpty()) into.add(Path.of(p));
        }
    }

    public Optional<MemorySegment> find(String symbol) { return lookup.find(symbol); }

    /** A downcall handle, or CudaUnavailableException naming the missing symbol (library too old). */
    public MethodHandle bind(String symbol, FunctionDescriptor fd) {
        MemorySegment addr = lookup.find(symbol).orElseThrow(() -> new CudaUnavailableException(
                symbol + " not found in " + soname + " (" + origin + "): library too old?"));
        return LINKER.downcallHandle(addr, fd);
    }

    /** Like {@link #bind} but tries the names in order (e.g. a _v2 entry point, then the old one). */
    public MethodHandle bindFirst(FunctionDescriptor fd, String... symbols) {
        for (String s : symbols) {
            Optional<MemorySegment> addr = lookup.find(s);
            if (addr.isPresent()) return LINKER.downcallHandle(addr.get(), fd);
        }
        throw new CudaUnavailableException(String.join(" / ", symbols) + " not found in " + soname
                + " (" + origin + "): library too old?");
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
