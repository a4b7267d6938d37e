#!/usr/bin/env bash
# Times ways of drawing the d_chi directions' normal batch: PyTorch's sampler, a Java
# ziggurat and a Vector API draw, alternating after an engine matrix product. Uses the built
# product's DJL jars; not part of the build (the Vector API module is incubating).
#   releng/bench/draw/run.sh [repetitions per round] [rounds]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
. "$root/releng/scripts/jdk.sh"
privtune_ensure_jdk
plugins="$root/product/target/products/org.privtune.product/linux/gtk/x86_64/privtune/plugins"
[ -d "$plugins" ] || { echo "draw bench: build the product first (./privtune build)" >&2; exit 2; }
cp=$(ls "$plugins"/org.privtune.djl.runtime_*/lib/*.jar | tr '\n' ':')
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
if ! "$JAVA_HOME/bin/javac" -nowarn --add-modules jdk.incubator.vector -cp "$cp" -d "$out" \
    "$root/releng/bench/draw/NormalDrawBench.java" > "$out/javac.log" 2>&1; then
  echo "draw bench: releng/bench/draw/NormalDrawBench.java does not compile:" >&2
  cat "$out/javac.log" >&2
  exit 1
fi
# the launcher's environment (docs/benchmarks.md): huge pages, glibc keeps freed memory, fixed threads
export THP_MEM_ALLOC_ENABLE=1 MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=4294967295 \
  MALLOC_TOP_PAD_=268435456 MKL_DYNAMIC=FALSE OMP_DYNAMIC=FALSE
"$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  -Dai.djl.offline=true -DDJL_CACHE_DIR="${PRIVTUNE_HOME:-$HOME/.privtune}/djl" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$cp:$out" NormalDrawBench "${1:-100}" "${2:-3}" 2>&1 | grep -v 'incubator modules'
