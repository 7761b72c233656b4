#!/usr/bin/env bash
# Peer comparison, opt-in (not in the default build or CI):
#   1. numpy/OpenBLAS float32 GEMM (bench/peers/numpy_gemm.py), if python3 with numpy is present;
#   2. PyTorch (libtorch 2.7.1 via DJL 0.36.0) next to our kernels in one JVM per thread count
#      (dsr3d.bench.peers.TorchPeers): GEMM and conv2d forward on the 3DSR shapes.
# Usage: bench/peers/run-peers.sh [--full | --shapes c1,...,c16]   (full size: all 54 / the listed shapes)
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

echo "== numpy (OpenBLAS) GEMM"
if python3 -c 'import numpy' 2>/dev/null; then
  python3 bench/peers/numpy_gemm.py --threads "$(echo $THREADS | tr ' ' ',')" --sizes "$SIZES"
else
  echo "(skipped: python3 with numpy not found)"
fi

echo "== building with -Ppeers (DJL + PyTorch CPU)"
mvn -B -q -Ppeers -DskipTests -pl bench -am package dependency:build-classpath \
  -Dmdep.outputFile=target/peers.classpath -Dmdep.includeScope=runtime >&2
CP="bench/target/classes:$(cat bench/target/peers.classpath)"

echo "== ours vs libtorch (one JVM per thread count)"
for t in $THREADS; do
  THP_MEM_ALLOC_ENABLE=1 java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
    -Dai.djl.pytorch.num_threads="$t" -Dai.djl.pytorch.num_interop_threads=1 -Dai.djl.offline=true -Dslf4j.internal.verbosity=ERROR \
    -cp "$CP" dsr3d.bench.peers.TorchPeers --sizes "$SIZES" "$@"
done
echo "(figures from one run; on a shared machine they are noisy: rerun before quoting them)"
