#!/usr/bin/env python3
"""Peer benchmark: float32 GEMM C = A @ B with numpy (OpenBLAS), n = 256..2048, on 1 and 2 threads.

Each thread count runs in its own subprocess, because OpenBLAS reads OPENBLAS_NUM_THREADS once at
load time. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are removed from the child's environment: a
forced OPENBLAS_CORETYPE=Haswell makes OpenBLAS use its AVX2 kernels on an AVX-512 machine and
roughly halves its speed. Prints one line per (threads, n): median ms and GFLOP/s (2 n^3 flops).

Usage: python3 bench/peers/numpy_gemm.py [--threads 1,2] [--sizes 256,512,1024,2048]
"""
import argparse
import os
import subprocess
import sys

CHILD = r"""
import statistics, sys, time
import numpy as np
n = int(sys.argv[1])
rng = np.random.default_rng(1)
a = rng.uniform(-1, 1, (n, n)).astype(np.float32)
b = rng.uniform(-1, 1, (n, n)).astype(np.float32)
c = np.empty((n, n), np.float32)
np.matmul(a, b, out=c)                       # warm-up (thread pool start, page faults)
times, start = [], time.perf_counter()
while len(times) < 3 or (time.perf_counter() - start < 1.0 and len(times) < 50):
    t0 = time.perf_counter()
    np.matmul(a, b, out=c)
    times.append(time.perf_counter() - t0)
ms = statistics.median(times) * 1e3
print(f"{ms:.3f} {2 * n ** 3 / (ms * 1e6):.2f} {len(times)}")
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", default="1,2", help="comma-separated OpenBLAS thread counts (default 1,2)")
    ap.add_argument("--sizes", default="256,512,1024,2048", help="comma-separated matrix sizes n")
    args = ap.parse_args()
    threads = [int(t) for t in args.threads.split(",")]
    sizes = [int(s) for s in args.sizes.split(",")]
    if any(t < 1 for t in threads) or any(s < 1 for s in sizes):
        ap.error("--threads and --sizes must be positive integers")

    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    import numpy
    print(f"numpy {numpy.__version__} float32 GEMM (OpenBLAS); OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset in children")
    print(f"{'threads':>7} {'n':>6} {'ms':>10} {'GFLOP/s':>9} {'reps':>5}")
    for t in threads:
        env["OPENBLAS_NUM_THREADS"] = str(t)
        env["OMP_NUM_THREADS"] = str(t)
        for n in sizes:
            out = subprocess.run([sys.executable, "-c", CHILD, str(n)], env=env, check=True,
                                 capture_output=True, text=True).stdout.split()
            print(f"{t:>7} {n:>6} {float(out[0]):>10.2f} {float(out[1]):>9.1f} {out[2]:>5}", flush=True)


if __name__ == "__main__":
    main()
