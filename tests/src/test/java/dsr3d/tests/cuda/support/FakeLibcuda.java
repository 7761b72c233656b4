package dsr3d.tests.cuda.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A stub libcuda.so.1 in C that runs "device" work on the host: device pointers are malloc'd
 * host memory, copies are memcpy, and two known kernels ("saxpy", "iota") are executed on the
 * CPU by cuLaunchKernel from the kernelParams array. It is compiled against NVIDIA's own cuda.h
 * (whose macros also map cuMemAlloc to cuMemAlloc_v2 etc.), so the C compiler checks every
 * prototype the stub defines against the real header; a Java test then drives CudaDriver
 * against it, which checks our FFM descriptors, out-parameter handling and error paths without
 * a GPU. It checks that every call passes the stream and context it was given.
 */
public final class FakeLibcuda {
    private FakeLibcuda() {}

    public static final Path CUDA_H = Path.of("/usr/local/cuda/include/cuda.h");

    /** Why the stub cannot be built here, or null when it can. */
    public static String unavailableReason() {
        if (!Files.exists(CUDA_H)) return "no " + CUDA_H;
        if (findCc() == null) return "no C compiler (cc) on PATH";
        return null;
    }

    /** Compiles the stub into dir/libcuda.so.1 and returns its path. */
    public static Path build(Path dir) throws IOException, InterruptedException {
        Path src = dir.resolve("fake_cuda.c"), lib = dir.resolve("libcuda.so.1");
        Files.writeString(src, SOURCE);
        Process p = new ProcessBuilder(findCc(), "-O1", "-Wall", "-Werror", "-shared", "-fPIC",
                "-I" + CUDA_H.getParent(), "-o", lib.toString(), src.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0)
            throw new IOException("building the stub libcuda failed:\n" + out);
        return lib;
    }

    private static String findCc() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path cc = Path.of(dir, "cc");
            if (Files.isExecutable(cc)) return cc.toString();
        }
        return null;
    }

    public static final String SOURCE = """
            #include <cuda.h>
            #include <stdlib.h>
            #include <string.h>

            #define FAKE_CTX ((CUcontext) 0x1234)
            #define FAKE_STREAM ((CUstream) 0x5678)
            #define FAKE_MODULE ((CUmodule) 0x9abc)
            static int current = 0;   /* context made current on some thread */
            static float event_ms = 0;

            CUresult cuGetErrorString(CUresult e, const char **s) {
                switch (e) {
                    case CUDA_ERROR_NOT_FOUND: *s = "named symbol not found (fake)"; return CUDA_SUCCESS;
                    case CUDA_ERROR_INVALID_IMAGE: *s = "device kernel image is invalid (fake)"; return CUDA_SUCCESS;
                    case CUDA_ERROR_INVALID_HANDLE: *s = "invalid resource handle (fake)"; return CUDA_SUCCESS;
                    case CUDA_ERROR_OUT_OF_MEMORY: *s = "out of memory (fake)"; return CUDA_SUCCESS;
                    default: *s = NULL; return CUDA_ERROR_INVALID_VALUE;
                }
            }
            CUresult cuInit(unsigned int flags) { return flags == 0 ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE; }
            CUresult cuDriverGetVersion(int *v) { *v = 13000; return CUDA_SUCCESS; }
            CUresult cuDeviceGetCount(int *n) { *n = 1; return CUDA_SUCCESS; }
            CUresult cuDeviceGet(CUdevice *d, int ordinal) { if (ordinal != 0) return CUDA_ERROR_INVALID_DEVICE; *d = 0; return CUDA_SUCCESS; }
            CUresult cuDeviceGetName(char *name, int len, CUdevice d) { strncpy(name, "Fake H200 (stub libcuda)", len); return CUDA_SUCCESS; }
            CUresult cuDeviceGetAttribute(int *v, CUdevice_attribute a, CUdevice d) {
                if (a == CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR) { *v = 9; return CUDA_SUCCESS; }
                if (a == CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR) { *v = 0; return CUDA_SUCCESS; }
                return CUDA_ERROR_INVALID_VALUE;
            }
            CUresult cuDeviceTotalMem(size_t *bytes, CUdevice d) { *bytes = (size_t) 141 << 30; return CUDA_SUCCESS; }
            CUresult cuDevicePrimaryCtxRetain(CUcontext *c, CUdevice d) { *c = FAKE_CTX; return CUDA_SUCCESS; }
            CUresult cuCtxSetCurrent(CUcontext c) { if (c != FAKE_CTX) return CUDA_ERROR_INVALID_CONTEXT; current = 1; return CUDA_SUCCESS; }
            CUresult cuStreamCreate(CUstream *s, unsigned int flags) { if (!current) return CUDA_ERROR_INVALID_CONTEXT; *s = FAKE_STREAM; return CUDA_SUCCESS; }
            CUresult cuStreamSynchronize(CUstream s) { return s == FAKE_STREAM ? CUDA_SUCCESS : CUDA_ERROR_INVALID_HANDLE; }

            CUresult cuMemAlloc(CUdeviceptr *p, size_t bytes) {
                if (bytes > ((size_t) 1 << 40)) return CUDA_ERROR_OUT_OF_MEMORY;
                void *m = malloc(bytes); if (!m) return CUDA_ERROR_OUT_OF_MEMORY;
                *p = (CUdeviceptr) m; return CUDA_SUCCESS;
            }
            CUresult cuMemFree(CUdeviceptr p) { free((void *) p); return CUDA_SUCCESS; }
            CUresult cuMemGetInfo(size_t *fr, size_t *total) { *fr = (size_t) 100 << 30; *total = (size_t) 141 << 30; return CUDA_SUCCESS; }
            CUresult cuMemHostAlloc(void **p, size_t bytes, unsigned int flags) { *p = malloc(bytes); return *p ? CUDA_SUCCESS : CUDA_ERROR_OUT_OF_MEMORY; }
            CUresult cuMemFreeHost(void *p) { free(p); return CUDA_SUCCESS; }
            CUresult cuMemsetD32Async(CUdeviceptr p, unsigned int v, size_t n, CUstream s) {
                if (s != FAKE_STREAM) return CUDA_ERROR_INVALID_HANDLE;
                unsigned int *d = (unsigned int *) p;
                for (size_t i = 0; i < n; i++) d[i] = v;
                return CUDA_SUCCESS;
            }
            CUresult cuMemcpyHtoDAsync(CUdeviceptr dst, const void *src, size_t n, CUstream s) {
                if (s != FAKE_STREAM) return CUDA_ERROR_INVALID_HANDLE;
                memcpy((void *) dst, src, n); return CUDA_SUCCESS;
            }
            CUresult cuMemcpyDtoHAsync(void *dst, CUdeviceptr src, size_t n, CUstream s) {
                if (s != FAKE_STREAM) return CUDA_ERROR_INVALID_HANDLE;
                memcpy(dst, (void *) src, n); return CUDA_SUCCESS;
            }
            CUresult cuMemcpyDtoDAsync(CUdeviceptr dst, CUdeviceptr src, size_t n, CUstream s) {
                if (s != FAKE_STREAM) return CUDA_ERROR_INVALID_HANDLE;
                memmove((void *) dst, (void *) src, n); return CUDA_SUCCESS;
            }

            /* a module image is accepted if it starts with "//fake" (and is NUL-terminated, like PTX text) */
            CUresult cuModuleLoadData(CUmodule *m, const void *image) {
                if (strncmp((const char *) image, "//fake", 6) != 0) return CUDA_ERROR_INVALID_IMAGE;
                *m = FAKE_MODULE; return CUDA_SUCCESS;
            }
            CUresult cuModuleUnload(CUmodule m) { return m == FAKE_MODULE ? CUDA_SUCCESS : CUDA_ERROR_INVALID_HANDLE; }
            CUresult cuModuleGetFunction(CUfunction *f, CUmodule m, const char *name) {
                if (m != FAKE_MODULE) return CUDA_ERROR_INVALID_HANDLE;
                if (strcmp(name, "saxpy") == 0) { *f = (CUfunction) 1; return CUDA_SUCCESS; }
                if (strcmp(name, "iota") == 0) { *f = (CUfunction) 2; return CUDA_SUCCESS; }
                return CUDA_ERROR_NOT_FOUND;
            }
            /* saxpy(float *x, float *y, float a, int n); iota(long long *out, long long v, int n):
               "threads" are gx*bx (1-D), like the real kernels' bounds check */
            CUresult cuLaunchKernel(CUfunction f, unsigned int gx, unsigned int gy, unsigned int gz,
                                    unsigned int bx, unsigned int by, unsigned int bz, unsigned int shared,
                                    CUstream s, void **params, void **extra) {
                if (s != FAKE_STREAM || extra != NULL) return CUDA_ERROR_INVALID_HANDLE;
                long threads = (long) gx * bx * gy * by * gz * bz;
                if (f == (CUfunction) 1) {
                    float *x = *(float **) params[0], *y = *(float **) params[1];
                    float a = *(float *) params[2]; int n = *(int *) params[3];
                    for (long i = 0; i < n && i < threads; i++) y[i] = a * x[i] + y[i];
                    return CUDA_SUCCESS;
                }
                if (f == (CUfunction) 2) {
                    long long *out = *(long long **) params[0]; long long v = *(long long *) params[1];
                    int n = *(int *) params[2];
                    for (long i = 0; i < n && i < threads; i++) out[i] = v + i;
                    return CUDA_SUCCESS;
                }
                return CUDA_ERROR_INVALID_HANDLE;
            }

            CUresult cuEventCreate(CUevent *e, unsigned int flags) { *e = (CUevent) malloc(8); return CUDA_SUCCESS; }
            CUresult cuEventRecord(CUevent e, CUstream s) { if (s != FAKE_STREAM) return CUDA_ERROR_INVALID_HANDLE; event_ms += 1.5f; *(float *) e = event_ms; return CUDA_SUCCESS; }
            CUresult cuEventSynchronize(CUevent e) { return e ? CUDA_SUCCESS : CUDA_ERROR_INVALID_HANDLE; }
            CUresult cuEventElapsedTime(float *ms, CUevent a, CUevent b) { *ms = *(float *) b - *(float *) a; return CUDA_SUCCESS; }
            CUresult cuEventDestroy(CUevent e) { free(e); return CUDA_SUCCESS; }
            """;
}
