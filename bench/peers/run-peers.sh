#!/usr/bin/env bash
# Peer comparison, opt-in (not in the default build or CI):
#   1. numpy/OpenBLAS float32 GEMM (bench/peers/numpy_gemm.py), if python3 with numpy is present;
#   2. PyTorch (libtorch 2.7.1 via DJL 0.36.0) next to our kernels in one JVM per thread count
#      (dsr3d.bench.peers.TorchPeers): GEMM and conv2d forward on the 3DSR shapes.
# Usage: bench/peers/run-peers.sh [--full | --shapes c1,...,c16]   (full size: all 54 / the listed shapes)
#        bench/peers/run-peers.sh --infer [--size 384] [--reps 5]
#          the whole 3DSR inference (paper preset, RGB+D): the official pipeline traced to TorchScript
#          by bench/peers/trace_3dsr.py (Debian torch 1.13, once; output in bench/target/peers) and run
#          in libtorch 2.7.1 via DJL, next to ours in the same JVM (dsr3d.bench.peers.TorchInferPeer),
#          with THP_MEM_ALLOC_ENABLE=1 and the malloc tunables of docs/cpu-anchor.md.
#        bench/peers/run-peers.sh --stage2 [--preset small] [--size 64] [--batch 16] [--reps 5]
#          one stage-2 training step (RGB+D), ours (dsr3d.bench.peers.Stage2StepPeer) beside the
#          official train_dsr.py step in Debian torch 1.13, python (bench/peers/stage2_step.py),
#          as written and with the DADA frozen; for the record (no libtorch 2.7.1 training peer).
# Env: THREADS (default "1 2"), SIZES (default 256,512,1024,2048).
# The first run downloads the DJL/PyTorch jars (~112 MB) from Maven Central into ~/.m2.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
THREADS="${THREADS:-1 2}"
SIZES="${SIZES:-256,512,1024,2048}"

# A JDK 25+: JAVA_HOME if it is one, else the newest under /usr/lib/jvm (as ./3dsr does).
major() { sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null || true; }
if [[ -z "${JAVA_HOME:-}" || "$(major "$JAVA_HOME")" -lt 25 ]] 2>/dev/null; then
  JAVA_HOME=""
  for d in "${DSR3D_JVM_DIR:-/usr/lib/jvm}"/*; do
    v="$(major "$d")"; [[ -n "$v" && "$v" -ge 25 ]] && JAVA_HOME="$d"
  done
  [[ -n "$JAVA_HOME" ]] || { echo "run-peers: no JDK 25 found (see README, Requirements)" >&2; exit 1; }
fi
export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"

MODE=kernels
if [[ "${1:-}" == "--infer" ]]; then MODE=infer; shift; fi
if [[ "${1:-}" == "--stage2" ]]; then MODE=stage2; shift; fi
MALLOC=glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=17179869184:glibc.malloc.top_pad=67108864
# Builds bench with the peers profile (DJL + PyTorch CPU) and sets CP to its runtime classpath.
build_peers() {
  echo "== building with -Ppeers (DJL + PyTorch CPU)"
  mvn -B -q -Ppeers -DskipTests -pl bench -am package dependency:build-classpath \
    -Dmdep.outputFile=target/peers.classpath -Dmdep.includeScope=runtime >&2
  CP="bench/target/classes:$(cat bench/target/peers.classpath)"
}
machine() {
  echo "== machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs; $(grep -o -w 'avx512f\|avx2\|fma' /proc/cpuinfo | sort -u | tr '\n' ' ')"
  java --add-modules jdk.incubator.vector -cp "$CP" dsr3d.bench.support.FmaPeak 2>/dev/null
}

if [[ "$MODE" == "stage2" ]]; then
  build_peers
  machine
  echo "== stage-2 training step, ours (one JVM per thread count)"
  for t in $THREADS; do
    java -Xmx8g --add-modules jdk.incubator.vector -cp "$CP" dsr3d.bench.peers.Stage2StepPeer --threads "$t" "$@" 2>&1 | grep -v 'incubator modules'
  done
  echo "== stage-2 training step, official train_dsr.py in Debian torch 1.13 (python), as written / DADA frozen"
  for f in "" --freeze-dada; do
    THP_MEM_ALLOC_ENABLE=1 GLIBC_TUNABLES=$MALLOC \
      /usr/bin/python3 bench/peers/stage2_step.py --threads "$(echo $THREADS | tr ' ' ',')" $f "$@" 2>&1 | grep -e RESULT -e official
  done
  exit 0
fi

if [[ "$MODE" == "infer" ]]; then
  SIZE=384; ARGS=("$@")
  for ((i = 0; i < ${#ARGS[@]}; i++)); do [[ "${ARGS[i]}" == "--size" ]] && SIZE="${ARGS[i+1]}"; done
  PEERS="$ROOT/bench/target/peers"
  build_peers
  if [[ ! -f "$PEERS/3dsr_rgbd_$SIZE.pt" ]]; then
    echo "== tracing the official pipeline (Debian torch 1.13) into $PEERS"
    /usr/bin/python3 bench/peers/trace_3dsr.py --size "$SIZE" --out "$PEERS"
  fi
  machine
  echo "== whole 3DSR inference, ours vs libtorch (one JVM per thread count)"
  for t in $THREADS; do
    THP_MEM_ALLOC_ENABLE=1 OMP_NUM_THREADS="$t" \
    GLIBC_TUNABLES=$MALLOC \
      java -Xmx4g --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
      -Dai.djl.pytorch.num_threads="$t" -Dai.djl.pytorch.num_interop_threads=1 -Dai.djl.offline=true -Dslf4j.internal.verbosity=ERROR \
      -cp "$CP" dsr3d.bench.peers.TorchInferPeer --dir "$PEERS" "$@" 2>&1 | grep -v -e NNPACK -e 'incubator modules'
  done
  echo "(figures from one run; on a shared machine they are noisy: rerun before quoting them)"
  exit 0
fi

echo "== numpy (OpenBLAS) GEMM"
# Debian's python3-numpy (its OpenBLAS) first: a python3 earlier in PATH (pyenv) may have no numpy
PY=python3; /usr/bin/python3 -c 'import numpy' 2>/dev/null && PY=/usr/bin/python3
if $PY -c 'import numpy' 2>/dev/null; then
  $PY bench/peers/numpy_gemm.py --threads "$(echo $THREADS | tr ' ' ',')" --sizes "$SIZES"
else
  echo "(skipped: python3 with numpy not found)"
fi

build_peers

echo "== ours vs libtorch (one JVM per thread count)"
for t in $THREADS; do
  THP_MEM_ALLOC_ENABLE=1 java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
    -Dai.djl.pytorch.num_threads="$t" -Dai.djl.pytorch.num_interop_threads=1 -Dai.djl.offline=true -Dslf4j.internal.verbosity=ERROR \
    -cp "$CP" dsr3d.bench.peers.TorchPeers --sizes "$SIZES" "$@"
done
echo "(figures from one run; on a shared machine they are noisy: rerun before quoting them)"
