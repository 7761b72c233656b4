#!/usr/bin/env bash
# The GPU device check, run ON the device machine in one `run` call (see cuda-kernels/README.md):
#   run(carry=["target/device-carry"], command="bash bench/gpu/device-check.sh", timeout_s=540)
# prepared beforehand on the build machine by bench/gpu/prepare-carry.sh.
#
# Stages (each time-boxed; all of them together stay under DSR3D_DEADLINE_S, default 450 s, so the
# script ends and prints its summary well inside the run tool's timeout):
#   smi    nvidia-smi                                   -> $OUT/nvidia-smi.txt
#   java   a Java 25: JAVA_HOME, PATH, /usr/lib/jvm/*, else the carried jlink runtime
#   libs   CUDA 13 / cuBLAS 13 / cuDNN 9 library folders (pip wheels, /usr/local/cuda*, system)
#          -> LD_LIBRARY_PATH and DSR3D_CUDA_LIB_PATH    -> $OUT/libs.txt
#   tests  gpu-tagged tests of dsr3d.tests.cuda with the JUnit console launcher
#                                                        -> $OUT/junit/*.xml, $OUT/tests.txt
#   s2     3DSR inference on the GPU: `bench infer` with -Ddsr3d.backend=cuda, small preset at 64 and
#          paper preset at 384 (random weights; the stage-2 step and inference parity against the
#          CPU run in the tests stage: Stage2GpuTest)     -> $OUT/s2-infer.txt, $OUT/s2-infer.json
#   jmh    a short JMH run of the GPU benchmarks         -> $OUT/jmh.json, $OUT/jmh.txt
#   torch  bench/gpu/torch_peer.py if present and PyTorch imports -> $OUT/torch.txt (+ its own files in $OUT)
# (JMH forks inherit the host JVM flags above; the benchmarks' @Fork(jvmArgsAppend) adds their own.)
# Summary of every stage: $OUT/summary.txt (also printed last). Knobs (environment):
#   DSR3D_STAGES="smi java libs tests s2 jmh torch"  DSR3D_JMH_REGEX='dsr3d\.bench\.gpu\..*'
#   DSR3D_TEST_SELECT="--select-package dsr3d.tests.cuda"  DSR3D_DEADLINE_S=450
#   DSR3D_USE_CARRIED_JRE=1 (ignore any installed Java; for testing the fallback)
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
OUT="${OUT:-$ROOT/target/device-out}"
mkdir -p "$OUT"
export OUT  # torch_peer.py and other children write their files there
CARRY="$ROOT/target/device-carry"
STAGES="${DSR3D_STAGES:-smi java libs tests s2 jmh torch}"
JMH_REGEX="${DSR3D_JMH_REGEX:-dsr3d\\.bench\\.gpu\\..*}"
TEST_SELECT="${DSR3D_TEST_SELECT:---select-package dsr3d.tests.cuda}"
DEADLINE=$(( $(date +%s) + ${DSR3D_DEADLINE_S:-450} ))
JVM_FLAGS=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx16g -Xss4m)
SUMMARY="$OUT/summary.txt"
: > "$SUMMARY"

log() { echo "[device-check $(date -u +%T)] $*"; }
note() { echo "$*" | tee -a "$SUMMARY"; }
wants() { [[ " $STAGES " == *" $1 "* ]]; }
# seconds left before the deadline, minus a reserve for the stages after this one
budget() { local want=$1 reserve=${2:-10}; local left=$(( DEADLINE - $(date +%s) - reserve )); (( left < want )) && want=$left; (( want < 1 )) && want=1; echo "$want"; }
# stage NAME MAX_SECONDS LOGFILE command...: runs under timeout, records rc and duration
stage() {
    local name=$1 max=$2 logf=$3; shift 3
    local t=$(budget "$max") s=$(date +%s)
    log "stage $name (limit ${t}s)"
    timeout --kill-after=10 "$t" "$@" > "$logf" 2>&1
    local rc=$?
    local d=$(( $(date +%s) - s ))
    [ $rc -eq 124 ] || [ $rc -eq 137 ] && note "$name: TIMED OUT after ${d}s (limit ${t}s), log $(basename "$logf")" \
        || note "$name: rc=$rc in ${d}s, log $(basename "$logf")"
    tail -n 25 "$logf"
    return $rc
}

log "repo $ROOT, OUT=$OUT, stages: $STAGES"
[ -d "$CARRY" ] || { note "carry: MISSING $CARRY (run bench/gpu/prepare-carry.sh here first and pass carry=[\"target/device-carry\"])"; }
[ -f "$CARRY/MANIFEST.txt" ] && head -2 "$CARRY/MANIFEST.txt" | sed 's/^/carry: /' | tee -a "$SUMMARY"

# ---- smi ---------------------------------------------------------------------------------------
if wants smi; then
    if command -v nvidia-smi > /dev/null; then
        stage smi 20 "$OUT/nvidia-smi.txt" nvidia-smi
        nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv >> "$OUT/nvidia-smi.txt" 2>&1
    else
        note "smi: nvidia-smi not on PATH"
    fi
fi

# ---- java --------------------------------------------------------------------------------------
java_major() { "$1" -version 2>&1 | head -1 | sed -E 's/.*version "([0-9]+).*/\1/'; }
JAVA=""
if wants java || wants tests || wants jmh; then
    CANDIDATES=("${JAVA_HOME:-}/bin/java" "$(command -v java 2>/dev/null)" /usr/lib/jvm/*/bin/java)
    [ "${DSR3D_USE_CARRIED_JRE:-0}" = 1 ] && CANDIDATES=()
    for c in "${CANDIDATES[@]}"; do
        [ -x "$c" ] || continue
        m=$(java_major "$c")
        if [[ "$m" =~ ^[0-9]+$ ]] && (( m >= 25 )); then JAVA="$c"; break; fi
    done
    if [ -z "$JAVA" ] && [ -f "$CARRY/jre.tgz" ]; then
        mkdir -p /tmp/dsr3d-jre && tar -C /tmp/dsr3d-jre -xzf "$CARRY/jre.tgz" && JAVA=/tmp/dsr3d-jre/jre/bin/java
    fi
    if [ -n "$JAVA" ]; then note "java: $JAVA ($("$JAVA" -version 2>&1 | head -1))"; else note "java: NONE found and no carried jre.tgz"; fi
fi

# ---- libs --------------------------------------------------------------------------------------
if wants libs; then
    {
        DIRS=()
        add_dir() { local d; d="$(cd "$1" 2>/dev/null && pwd -P)" || return; for e in "${DIRS[@]:-}"; do [ "$e" = "$d" ] && return; done; DIRS+=("$d"); }
        SITES=""
        if command -v python3 > /dev/null; then
            SITES=$(timeout 30 python3 -c 'import site,sys; print("\n".join(site.getsitepackages()+[site.getusersitepackages()]+[p for p in sys.path if p.endswith("-packages")]))' 2>/dev/null)
            for mod in nvidia.cu13 nvidia.cublas nvidia.cudnn nvidia.cuda_runtime nvidia.cuda_nvrtc nvidia.nvjitlink torch; do
                p=$(timeout 20 python3 -c "import $mod, os; print(os.path.dirname($mod.__file__) if $mod.__file__ else list($mod.__path__)[0])" 2>/dev/null) || continue
                [ -n "$p" ] && for sub in lib lib64 .; do [ -d "$p/$sub" ] && ls "$p/$sub" | grep -qE '\.so' && add_dir "$p/$sub"; done
            done
        fi
        # any wheel folder holding one of the libraries we bind (or cuDNN's sub-libraries / nvrtc)
        for s in $SITES; do
            [ -d "$s/nvidia" ] || continue
            while IFS= read -r f; do add_dir "$(dirname "$f")"; done < <(timeout 30 find "$s/nvidia" -maxdepth 4 \
                \( -name 'libcublas.so.13*' -o -name 'libcudnn.so.9*' -o -name 'libcudart.so.13*' -o -name 'libnvrtc.so.13*' -o -name 'libnvJitLink.so.13*' \) 2>/dev/null)
        done
        for d in /usr/local/cuda/lib64 /usr/local/cuda-13*/lib64 /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib/wsl/lib; do
            [ -d "$d" ] && ls "$d" 2>/dev/null | grep -qE '^lib(cuda|cublas|cudnn|cudart|nvrtc)' && add_dir "$d"
        done
        JOINED=$(IFS=:; echo "${DIRS[*]:-}")
        echo "DSR3D_CUDA_LIB_PATH=$JOINED"
        for d in "${DIRS[@]:-}"; do [ -n "$d" ] && { echo "== $d"; ls "$d" | grep -E '^lib(cuda|cublas|cudnn|cudart|nvrtc|nvJitLink)' | head -40; }; done
        echo "$JOINED" > "$OUT/.libpath"
    } > "$OUT/libs.txt" 2>&1
    LIBPATH=$(cat "$OUT/.libpath" 2>/dev/null); rm -f "$OUT/.libpath"
    export DSR3D_CUDA_LIB_PATH="$LIBPATH"
    export LD_LIBRARY_PATH="$LIBPATH${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    note "libs: DSR3D_CUDA_LIB_PATH=$LIBPATH"
    for so in libcuda.so.1 libcublas.so.13 libcudnn.so.9; do
        found=""; IFS=: read -ra parts <<< "$LIBPATH"; for d in "${parts[@]:-}"; do [ -n "$d" ] && [ -e "$d/$so" ] && { found="$d/$so"; break; }; done
        [ -z "$found" ] && ldconfig -p 2>/dev/null | grep -q "$so" && found="(ldconfig)"
        note "libs: $so -> ${found:-NOT FOUND}"
    done
fi

# ---- tests -------------------------------------------------------------------------------------
if wants tests; then
    CONSOLE=$(ls "$CARRY"/console/junit-platform-console-standalone-*.jar 2>/dev/null | head -1)
    if [ -n "$JAVA" ] && [ -n "$CONSOLE" ]; then
        CP=$(ls "$CARRY"/lib/*.jar | tr '\n' ':')
        mkdir -p "$OUT/junit"
        # shellcheck disable=SC2086
        stage tests 240 "$OUT/tests.txt" "$JAVA" "${JVM_FLAGS[@]}" -cp "$CONSOLE:$CP" org.junit.platform.console.ConsoleLauncher \
            execute --disable-banner --disable-ansi-colors --details=tree --details-theme=ascii $TEST_SELECT --include-tag gpu \
            --reports-dir "$OUT/junit"
        grep -E "tests (successful|failed|skipped|aborted|found)" "$OUT/tests.txt" | sed 's/^/tests: /' | tee -a "$SUMMARY"
        grep -qE "\[ +0 tests found" "$OUT/tests.txt" && note "tests: WARNING no test was found: see tests.txt (discovery problem?)"
    else
        note "tests: skipped (java='$JAVA', console jar='${CONSOLE:-missing}')"
    fi
fi

# ---- s2: 3DSR inference on the CUDA backend ----------------------------------------------------------
if wants s2; then
    if [ -n "$JAVA" ] && [ -f "$CARRY/benchmarks.jar" ]; then
        export S2_JAVA="$JAVA" S2_FLAGS="${JVM_FLAGS[*]}" S2_JAR="$CARRY/benchmarks.jar" S2_JSON="$OUT/s2-infer.json"
        # shellcheck disable=SC2016  # expanded by the inner bash
        stage s2-infer 90 "$OUT/s2-infer.txt" bash -c 'set -e
            for spec in "small 64" "paper 384"; do set -- $spec
                "$S2_JAVA" $S2_FLAGS -Ddsr3d.backend=cuda -cp "$S2_JAR" dsr3d.models.cli.Main \
                    bench infer --preset "$1" --size "$2" --threads 1 --quick --json "$S2_JSON"
            done'
        grep -E '^infer ' "$OUT/s2-infer.txt" | sed 's/^/s2: /' | tee -a "$SUMMARY"
    else
        note "s2: skipped (java='$JAVA', benchmarks.jar present: $([ -f "$CARRY/benchmarks.jar" ] && echo yes || echo no))"
    fi
fi

# ---- jmh ---------------------------------------------------------------------------------------
if wants jmh; then
    if [ -n "$JAVA" ] && [ -f "$CARRY/benchmarks.jar" ]; then
        # The full @Param grid does not fit the 150 s budget: unless DSR3D_JMH_REGEX is given, run the
        # subset that answers the issue's questions (GEMM vs cuBLAS, big convs vs cuDNN, fused VQ vs
        # cuBLAS GEMM + argmin), one JMH call per class so that every parameter is valid for it.
        JMH_COMMON=(-f 1 -wi 1 -w 1s -i 2 -r 1s)
        if [ -n "${DSR3D_JMH_REGEX:-}" ]; then
            stage jmh 150 "$OUT/jmh.txt" "$JAVA" "${JVM_FLAGS[@]}" -jar "$CARRY/benchmarks.jar" "$JMH_REGEX" \
                "${JMH_COMMON[@]}" -rf json -rff "$OUT/jmh.json"
        else
            stage jmh-matmul 40 "$OUT/jmh-matmul.txt" "$JAVA" "${JVM_FLAGS[@]}" -jar "$CARRY/benchmarks.jar" \
                'MatMulGpuBench' -p size=4096 -p kernel=matmul_forward_v3,matmul_forward_v4,cublas,cublas-tf32 \
                "${JMH_COMMON[@]}" -rf json -rff "$OUT/jmh-matmul.json"
            stage jmh-conv 70 "$OUT/jmh-conv.txt" "$JAVA" "${JVM_FLAGS[@]}" -jar "$CARRY/benchmarks.jar" \
                'Conv2dGpuBench' -p shape=c1,c12,c13 \
                -p kernel=conv2d_forward_v2,cudnn_forward,conv2d_backward_input_v2,cudnn_backward_input,conv2d_backward_weight_v2,cudnn_backward_weight \
                "${JMH_COMMON[@]}" -rf json -rff "$OUT/jmh-conv.json"
            stage jmh-vq 40 "$OUT/jmh-vq.txt" "$JAVA" "${JVM_FLAGS[@]}" -jar "$CARRY/benchmarks.jar" \
                'VqNearestGpuBench' "${JMH_COMMON[@]}" -rf json -rff "$OUT/jmh-vq.json"
        fi
    else
        note "jmh: skipped (java='$JAVA', benchmarks.jar present: $([ -f "$CARRY/benchmarks.jar" ] && echo yes || echo no))"
    fi
fi

# ---- torch peer --------------------------------------------------------------------------------
if wants torch; then
    if [ -f "$ROOT/bench/gpu/torch_peer.py" ] && command -v python3 > /dev/null && timeout 60 python3 -c 'import torch' 2> /dev/null; then
        stage torch 60 "$OUT/torch.txt" python3 "$ROOT/bench/gpu/torch_peer.py"
    else
        note "torch: skipped (no bench/gpu/torch_peer.py, python3 or torch)"
    fi
fi

log "summary"
cat "$SUMMARY"
exit 0
