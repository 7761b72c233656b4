// emu_check.cpp: runs our CUDA kernels on the host (threads of a block as std::threads with real
// barriers and warp shuffles, blocks one after another) against plain double loops, on small
// awkward shapes, with the same grid/block geometry as the Java launchers. For machines without a
// GPU: it checks indexing, tiling, bounds and reduction logic, not GPU-specific behaviour (memory
// model, timing, real wmma fragment layouts). The GPU parity test (CudaParityTest) is the real check.
//
//   g++ -std=c++20 -O1 -pthread -I. -I.. emu_check.cpp -o /tmp/emu_check && /tmp/emu_check
#include "cuda_runtime.h"
thread_local dim3 threadIdx, blockIdx;
dim3 blockDim, gridDim;
EmuBlock* emu_block;
#include "../all_kernels.cu"

#include <cstdio>
#include <random>
#include <string>
#include <vector>

static int failures = 0;
static std::mt19937 rng(42);

static std::vector<float> gauss(size_t n) {
    std::normal_distribution<float> d;
    std::vector<float> v(n);
    for (auto& x : v) x = d(rng);
    return v;
}
static std::vector<float> ties(size_t n) {
    std::vector<float> v(n);
    for (auto& x : v) x = (float) (rng() % 4);
    return v;
}

static void check(const std::string& what, const std::vector<double>& ref, const std::vector<double>& mag, const float* got, double rel) {
    int bad = 0;
    for (size_t i = 0; i < ref.size(); i++) {
        double e = ref[i], a = got[i];
        bool ok = std::isnan(e) ? std::isnan(a) : (e == a || std::fabs(a - e) <= 1e-5 + rel * std::fabs(mag[i]));
        if (!ok && bad++ < 4) std::printf("  %s [%zu] expected %g got %g\n", what.c_str(), i, e, a);
    }
    if (bad) { failures++; std::printf("FAIL %s: %d of %zu\n", what.c_str(), bad, ref.size()); }
    else std::printf("ok   %s (%zu values)\n", what.c_str(), ref.size());
}
static void check(const std::string& what, const std::vector<double>& ref, const float* got, double rel) {
    std::vector<double> mag(ref.size());
    for (size_t i = 0; i < ref.size(); i++) mag[i] = std::fabs(ref[i]) + 1;
    check(what, ref, mag, got, rel);
}
static void checkInts(const std::string& what, const std::vector<int>& ref, const int* got) {
    int bad = 0;
    for (size_t i = 0; i < ref.size(); i++) if (ref[i] != got[i] && bad++ < 4) std::printf("  %s [%zu] expected %d got %d\n", what.c_str(), i, ref[i], got[i]);
    if (bad) { failures++; std::printf("FAIL %s: %d of %zu\n", what.c_str(), bad, ref.size()); }
    else std::printf("ok   %s (%zu values)\n", what.c_str(), ref.size());
}
static dim3 D(unsigned x, unsigned y = 1, unsigned z = 1) { return dim3{x, y, z}; }

// ---- matmul -------------------------------------------------------------------------------------
static void matmul() {
    int cases[][4] = {{1, 67, 129, 45}, {2, 130, 65, 37}, {1, 1, 1, 1}, {1, 129, 131, 17}};
    for (auto& c : cases)
        for (int t = 0; t < 4; t++) {
            int batch = c[0], m = c[1], n = c[2], k = c[3];
            bool ta = t & 1, tb = t & 2;
            auto a = gauss((size_t) batch * m * k), b = gauss((size_t) k * n);   // B shared (stride 0)
            std::vector<double> ref((size_t) batch * m * n), mag(ref.size());
            for (int bt = 0; bt < batch; bt++)
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++) {
                        double s = 0, sa = 0;
                        for (int p = 0; p < k; p++) {
                            double av = ta ? a[bt * m * k + p * m + i] : a[bt * m * k + i * k + p];
                            double bv = tb ? b[j * k + p] : b[p * n + j];
                            s += av * bv; sa += std::fabs(av * bv);
                        }
                        ref[(bt * m + i) * n + j] = s; mag[(bt * m + i) * n + j] = sa;
                    }
            for (int v = 1; v <= 4; v++) {
                std::vector<float> cc = gauss(ref.size());
                int tile = v == 1 ? 16 : v == 2 ? 32 : v == 3 ? 128 : 64;
                dim3 grid = D((n + tile - 1) / tile, (m + tile - 1) / tile, batch);
                dim3 block = v == 1 ? D(16, 16) : v == 2 ? D(32, 32) : v == 3 ? D(256) : D(128);
                long long as = (long long) m * k;
                emu_launch(grid, block, [&] {
                    switch (v) {
                        case 1: matmul_forward_v1(ta, tb, m, n, k, a.data(), as, b.data(), 0, cc.data()); break;
                        case 2: matmul_forward_v2(ta, tb, m, n, k, a.data(), as, b.data(), 0, cc.data()); break;
                        case 3: matmul_forward_v3(ta, tb, m, n, k, a.data(), as, b.data(), 0, cc.data()); break;
                        default: matmul_forward_v4(ta, tb, m, n, k, a.data(), as, b.data(), 0, cc.data());
                    }
                });
                check("matmul_forward_v" + std::to_string(v) + " b" + std::to_string(batch) + " " + std::to_string(m) + "x" + std::to_string(n)
                      + "x" + std::to_string(k) + " t" + std::to_string(t), ref, mag, cc.data(), v == 4 ? 2e-3 : 1e-6 * (1 + std::sqrt(k)));
            }
        }
}

// ---- conv -------------------------------------------------------------------------------------------
struct G { int n, cin, h, w, cout, kh, kw, sh, sw, ph, pw, groups; int ho() const { return (h + 2 * ph - kh) / sh + 1; } int wo() const { return (w + 2 * pw - kw) / sw + 1; } };

static void conv() {
    G gs[] = {{2, 4, 7, 9, 6, 3, 3, 1, 1, 1, 1, 1}, {2, 4, 8, 8, 6, 3, 3, 2, 2, 1, 1, 2}, {1, 6, 9, 7, 4, 1, 1, 1, 1, 0, 0, 2},
              {2, 4, 10, 10, 4, 4, 4, 2, 2, 1, 1, 2}, {1, 3, 5, 6, 70, 3, 3, 1, 1, 1, 1, 1}, {1, 66, 6, 5, 8, 3, 3, 1, 1, 1, 1, 1}};
    for (G g : gs) {
        int ho = g.ho(), wo = g.wo(), cinG = g.cin / g.groups, coutG = g.cout / g.groups;
        size_t xs = (size_t) g.n * g.cin * g.h * g.w, ws = (size_t) g.cout * cinG * g.kh * g.kw, ys = (size_t) g.n * g.cout * ho * wo;
        auto x = gauss(xs), w = gauss(ws), bias = gauss(g.cout), dy = gauss(ys);
        std::vector<double> y(ys), ym(ys), dx(xs), dxm(xs), dw(ws), dwm(ws);
        for (size_t i = 0; i < ys; i++) { y[i] = bias[(i / (ho * wo)) % g.cout]; ym[i] = std::fabs(y[i]); }
        for (int b = 0; b < g.n; b++) for (int co = 0; co < g.cout; co++) for (int oy = 0; oy < ho; oy++) for (int ox = 0; ox < wo; ox++) {
            int yi = ((b * g.cout + co) * ho + oy) * wo + ox, grp = co / coutG;
            for (int ci = 0; ci < cinG; ci++) for (int ky = 0; ky < g.kh; ky++) {
                int iy = oy * g.sh - g.ph + ky; if (iy < 0 || iy >= g.h) continue;
                for (int kx = 0; kx < g.kw; kx++) {
                    int ix = ox * g.sw - g.pw + kx; if (ix < 0 || ix >= g.w) continue;
                    int xi = ((b * g.cin + grp * cinG + ci) * g.h + iy) * g.w + ix, wi = ((co * cinG + ci) * g.kh + ky) * g.kw + kx;
                    y[yi] += (double) x[xi] * w[wi]; ym[yi] += std::fabs((double) x[xi] * w[wi]);
                    dx[xi] += (double) dy[yi] * w[wi]; dxm[xi] += std::fabs((double) dy[yi] * w[wi]);
                    dw[wi] += (double) dy[yi] * x[xi]; dwm[wi] += std::fabs((double) dy[yi] * x[xi]);
                }
            }
        }
        std::string label = " g" + std::to_string(g.groups) + " " + std::to_string(g.cin) + "->" + std::to_string(g.cout) + " k" + std::to_string(g.kh)
                            + " s" + std::to_string(g.sh) + " " + std::to_string(g.h) + "x" + std::to_string(g.w);
#define GEOM g.n, g.cin, g.h, g.w, g.cout, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.groups, ho, wo
        for (int v = 1; v <= 2; v++) {
            std::vector<float> oy = gauss(ys), odx = gauss(xs), odw = gauss(ws);
            if (v == 1) {
                emu_launch(D(3), D(64), [&] { conv2d_forward_v1(GEOM, x.data(), w.data(), bias.data(), oy.data()); });
                emu_launch(D(3), D(64), [&] { conv2d_backward_input_v1(GEOM, dy.data(), w.data(), odx.data()); });
                emu_launch(D(3), D(64), [&] { conv2d_backward_weight_v1(GEOM, x.data(), dy.data(), odw.data()); });
            } else {
                auto grid = [&](long M, long N) { return D((N + 63) / 64, (M + 63) / 64, g.groups); };
                emu_launch(grid(coutG, (long) g.n * ho * wo), D(256), [&] { conv2d_forward_v2(GEOM, x.data(), w.data(), bias.data(), oy.data()); });
                emu_launch(grid(cinG, (long) g.n * g.h * g.w), D(256), [&] { conv2d_backward_input_v2(GEOM, dy.data(), w.data(), odx.data()); });
                emu_launch(grid(coutG, (long) cinG * g.kh * g.kw), D(256), [&] { conv2d_backward_weight_v2(GEOM, x.data(), dy.data(), odw.data()); });
            }
            std::string vs = "_v" + std::to_string(v);
            check("conv2d_forward" + vs + label, y, ym, oy.data(), 1e-5);
            check("conv2d_backward_input" + vs + label, dx, dxm, odx.data(), 1e-5);
            check("conv2d_backward_weight" + vs + label, dw, dwm, odw.data(), 1e-5);
        }
    }
}

// ---- VQ ------------------------------------------------------------------------------------------------
static void vq() {
    int cases[][3] = {{7, 3, 5}, {130, 257, 33}, {65, 70, 256}, {1, 1, 1}};
    for (auto& c : cases) {
        int n = c[0], k = c[1], d = c[2];
        auto z = gauss((size_t) n * d), e = gauss((size_t) k * d);
        if (k > 3) {   // codeword k-1 duplicates codeword 2; the first rows sit next to it
            for (int p = 0; p < d; p++) e[(size_t) (k - 1) * d + p] = e[2 * d + p];
            for (int i = 0; i < std::min(n, 5); i++) for (int p = 0; p < d; p++) z[(size_t) i * d + p] = e[2 * d + p] + 0.01f * gauss(1)[0];
        }
        std::vector<int> ref(n);
        for (int i = 0; i < n; i++) {
            double best = INFINITY; int bj = 0;
            for (int j = 0; j < k; j++) {
                double s = 0; for (int p = 0; p < d; p++) { double t = (double) z[i * d + p] - e[j * d + p]; s += t * t; }
                if (s < best) { best = s; bj = j; }
            }
            ref[i] = bj;
        }
        std::vector<int> o1(n, -1), o2(n, -1);
        std::vector<float> norms(k);
        emu_launch(D(2), D(64), [&] { vq_nearest_forward_v1(z.data(), e.data(), n, k, d, o1.data()); });
        emu_launch(D(2), D(64), [&] { vq_nearest_forward_norms_v2(e.data(), k, d, norms.data()); });
        emu_launch(D((n + 63) / 64), D(256), [&] { vq_nearest_forward_v2(z.data(), e.data(), norms.data(), n, k, d, o2.data()); });
        std::string label = " " + std::to_string(n) + "x" + std::to_string(k) + "x" + std::to_string(d);
        checkInts("vq_nearest_forward_v1" + label, ref, o1.data());
        checkInts("vq_nearest_forward_v2" + label, ref, o2.data());
    }
}

// ---- rows: reduce, softmax, instance norm ------------------------------------------------------------------
static void rows() {
    int shapes[][2] = {{7, 1}, {13, 33}, {5, 1000}, {3, 300}};
    for (auto& s : shapes) {
        int R = s[0], C = s[1];
        std::string label = " " + std::to_string(R) + "x" + std::to_string(C);
        for (int op = 0; op < 5; op++) {
            auto x = C > 1 ? ties((size_t) R * C) : gauss(R);
            if (C > 3) x[C + 2] = NAN;
            std::vector<double> ref(R);
            std::vector<int> refI(R);
            for (int r = 0; r < R; r++) {
                const float* row = &x[(size_t) r * C];
                if (op == 0) { double t = 0; for (int c = 0; c < C; c++) t += row[c]; ref[r] = t; continue; }
                bool mx = op == 1 || op == 3; int best = 0; double bv = row[0];
                for (int c = 1; c < C && !std::isnan(bv); c++) { double v = row[c]; if (std::isnan(v) || (mx ? v > bv : v < bv)) { bv = v; best = c; } }
                ref[r] = bv; refI[r] = best;
            }
            for (int v = 1; v <= 2; v++) {
                std::vector<float> of(R, -7);
                std::vector<int> oi(R, -7);
                void* out = op >= 3 ? (void*) oi.data() : (void*) of.data();
                if (v == 1) emu_launch(D(1), D(32), [&] { reduce_rows_forward_v1(op, x.data(), R, C, out); });
                else emu_launch(D(std::min(R, 3)), D(std::min(256, std::max(32, (C + 31) / 32 * 32))), [&] { reduce_rows_forward_v2(op, x.data(), R, C, out); });
                std::string nm = "reduce_rows_forward_v" + std::to_string(v) + " op" + std::to_string(op) + label;
                if (op >= 3) checkInts(nm, refI, oi.data()); else check(nm, ref, of.data(), 1e-5);
            }
        }
        for (int log = 0; log < 2; log++) {
            auto x = gauss((size_t) R * C), dy = gauss((size_t) R * C);
            std::vector<double> y(R * C), dxr(R * C);
            std::vector<float> yf(R * C);
            for (int r = 0; r < R; r++) {
                double m = -INFINITY, t = 0;
                for (int c = 0; c < C; c++) m = std::max(m, (double) x[r * C + c]);
                for (int c = 0; c < C; c++) t += std::exp(x[r * C + c] - m);
                for (int c = 0; c < C; c++) { y[r * C + c] = log ? x[r * C + c] - m - std::log(t) : std::exp(x[r * C + c] - m) / t; yf[r * C + c] = (float) y[r * C + c]; }
                double sdy = 0;
                for (int c = 0; c < C; c++) sdy += log ? dy[r * C + c] : (double) dy[r * C + c] * yf[r * C + c];
                for (int c = 0; c < C; c++) dxr[r * C + c] = log ? dy[r * C + c] - std::exp((double) yf[r * C + c]) * sdy : yf[r * C + c] * (dy[r * C + c] - sdy);
            }
            for (int v = 1; v <= 2; v++) {
                std::vector<float> o(R * C, -7), g(R * C, -7);
                dim3 grid = v == 1 ? D(1) : D(std::min(R, 3)), block = v == 1 ? D(32) : D(std::min(256, std::max(32, (C + 31) / 32 * 32)));
                if (v == 1) { emu_launch(grid, block, [&] { softmax_forward_v1(log, x.data(), R, C, o.data()); });
                              emu_launch(grid, block, [&] { softmax_backward_v1(log, yf.data(), dy.data(), R, C, g.data()); }); }
                else { emu_launch(grid, block, [&] { softmax_forward_v2(log, x.data(), R, C, o.data()); });
                       emu_launch(grid, block, [&] { softmax_backward_v2(log, yf.data(), dy.data(), R, C, g.data()); }); }
                check("softmax_forward_v" + std::to_string(v) + " log" + std::to_string(log) + label, y, o.data(), 1e-5);
                check("softmax_backward_v" + std::to_string(v) + " log" + std::to_string(log) + label, dxr, g.data(), 1e-5);
            }
        }
        // instance norm
        auto x = gauss((size_t) R * C), dy = gauss((size_t) R * C);
        std::vector<double> y(R * C), mean(R), rstd(R), dxr(R * C);
        std::vector<float> yf(R * C), rs(R);
        for (int r = 0; r < R; r++) {
            double m = 0, var = 0;
            for (int c = 0; c < C; c++) m += x[r * C + c];
            m /= C;
            for (int c = 0; c < C; c++) var += (x[r * C + c] - m) * (x[r * C + c] - m);
            var /= C;
            double q = 1 / std::sqrt(var + 1e-5);
            mean[r] = m; rstd[r] = q; rs[r] = (float) q;
            for (int c = 0; c < C; c++) { y[r * C + c] = (x[r * C + c] - m) * q; yf[r * C + c] = (float) y[r * C + c]; }
            double a = 0, b = 0;
            for (int c = 0; c < C; c++) { a += dy[r * C + c]; b += (double) dy[r * C + c] * yf[r * C + c]; }
            a /= C; b /= C;
            for (int c = 0; c < C; c++) dxr[r * C + c] = rs[r] * (dy[r * C + c] - a - yf[r * C + c] * b);
        }
        for (int v = 1; v <= 2; v++) {
            std::vector<float> o(R * C), om(R), orr(R), g(R * C);
            dim3 grid = v == 1 ? D(1) : D(std::min(R, 3)), block = v == 1 ? D(32) : D(std::min(256, std::max(32, (C + 31) / 32 * 32)));
            if (v == 1) { emu_launch(grid, block, [&] { instance_norm_forward_v1(R, C, 1e-5f, x.data(), o.data(), om.data(), orr.data()); });
                          emu_launch(grid, block, [&] { instance_norm_backward_v1(R, C, yf.data(), rs.data(), dy.data(), g.data()); }); }
            else { emu_launch(grid, block, [&] { instance_norm_forward_v2(R, C, 1e-5f, x.data(), o.data(), om.data(), orr.data()); });
                   emu_launch(grid, block, [&] { instance_norm_backward_v2(R, C, yf.data(), rs.data(), dy.data(), g.data()); }); }
            std::string vs = std::to_string(v);
            if (C > 1) {
                check("instance_norm_forward_v" + vs + " y" + label, y, o.data(), 1e-4);
                check("instance_norm_forward_v" + vs + " rstd" + label, rstd, orr.data(), 1e-4);
                check("instance_norm_backward_v" + vs + label, dxr, g.data(), 1e-4);
            }
            check("instance_norm_forward_v" + vs + " mean" + label, mean, om.data(), 1e-5);
        }
    }
}

// ---- pooling, upsampling, elementwise, index, vq_ema ------------------------------------------------------------------
static void pool() {
    int gs[][9] = {{3, 7, 9, 3, 3, 2, 2, 1, 1}, {2, 8, 8, 2, 2, 2, 2, 0, 0}, {2, 5, 6, 4, 4, 1, 1, 2, 2}, {1, 9, 9, 1, 1, 1, 1, 0, 0}};
    for (auto& p : gs) {
        int nc = p[0], h = p[1], w = p[2], kh = p[3], kw = p[4], sh = p[5], sw = p[6], ph = p[7], pw = p[8];
        int ho = (h + 2 * ph - kh) / sh + 1, wo = (w + 2 * pw - kw) / sw + 1, in = nc * h * w, out = nc * ho * wo;
        auto x = ties(in), dy = gauss(out);
        std::vector<double> y(out), avg(out), dmax(in), davg(in);
        std::vector<int> arg(out);
        for (int c = 0; c < nc; c++) for (int oy = 0; oy < ho; oy++) for (int ox = 0; ox < wo; ox++) {
            int o = (c * ho + oy) * wo + ox; double best = -INFINITY, s = 0; int bi = -1;
            for (int ky = 0; ky < kh; ky++) { int iy = oy * sh - ph + ky; if (iy < 0 || iy >= h) continue;
                for (int kx = 0; kx < kw; kx++) { int ix = ox * sw - pw + kx; if (ix < 0 || ix >= w) continue;
                    double v = x[c * h * w + iy * w + ix]; s += v;
                    if (bi < 0 || v > best) { best = v; bi = iy * w + ix; }
                    davg[c * h * w + iy * w + ix] += dy[o] / (kh * kw); } }
            y[o] = best; arg[o] = bi; avg[o] = s / (kh * kw); dmax[c * h * w + bi] += dy[o];
        }
        std::vector<float> oy(out), oa(out), gm(in, 9), ga(in, 9);
        std::vector<int> oarg(out);
        emu_launch(D(2), D(64), [&] { max_pool2d_forward_v1(nc, h, w, kh, kw, sh, sw, ph, pw, ho, wo, x.data(), oy.data(), oarg.data()); });
        emu_launch(D(2), D(64), [&] { avg_pool2d_forward_v1(nc, h, w, kh, kw, sh, sw, ph, pw, ho, wo, x.data(), oa.data()); });
        std::fill(gm.begin(), gm.end(), 0.f);   // the launcher zeroes dx
        emu_launch(D(2), D(64), [&] { max_pool2d_backward_v1(nc, h, w, ho, wo, dy.data(), arg.data(), gm.data()); });
        emu_launch(D(2), D(64), [&] { avg_pool2d_backward_v1(nc, h, w, kh, kw, sh, sw, ph, pw, ho, wo, dy.data(), ga.data()); });
        std::string label = " k" + std::to_string(kh) + " s" + std::to_string(sh) + " p" + std::to_string(ph);
        check("max_pool2d_forward_v1" + label, y, oy.data(), 0);
        checkInts("max_pool2d_forward_v1 argmax" + label, arg, oarg.data());
        check("avg_pool2d_forward_v1" + label, avg, oa.data(), 1e-6);
        check("max_pool2d_backward_v1" + label, dmax, gm.data(), 1e-6);
        check("avg_pool2d_backward_v1" + label, davg, ga.data(), 1e-6);
    }
    int bil[][5] = {{3, 5, 7, 9, 13}, {2, 1, 1, 3, 3}, {2, 6, 5, 3, 2}, {1, 4, 4, 1, 1}};
    for (auto& s : bil) {
        int nc = s[0], h = s[1], w = s[2], ho = s[3], wo = s[4];
        auto x = gauss(nc * h * w), dy = gauss(nc * ho * wo);
        std::vector<double> y(nc * ho * wo), dx(nc * h * w);
        for (int c = 0; c < nc; c++) for (int oy = 0; oy < ho; oy++) for (int ox = 0; ox < wo; ox++) {
            double sy = ho > 1 ? oy * (double) (h - 1) / (ho - 1) : 0, sx = wo > 1 ? ox * (double) (w - 1) / (wo - 1) : 0;
            int y0 = std::min((int) sy, h - 1), y1 = std::min(y0 + 1, h - 1), x0 = std::min((int) sx, w - 1), x1 = std::min(x0 + 1, w - 1);
            double fy = sy - y0, fx = sx - x0; int o = (c * ho + oy) * wo + ox, b = c * h * w;
            int xi[4] = {b + y0 * w + x0, b + y0 * w + x1, b + y1 * w + x0, b + y1 * w + x1};
            double wt[4] = {(1 - fy) * (1 - fx), (1 - fy) * fx, fy * (1 - fx), fy * fx};
            for (int q = 0; q < 4; q++) { y[o] += wt[q] * x[xi[q]]; dx[xi[q]] += wt[q] * dy[o]; }
        }
        std::vector<float> oy(y.size()), ox(dx.size(), 0.f);
        emu_launch(D(2), D(64), [&] { upsample_bilinear_forward_v1(nc, h, w, ho, wo, x.data(), oy.data()); });
        emu_launch(D(2), D(64), [&] { upsample_bilinear_backward_v1(nc, h, w, ho, wo, dy.data(), ox.data()); });
        std::string label = " " + std::to_string(h) + "x" + std::to_string(w) + "->" + std::to_string(ho) + "x" + std::to_string(wo);
        check("upsample_bilinear_forward_v1" + label, y, oy.data(), 1e-5);
        check("upsample_bilinear_backward_v1" + label, dx, ox.data(), 1e-5);
    }
    int nn[][5] = {{3, 5, 7, 2, 3}, {2, 4, 4, 1, 1}};
    for (auto& s : nn) {
        int nc = s[0], h = s[1], w = s[2], fh = s[3], fw = s[4], ho = h * fh, wo = w * fw;
        auto x = gauss(nc * h * w), dy = gauss(nc * ho * wo);
        std::vector<double> y(nc * ho * wo), dx(nc * h * w);
        for (int c = 0; c < nc; c++) for (int oy = 0; oy < ho; oy++) for (int ox = 0; ox < wo; ox++) {
            y[(c * ho + oy) * wo + ox] = x[(c * h + oy / fh) * w + ox / fw]; dx[(c * h + oy / fh) * w + ox / fw] += dy[(c * ho + oy) * wo + ox]; }
        std::vector<float> oy(y.size()), ox(dx.size(), 5.f);
        emu_launch(D(2), D(64), [&] { upsample_nearest_forward_v1(nc, h, w, fh, fw, x.data(), oy.data()); });
        emu_launch(D(2), D(64), [&] { upsample_nearest_backward_v1(nc, h, w, fh, fw, dy.data(), ox.data()); });
        check("upsample_nearest_forward_v1", y, oy.data(), 0);
        check("upsample_nearest_backward_v1", dx, ox.data(), 1e-6);
    }
}

static void elementwise() {
    for (int n : {1, 3, 1037}) {
        auto x = gauss(n);
        for (int op = 0; op <= 10; op++) {
            std::vector<float> xx = x;
            if (op == 2 || op == 3 || op == 8) for (auto& v : xx) v = std::fabs(v) + 0.1f;
            float p = op == 9 ? -0.5f : 1.7f, q = op == 9 ? 0.7f : -0.3f;
            std::vector<double> ref(n);
            for (int i = 0; i < n; i++) {
                double v = xx[i];
                double r[] = {-v, std::exp(v), std::log(v), std::sqrt(v), std::fabs(v), v > 0 ? v : 0, 1 / (1 + std::exp(-v)),
                              (double) (v > 0 ? 1 : v < 0 ? -1 : v), std::pow(v, (double) p), std::min(std::max(v, (double) p), (double) q), v * p + q};
                ref[i] = r[op];
            }
            std::vector<float> o1(n, 9), o2(n, 9);
            emu_launch(D(2), D(32), [&] { unary_forward_v1(op, p, q, xx.data(), o1.data(), n); });
            emu_launch(D(std::max(1, (n / 4 + 255) / 256)), D(256), [&] { unary_forward_v2(op, p, q, xx.data(), o2.data(), n); });
            check("unary_forward_v1 op" + std::to_string(op) + " n" + std::to_string(n), ref, o1.data(), 4e-6);
            check("unary_forward_v2 op" + std::to_string(op) + " n" + std::to_string(n), ref, o2.data(), 4e-6);
        }
    }
    // binary, broadcast + offset: out [3,5,7] (padded to 6-d), a strides (7,0,1) off 2, b strides (0,1,5) off 1
    auto a = ties(23), b = ties(36);
    std::vector<double> ref(105);
    for (int i = 0; i < 3; i++) for (int j = 0; j < 5; j++) for (int k = 0; k < 7; k++)
        ref[(i * 5 + j) * 7 + k] = (double) a[2 + i * 7 + k] - b[1 + j + 5 * k];
    std::vector<float> o(105);
    emu_launch(D(2), D(32), [&] { binary_forward_v1(1, 105, 1, 1, 1, 3, 5, 7, a.data(), 2, 0, 0, 0, 7, 0, 1, b.data(), 1, 0, 0, 0, 0, 1, 5, o.data()); });
    check("binary_forward_v1 SUB broadcast", ref, o.data(), 0);
    // where, copy (transpose, F32 -> I32), fill
    auto c = ties(50), xa = gauss(50), xb = gauss(50);
    std::vector<double> wr(50);
    for (int i = 0; i < 50; i++) wr[i] = c[i] != 0 ? xa[i] : xb[i];
    std::vector<float> ow(50);
    emu_launch(D(1), D(32), [&] { where_forward_v1(c.data(), xa.data(), xb.data(), ow.data(), 50); });
    check("where_forward_v1", wr, ow.data(), 0);
    auto src = gauss(30);
    for (auto& v : src) v *= 5;
    std::vector<int> dst(27, 0), dref(27, 0);
    for (int i = 0; i < 6; i++) for (int j = 0; j < 4; j++) dref[2 + i * 4 + j] = (int) src[3 + i + 6 * j];
    emu_launch(D(1), D(32), [&] { copy_strided_forward_v1(24, 1, 1, 1, 1, 6, 4, src.data(), 0, 3, 0, 0, 0, 0, 1, 6, dst.data(), 1, 2, 0, 0, 0, 0, 4, 1); });
    checkInts("copy_strided_forward_v1 F32->I32 transpose", dref, dst.data());
    std::vector<float> f(9, 0);
    std::vector<double> fr(9, -2.5);
    fr[8] = 0;
    emu_launch(D(1), D(32), [&] { fill_forward_v1((uint32_t*) f.data(), 0xc0200000u, 8); });
    check("fill_forward_v1", fr, f.data(), 0);
}

static void indexAndEma() {
    int outer = 2, dimIn = 5, dimOut = 7, inner = 3, m = outer * dimOut * inner;
    auto in = gauss(outer * dimIn * inner), dOut = gauss(m);
    std::vector<int> idx(m);
    for (auto& i : idx) i = rng() % dimIn;
    std::vector<double> g(m), s(outer * dimIn * inner);
    for (int o = 0; o < outer; o++) for (int j = 0; j < dimOut; j++) for (int i = 0; i < inner; i++) {
        int p = (o * dimOut + j) * inner + i; g[p] = in[(o * dimIn + idx[p]) * inner + i]; s[(o * dimIn + idx[p]) * inner + i] += dOut[p]; }
    std::vector<float> og(m), os(s.size(), 0.f);
    int err = 0;
    emu_launch(D(2), D(32), [&] { gather_forward_v1(outer, dimIn, dimOut, inner, in.data(), idx.data(), og.data(), &err); });
    emu_launch(D(2), D(32), [&] { scatter_add_forward_v1(outer, dimIn, dimOut, inner, dOut.data(), idx.data(), os.data(), &err); });
    check("gather_forward_v1", g, og.data(), 0);
    check("scatter_add_forward_v1", s, os.data(), 1e-6);
    int rows = 11, d = 5, n = 23;
    auto table = gauss(rows * d), go = gauss(n * d);
    std::vector<int> rix(n);
    for (auto& r : rix) r = rng() % rows;
    std::vector<double> sel(n * d), add(rows * d);
    for (int j = 0; j < n; j++) for (int p = 0; p < d; p++) { sel[j * d + p] = table[rix[j] * d + p]; add[rix[j] * d + p] += go[j * d + p]; }
    std::vector<float> osel(n * d), oadd(rows * d, 0.f);
    emu_launch(D(2), D(32), [&] { index_select_rows_forward_v1(table.data(), rows, d, rix.data(), n, osel.data(), &err); });
    emu_launch(D(2), D(32), [&] { index_add_rows_forward_v1(go.data(), rix.data(), n, d, oadd.data(), rows, &err); });
    check("index_select_rows_forward_v1", sel, osel.data(), 0);
    check("index_add_rows_forward_v1", add, oadd.data(), 1e-6);
    checkInts("index error flag stays 0", {0}, &err);
    rix[3] = rows + 1;
    emu_launch(D(2), D(32), [&] { index_select_rows_forward_v1(table.data(), rows, d, rix.data(), n, osel.data(), &err); });
    checkInts("index error flag set by a bad index", {1}, &err);

    int N = 300, Dm = 7, K = 37;
    auto z = gauss(N * Dm), emaW = gauss(K * Dm);
    std::vector<float> size(K);
    for (auto& v : size) v = (rng() % 500) / 100.f;
    std::vector<int> id(N);
    for (auto& i : id) i = rng() % (K - 3);
    std::vector<double> cnt(K), sums(K * Dm), nr(K), mr(K * Dm), er(K * Dm);
    for (int i = 0; i < N; i++) { cnt[id[i]]++; for (int p = 0; p < Dm; p++) sums[id[i] * Dm + p] += z[i * Dm + p]; }
    double total = 0;
    for (int j = 0; j < K; j++) { nr[j] = 0.99 * size[j] + 0.01 * cnt[j]; total += nr[j]; }
    for (int j = 0; j < K; j++) nr[j] = (nr[j] + 1e-5) / (total + K * 1e-5) * total;
    for (int q = 0; q < K * Dm; q++) { mr[q] = 0.99 * emaW[q] + 0.01 * sums[q]; er[q] = mr[q] / nr[q / Dm]; }
    std::vector<float> counts(K, 0.f), sm(K * Dm, 0.f), emb(K * Dm);
    emu_launch(D(3), D(64), [&] { vq_ema_forward_counts_v1(z.data(), id.data(), N, Dm, counts.data(), sm.data()); });
    emu_launch(D(1), D(128), [&] { vq_ema_forward_smooth_v1(size.data(), counts.data(), K, 0.99f, 1e-5f); });
    emu_launch(D(2), D(64), [&] { vq_ema_forward_update_v1(emaW.data(), sm.data(), size.data(), K, Dm, 0.99f, emb.data()); });
    check("vq_ema_forward_v1 cluster size", nr, size.data(), 1e-5);
    check("vq_ema_forward_v1 ema_w", mr, emaW.data(), 1e-5);
    check("vq_ema_forward_v1 embedding", er, emb.data(), 1e-4);
}

int main(int argc, char** argv) {
    std::string only = argc > 1 ? argv[1] : "";
    if (only.empty() || only == "elementwise") elementwise();
    if (only.empty() || only == "rows") rows();
    if (only.empty() || only == "pool") pool();
    if (only.empty() || only == "index") indexAndEma();
    if (only.empty() || only == "vq") vq();
    if (only.empty() || only == "matmul") matmul();
    if (only.empty() || only == "conv") conv();
    std::printf(failures ? "%d FAILURES\n" : "all emulated checks passed\n", failures);
    return failures ? 1 : 0;
}
