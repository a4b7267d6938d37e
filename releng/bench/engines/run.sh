#!/usr/bin/env bash
# Compiles EngineBench.java against the built product's jars (DJL, ONNX Runtime, protobuf, the
# model bundle) and runs it with the launcher's engine environment. Not part of the build.
#   releng/bench/engines/run.sh gemm [n] [reps]
#   releng/bench/engines/run.sh bottom djl|ort [batch] [tokens] [split] [reps] [warm-up]
#   releng/bench/engines/run.sh check [batch] [tokens] [split]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
. "$root/releng/scripts/jdk.sh"
privtune_ensure_jdk
plugins="$root/product/target/products/org.privtune.product/linux/gtk/x86_64/privtune/plugins"
[ -d "$plugins" ] || { echo "engine bench: build the product first (./privtune build)" >&2; exit 2; }
cp=$(ls "$plugins"/org.privtune.djl.runtime_*/lib/*.jar "$plugins"/wrapped.com.microsoft.onnxruntime.onnxruntime_*.jar \
  "$plugins"/com.google.protobuf_*.jar "$plugins"/org.privtune.model_*.jar "$plugins"/org.privtune.core_*.jar | tr '\n' ':')
work="$root/target/bench/engines"
mkdir -p "$work/classes"
# compiled once per product build and harness change
if [ ! -f "$work/classes/EngineBench.class" ] || [ "$root/releng/bench/engines/EngineBench.java" -nt "$work/classes/EngineBench.class" ] \
    || [ "$plugins" -nt "$work/classes/EngineBench.class" ]; then
  if ! "$JAVA_HOME/bin/javac" -nowarn -cp "$cp" -d "$work/classes" "$root/releng/bench/engines/EngineBench.java" \
      > "$work/javac.log" 2>&1; then
    echo "engine bench: releng/bench/engines/EngineBench.java does not compile:" >&2
    cat "$work/javac.log" >&2
    exit 1
  fi
fi
# the model bundle ships MiniLM in a folder inside its jar; the harness reads it from a copy
model_jar=$(ls "$plugins"/org.privtune.model_*.jar)
if [ ! -f "$work/minilm/all-minilm-l6-v2.onnx" ] || [ "$model_jar" -nt "$work/minilm/all-minilm-l6-v2.onnx" ]; then
  (cd "$work" && "$JAVA_HOME/bin/jar" xf "$model_jar" minilm/all-minilm-l6-v2.onnx minilm/all-minilm-l6-v2-tokenizer.json \
    && touch minilm/*)
fi
# the launcher's engine environment (./privtune): huge pages, glibc keeps freed memory, fixed threads
export OPT_OUT_TRACKING=true THP_MEM_ALLOC_ENABLE=1 MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=4294967295 \
  MALLOC_TOP_PAD_=268435456 MKL_DYNAMIC=FALSE OMP_DYNAMIC=FALSE
jvm=(-Xmx8g --enable-native-access=ALL-UNNAMED)
[ "$(privtune_java_major "$JAVA_HOME")" -ge 24 ] 2>/dev/null && jvm+=(--sun-misc-unsafe-memory-access=allow)
exec "$JAVA_HOME/bin/java" "${jvm[@]}" \
  -Dai.djl.offline=true -DDJL_CACHE_DIR="${PRIVTUNE_HOME:-$HOME/.privtune}/djl" \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dprivtune.minilm.dir="$work/minilm" \
  -cp "$cp:$work/classes" EngineBench "$@"
