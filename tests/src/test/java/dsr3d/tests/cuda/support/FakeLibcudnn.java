package dsr3d.tests.cuda.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A stub libcudnn.so.9 (legacy convolution API) that computes convolutions on the host straight
 * from the descriptors it was given: NCHW tensors, KCRS filters, groups, padding, stride,
 * cross-correlation, alpha/beta, as cuDNN defines them. Every descriptor records its kind, and
 * each call checks it got a tensor or a filter in each position, a workspace at least as large
 * as cudnnGet*WorkspaceSize said, the algorithm its heuristics offered, and the stream. The
 * heuristics list an unsupported algorithm first (status 3000), which the caller must skip.
 * Prototypes follow NVIDIA's cudnn_ops.h / cudnn_cnn.h (cuDNN 9), written out by hand.
 */
public final class FakeLibcudnn {
    private FakeLibcudnn() {}

    public static Path build(Path dir) throws IOException, InterruptedException {
        Path src = dir.resolve("fake_cudnn.c"), lib = dir.resolve("libcudnn.so.9");
        Files.writeString(src, SOURCE);
        Process p = new ProcessBuilder("cc", "-O2", "-Wall", "-Werror", "-shared", "-fPIC", "-o", lib.toString(), src.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0)
            throw new IOException("building the stub libcudnn failed:\n" + out);
        return lib;
    }

    public static final String SOURCE = """
            #include <stddef.h>
            #include <stdlib.h>
            typedef int st;                       /* cudnnStatus_t: 0 ok, 2000 bad param, 3000 not supported */
            enum { TENSOR = 1, FILTER = 2, CONV = 3 };
            typedef struct { int kind, n, c, h, w; } Desc;       /* tensor [n,c,h,w] or filter [k=n,c,h,w] */
            typedef struct { int kind, ph, pw, u, v, groups, math; } Conv;
            typedef struct { int algo; st status; float time; size_t memory; int determinism, mathType; int reserved[3]; } Perf;
            #define WS 8192
            #define GOOD_ALGO 1
            static int handle_storage, stream_ok;

            const char *cudnnGetErrorString(st s) { return s == 2000 ? "CUDNN_STATUS_BAD_PARAM (fake)" : "CUDNN_STATUS_UNKNOWN (fake)"; }
            size_t cudnnGetVersion(void) { return 90600; }
            st cudnnCreate(void **h) { *h = &handle_storage; return 0; }
            st cudnnSetStream(void *h, void *s) { stream_ok = s == (void *) 0x5678; return h == &handle_storage ? 0 : 2000; }
            static st make(void **d, int kind) {
                Desc *x = calloc(1, sizeof(Conv) > sizeof(Desc) ? sizeof(Conv) : sizeof(Desc));
                x->kind = kind; *d = x; return 0;
            }
            st cudnnCreateTensorDescriptor(void **d) { return make(d, TENSOR); }
            st cudnnCreateFilterDescriptor(void **d) { return make(d, FILTER); }
            st cudnnCreateConvolutionDescriptor(void **d) { return make(d, CONV); }
            st cudnnSetTensor4dDescriptor(Desc *d, int format, int dtype, int n, int c, int h, int w) {
                if (d->kind != TENSOR || format != 0 || dtype != 0 || n < 1 || c < 1 || h < 1 || w < 1) return 2000;
                d->n = n; d->c = c; d->h = h; d->w = w; return 0;
            }
            st cudnnSetFilter4dDescriptor(Desc *d, int dtype, int format, int k, int c, int h, int w) {
                if (d->kind != FILTER || format != 0 || dtype != 0) return 2000;
                d->n = k; d->c = c; d->h = h; d->w = w; return 0;
            }
            st cudnnSetConvolution2dDescriptor(Conv *c, int ph, int pw, int u, int v, int dh, int dw, int mode, int ctype) {
                if (c->kind != CONV || dh != 1 || dw != 1 || mode != 1 || ctype != 0) return 2000;
                c->ph = ph; c->pw = pw; c->u = u; c->v = v; c->groups = 1; return 0;
            }
            st cudnnSetConvolutionGroupCount(Conv *c, int g) { if (c->kind != CONV || g < 1) return 2000; c->groups = g; return 0; }
            st cudnnSetConvolutionMathType(Conv *c, int m) { if (c->kind != CONV || m < 0 || m > 3) return 2000; c->math = m; return 0; }
            static int outH(const Desc *x, const Desc *w, const Conv *c) { return (x->h + 2 * c->ph - w->h) / c->u + 1; }
            static int outW(const Desc *x, const Desc *w, const Conv *c) { return (x->w + 2 * c->pw - w->w) / c->v + 1; }
            st cudnnGetConvolution2dForwardOutputDim(Conv *c, Desc *x, Desc *w, int *n, int *k, int *h, int *ww) {
                if (c->kind != CONV || x->kind != TENSOR || w->kind != FILTER) return 2000;
                if (x->c != w->c * c->groups || w->n % c->groups) return 2000;
                *n = x->n; *k = w->n; *h = outH(x, w, c); *ww = outW(x, w, c); return 0;
            }
            /* (x, w, y) in data-flow order per direction; returns 0 if the kinds and sizes agree */
            static st check(Desc *x, Desc *w, Conv *c, Desc *y) {
                if (!stream_ok || c->kind != CONV || x->kind != TENSOR || w->kind != FILTER || y->kind != TENSOR) return 2000;
                if (x->c != w->c * c->groups || y->c != w->n || y->n != x->n || y->h != outH(x, w, c) || y->w != outW(x, w, c)) return 2000;
                return 0;
            }
            static void perfs(Conv *c, int req, int *ret, Perf *p) {
                if (req < 2) { *ret = 0; return; }
                p[0] = (Perf) {7, 3000, 0.5f, 0, 0, c->math, {0}};
                p[1] = (Perf) {GOOD_ALGO, 0, 1.25f, 1024, 1, c->math == 1 ? 1 : 3, {0}};
                *ret = 2;
            }
            st cudnnGetConvolutionForwardAlgorithm_v7(void *h, Desc *x, Desc *w, Conv *c, Desc *y, int req, int *ret, Perf *p) {
                st s = check(x, w, c, y); if (s) return s; perfs(c, req, ret, p); return 0;
            }
            st cudnnGetConvolutionBackwardDataAlgorithm_v7(void *h, Desc *w, Desc *dy, Conv *c, Desc *dx, int req, int *ret, Perf *p) {
                st s = check(dx, w, c, dy); if (s) return s; perfs(c, req, ret, p); return 0;
            }
            st cudnnGetConvolutionBackwardFilterAlgorithm_v7(void *h, Desc *x, Desc *dy, Conv *c, Desc *dw, int req, int *ret, Perf *p) {
                st s = check(x, dw, c, dy); if (s) return s; perfs(c, req, ret, p); return 0;
            }
            st cudnnFindConvolutionForwardAlgorithmEx(void *h, Desc *x, void *xp, Desc *w, void *wp, Conv *c, Desc *y, void *yp,
                    int req, int *ret, Perf *p, void *ws, size_t wsb) {
                st s = check(x, w, c, y); if (s) return s; perfs(c, req, ret, p); return 0;
            }
            st cudnnFindConvolutionBackwardDataAlgorithmEx(void *h, Desc *w, void *wp, Desc *dy, void *dyp, Conv *c, Desc *dx, void *dxp,
                    int req, int *ret, Perf *p, void *ws, size_t wsb) {
                st s = check(dx, w, c, dy); if (s) return s; perfs(c, req, ret, p); return 0;
            }
            st cudnnFindConvolutionBackwardFilterAlgorithmEx(void *h, Desc *x, void *xp, Desc *dy, void *dyp, Conv *c, Desc *dw, void *dwp,
                    int req, int *ret, Perf *p, void *ws, size_t wsb) {
                st s = check(x, dw, c, dy); if (s) return s; perfs(c, req, ret, p); return 0;
            }
            st cudnnGetConvolutionForwardWorkspaceSize(void *h, Desc *x, Desc *w, Conv *c, Desc *y, int algo, size_t *b) {
                st s = check(x, w, c, y); if (s) return s; *b = WS; return algo == GOOD_ALGO ? 0 : 3000;
            }
            st cudnnGetConvolutionBackwardDataWorkspaceSize(void *h, Desc *w, Desc *dy, Conv *c, Desc *dx, int algo, size_t *b) {
                st s = check(dx, w, c, dy); if (s) return s; *b = WS; return algo == GOOD_ALGO ? 0 : 3000;
            }
            st cudnnGetConvolutionBackwardFilterWorkspaceSize(void *h, Desc *x, Desc *dy, Conv *c, Desc *dw, int algo, size_t *b) {
                st s = check(x, dw, c, dy); if (s) return s; *b = WS; return algo == GOOD_ALGO ? 0 : 3000;
            }

            /* visits every (x index, w index, y index) tap of the convolution, as PyTorch defines it */
            #define TAPS(BODY) \\
                int G = c->groups, cinG = w->c, coutG = w->n / G, ho = y->h, wo = y->w; \\
                for (int b = 0; b < x->n; b++) for (int co = 0; co < w->n; co++) for (int oy = 0; oy < ho; oy++) \\
                for (int ox = 0; ox < wo; ox++) for (int ci = 0; ci < cinG; ci++) for (int ky = 0; ky < w->h; ky++) \\
                for (int kx = 0; kx < w->w; kx++) { \\
                    int iy = oy * c->u - c->ph + ky, ix = ox * c->v - c->pw + kx; \\
                    if (iy < 0 || iy >= x->h || ix < 0 || ix >= x->w) continue; \\
                    size_t xi = (((size_t) b * x->c + (co / coutG) * cinG + ci) * x->h + iy) * x->w + ix; \\
                    size_t wi = (((size_t) co * cinG + ci) * w->h + ky) * w->w + kx; \\
                    size_t yi = (((size_t) b * y->c + co) * ho + oy) * wo + ox; \\
                    BODY; }
            static st run_ok(Conv *c, int algo, void *ws, size_t wsb) {
                if (algo != GOOD_ALGO || ws == NULL || wsb < WS) return 2000;
                return 0;
            }
            static void scale(float *out, size_t n, const float *beta, double *acc, const float *alpha) {
                for (size_t i = 0; i < n; i++) out[i] = (float) (*alpha * acc[i] + (*beta == 0 ? 0 : *beta * out[i]));
            }
            st cudnnConvolutionForward(void *h, const float *alpha, Desc *x, const float *xp, Desc *w, const float *wp, Conv *c,
                    int algo, void *ws, size_t wsb, const float *beta, Desc *y, float *yp) {
                st s = check(x, w, c, y); if (s) return s; if ((s = run_ok(c, algo, ws, wsb))) return s;
                size_t n = (size_t) y->n * y->c * y->h * y->w; double *acc = calloc(n, sizeof(double));
                TAPS(acc[yi] += (double) xp[xi] * wp[wi])
                scale(yp, n, beta, acc, alpha); free(acc); return 0;
            }
            st cudnnConvolutionBackwardData(void *h, const float *alpha, Desc *w, const float *wp, Desc *y, const float *dyp, Conv *c,
                    int algo, void *ws, size_t wsb, const float *beta, Desc *x, float *dxp) {
                st s = check(x, w, c, y); if (s) return s; if ((s = run_ok(c, algo, ws, wsb))) return s;
                size_t n = (size_t) x->n * x->c * x->h * x->w; double *acc = calloc(n, sizeof(double));
                TAPS(acc[xi] += (double) dyp[yi] * wp[wi])
                scale(dxp, n, beta, acc, alpha); free(acc); return 0;
            }
            st cudnnConvolutionBackwardFilter(void *h, const float *alpha, Desc *x, const float *xp, Desc *y, const float *dyp, Conv *c,
                    int algo, void *ws, size_t wsb, const float *beta, Desc *w, float *dwp) {
                st s = check(x, w, c, y); if (s) return s; if ((s = run_ok(c, algo, ws, wsb))) return s;
                size_t n = (size_t) w->n * w->c * w->h * w->w; double *acc = calloc(n, sizeof(double));
                TAPS(acc[wi] += (double) dyp[yi] * xp[xi])
                scale(dwp, n, beta, acc, alpha); free(acc); return 0;
            }
            """;
}
