#!/usr/bin/env python3
"""PyTorch CUDA peer timings on the shapes of the GPU benchmarks (dsr3d.bench.gpu), printed as JSON.

The peer is the PyTorch (2.11+cu130) already installed on the GPU machine: cuDNN convolutions and
cuBLAS GEMMs as a Python user would get them. Same shapes, same precision rules as the Java benches:
fp32 against fp32 (TF32 off), TF32 against TF32 (TF32 on). Timed with CUDA events around enough
back-to-back calls to take about 50 ms, after warm-up (and cudnn.benchmark = True, so cuDNN has
picked its algorithms before timing, as our Cudnn binding does with its find step).

  python3 bench/gpu/torch_peer.py                     # all default shapes
  python3 bench/gpu/torch_peer.py --conv c1,c13 --gemm 4096 --skip-vq

Shapes: conv rows of bench/src/main/resources/dsr3d/bench/3dsr-conv-shapes.csv (batch 1; a convT
row is timed as conv_transpose2d forward, and its backward passes), GEMM n^3 for n in 1024..4096,
VQ search n x k x d = 9216 x 2048 x 256 as torch.cdist + argmin and as the expanded
||e||^2 - 2 z e^T + argmin. Each record: op, shape, precision, ms, gflops.
"""
import argparse
import csv
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
CSV = os.path.join(HERE, "..", "src", "main", "resources", "dsr3d", "bench", "3dsr-conv-shapes.csv")


def event_ms(fn, target_ms=50.0):
    fn()
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record(); fn(); end.record(); torch.cuda.synchronize()
    one = max(start.elapsed_time(end), 1e-3)
    reps = int(max(1, min(500, target_ms / one)))
    start.record()
    for _ in range(reps):
        fn()
    end.record()
    torch.cuda.synchronize()
    return start.elapsed_time(end) / reps


def set_tf32(on):
    torch.backends.cuda.matmul.allow_tf32 = on
    torch.backends.cudnn.allow_tf32 = on


def conv_rows(ids):
    rows = []
    with open(CSV) as f:
        lines = [l for l in f if l.strip() and not l.startswith("#")]
    for r in csv.DictReader(lines):
        if ids and r["id"] not in ids:
            continue
        rows.append(r)
    return rows


def bench_conv(rows, out):
    dev = "cuda"
    for r in rows:
        cin, cout, k, s, p, g = (int(r[c]) for c in ("cin", "cout", "k", "stride", "pad", "groups"))
        hin, win = int(r["hin"]), int(r["win"])
        transposed = r["op"] == "convT"
        x = torch.randn(1, cin, hin, win, device=dev, requires_grad=True)
        if transposed:
            w = torch.randn(cin, cout // g, k, k, device=dev, requires_grad=True)
            f = lambda: torch.nn.functional.conv_transpose2d(x, w, stride=s, padding=p, groups=g)
        else:
            w = torch.randn(cout, cin // g, k, k, device=dev, requires_grad=True)
            f = lambda: torch.nn.functional.conv2d(x, w, stride=s, padding=p, groups=g)
        y = f()
        macs = y.numel() * (cin // g) * k * k if not transposed else x.numel() * (cout // g) * k * k
        dy = torch.randn_like(y)
        for tf32 in (False, True):
            set_tf32(tf32)
            prec = "tf32" if tf32 else "fp32"
            ms = event_ms(lambda: f())
            out.append(dict(op="conv_forward", shape=r["id"], precision=prec, ms=ms, gflops=2 * macs / ms / 1e6))
            yy = f()
            ms_in = event_ms(lambda: torch.autograd.grad(yy, x, dy, retain_graph=True))
            out.append(dict(op="conv_backward_input", shape=r["id"], precision=prec, ms=ms_in, gflops=2 * macs / ms_in / 1e6))
            ms_w = event_ms(lambda: torch.autograd.grad(yy, w, dy, retain_graph=True))
            out.append(dict(op="conv_backward_weight", shape=r["id"], precision=prec, ms=ms_w, gflops=2 * macs / ms_w / 1e6))


def bench_gemm(sizes, out):
    for n in sizes:
        a = torch.randn(n, n, device="cuda")
        b = torch.randn(n, n, device="cuda")
        for tf32 in (False, True):
            set_tf32(tf32)
            ms = event_ms(lambda: a @ b)
            out.append(dict(op="gemm", shape=f"{n}^3", precision="tf32" if tf32 else "fp32", ms=ms, gflops=2 * n ** 3 / ms / 1e6))


def bench_vq(n, k, d, out):
    set_tf32(False)
    z = torch.randn(n, d, device="cuda")
    e = torch.randn(k, d, device="cuda")
    flop = 2.0 * n * k * d
    ms = event_ms(lambda: torch.cdist(z, e).argmin(dim=1))
    out.append(dict(op="vq_cdist_argmin", shape=f"{n}x{k}x{d}", precision="fp32", ms=ms, gflops=flop / ms / 1e6))
    norms = (e * e).sum(dim=1)
    ms2 = event_ms(lambda: torch.addmm(norms, z, e.t(), beta=1, alpha=-2).argmin(dim=1))
    out.append(dict(op="vq_expanded_argmin", shape=f"{n}x{k}x{d}", precision="fp32", ms=ms2, gflops=flop / ms2 / 1e6))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--conv", default="c1,c2,c7,c12,c13,c37", help="conv shape ids (the Conv2dGpuBench defaults); 'all' for every row")
    ap.add_argument("--gemm", default="1024,2048,4096")
    ap.add_argument("--vq", default="9216,2048,256", help="n,k,d")
    ap.add_argument("--skip-conv", action="store_true")
    ap.add_argument("--skip-gemm", action="store_true")
    ap.add_argument("--skip-vq", action="store_true")
    args = ap.parse_args()
    if not torch.cuda.is_available():
        print(json.dumps({"error": "no GPU: torch.cuda.is_available() is False"}))
        return 2
    torch.backends.cudnn.benchmark = True
    out = []
    if not args.skip_conv:
        bench_conv(conv_rows(None if args.conv == "all" else set(args.conv.split(","))), out)
    if not args.skip_gemm:
        bench_gemm([int(s) for s in args.gemm.split(",")], out)
    if not args.skip_vq:
        n, k, d = (int(s) for s in args.vq.split(","))
        bench_vq(n, k, d, out)
    print(json.dumps(dict(peer="pytorch", torch=torch.__version__, cudnn=torch.backends.cudnn.version(),
                          device=torch.cuda.get_device_name(0), results=out), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
