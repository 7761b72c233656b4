#!/usr/bin/env bash
# Builds everything the GPU machine needs into target/device-carry/ (run HERE, on the build
# machine; the GPU machine has no Maven Central). Then, with the `run` tool:
#   carry = ["target/device-carry"], command = "bash bench/gpu/device-check.sh", timeout_s = 540
#
# target/device-carry/
#   lib/*.jar                 test classpath of the tests module (project modules + test deps)
#   lib/dsr3d-tests.jar       the compiled tests (tests/target/test-classes)
#   console/junit-platform-console-standalone-1.14.1.jar
#   benchmarks.jar            the JMH uber-jar (bench module)
#   jre.tgz                   jlink'd Java 25 runtime, used only if the GPU machine has no Java 25
#   MANIFEST.txt              what was built, from which commit
# The carry limit is 64 MiB; the script fails if the folder is larger.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"
CARRY="$ROOT/target/device-carry"
LIMIT=$((64 * 1024 * 1024))
JUNIT_CONSOLE=org.junit.platform:junit-platform-console-standalone:1.14.1

java -version 2>&1 | head -1
rm -rf "$CARRY"
mkdir -p "$CARRY/lib" "$CARRY/console"
echo "== build (tests compiled, not run) and test classpath =="
# package (-DskipTests still compiles the tests): every module's jar, benchmarks.jar, test classes.
# copy-dependencies in the same reactor run resolves project modules to their fresh target/*.jar.
mvn -q -B -DskipTests package dependency:copy-dependencies -pl tests -am \
    -DincludeScope=test -DoutputDirectory="$CARRY/lib"
# copy-dependencies ran in every module with the same output folder: keep only the tests module's
# closure (all modules' jars are in it anyway), and drop the JUnit jars the console jar bundles
rm -f "$CARRY"/lib/junit-jupiter-* "$CARRY"/lib/junit-platform-* "$CARRY"/lib/opentest4j-* "$CARRY"/lib/apiguardian-*
# the unshaded bench jar would duplicate benchmarks.jar's classes on the test classpath: harmless, keep it
(cd tests/target/test-classes && "$JAVA_HOME/bin/jar" --create --file "$CARRY/lib/dsr3d-tests.jar" .)
cp bench/target/benchmarks.jar "$CARRY/benchmarks.jar"

echo "== JUnit console launcher =="
mvn -q -B -N dependency:copy -Dartifact="$JUNIT_CONSOLE" -DoutputDirectory="$CARRY/console"

echo "== jlink'd Java runtime =="
JRE_TMP="$(mktemp -d)"
"$JAVA_HOME/bin/jlink" --add-modules java.base,java.logging,java.management,jdk.management,jdk.unsupported,jdk.incubator.vector,java.xml,jdk.zipfs \
    --strip-debug --no-header-files --no-man-pages --compress=zip-9 --output "$JRE_TMP/jre"
"$JRE_TMP/jre/bin/java" --add-modules jdk.incubator.vector -version 2>&1 | tail -1
tar -C "$JRE_TMP" -czf "$CARRY/jre.tgz" jre
rm -rf "$JRE_TMP"

{
    echo "built $(date -u +%FT%TZ) from $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (dirty)')"
    echo "java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
    ls -l "$CARRY" "$CARRY/lib" "$CARRY/console"
} > "$CARRY/MANIFEST.txt"

SIZE=$(du -sb "$CARRY" | cut -f1)
echo "== carry: $CARRY = $((SIZE / 1024 / 1024)) MiB ($SIZE bytes; limit $((LIMIT / 1024 / 1024)) MiB) =="
du -sh "$CARRY"/* | sort -h
if [ "$SIZE" -ge "$LIMIT" ]; then
    echo "ERROR: carry too large for the device machine" >&2
    exit 1
fi
